package org.tbps4j.model;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads entries of model and gallery zips, which may come from someone else (see docs/security.md):
 * an entry is read into memory only up to a size limit, whatever its header declares, so a zip bomb
 * is refused (a bad-input error naming the file and the entry) instead of filling the heap.
 */
public final class ZipEntries {
  /** System property with the per-entry limit in bytes. */
  public static final String MAX_ENTRY_PROPERTY = "tbps.maxZipEntryBytes";

  /** Environment variable with the per-entry limit in bytes (the property wins). */
  public static final String MAX_ENTRY_ENV = "TBPS_MAX_ZIP_ENTRY_BYTES";

  /** Default per-entry limit: 1 GiB (a ResNet-50 checkpoint with its Adam state is ~0.3 GiB). */
  public static final long DEFAULT_MAX_ENTRY = 1L << 30;

  private ZipEntries() {}

  /**
   * The per-entry limit: {@value #MAX_ENTRY_PROPERTY}, else {@value #MAX_ENTRY_ENV}, else {@link
   * #DEFAULT_MAX_ENTRY}; never above the largest Java array.
   *
   * @return bytes
   * @throws IllegalArgumentException when the setting is not a positive integer
   */
  public static long maxEntryBytes() {
    String v = System.getProperty(MAX_ENTRY_PROPERTY);
    String from = "-D" + MAX_ENTRY_PROPERTY;
    if (v == null) {
      v = System.getenv(MAX_ENTRY_ENV);
      from = MAX_ENTRY_ENV;
    }
    long n = DEFAULT_MAX_ENTRY;
    if (v != null && !v.isBlank()) {
      try {
        n = Long.parseLong(v.trim());
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 1) {
        throw new IllegalArgumentException(
            from + "=" + v + ": the zip entry limit must be a positive number of bytes");
      }
    }
    return Math.min(n, Integer.MAX_VALUE - 8L);
  }

  /**
   * Reads one entry, refusing it when it is missing or inflates past {@link #maxEntryBytes()}.
   *
   * @param zip the open zip
   * @param file the zip's path (for messages)
   * @param name the entry name
   * @return the entry's bytes
   * @throws IllegalArgumentException naming the file and entry when it is missing, too large or
   *     corrupt
   * @throws IOException on read failures
   */
  public static byte[] read(ZipFile zip, Path file, String name) throws IOException {
    ZipEntry e = zip.getEntry(name);
    if (e == null) {
      throw new IllegalArgumentException(file + ": missing entry '" + name + "'");
    }
    long max = maxEntryBytes();
    if (e.getSize() > max) {
      throw tooLarge(file, name, max);
    }
    try (InputStream in = zip.getInputStream(e)) {
      ByteArrayOutputStream out =
          new ByteArrayOutputStream((int) Math.max(32, Math.min(e.getSize(), 1 << 20)));
      byte[] buf = new byte[1 << 16];
      long total = 0;
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        total += n;
        if (total > max) {
          throw tooLarge(file, name, max);
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (java.util.zip.ZipException ex) {
      throw new IllegalArgumentException(
          file + ": entry '" + name + "' is corrupt (" + ex.getMessage() + ")", ex);
    }
  }

  private static IllegalArgumentException tooLarge(Path file, String name, long max) {
    return new IllegalArgumentException(
        file
            + ": entry '"
            + name
            + "' inflates to more than "
            + max
            + " bytes, the limit per entry ("
            + MAX_ENTRY_ENV
            + "); refused");
  }
}
