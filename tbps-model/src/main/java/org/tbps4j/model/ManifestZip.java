package org.tbps4j.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The project's zip files with a JSON manifest: a saved model ({@code manifest.json}), a gallery
 * ({@code gallery.json}) and a pretrained backbone ({@code backbone.json}). The manifest is the
 * first entry, pretty-printed; the other entries follow in the order written.
 *
 * <p>Writing is atomic ({@link AtomicFiles}: a temporary file beside the target, forced to disk,
 * renamed over it, the directory synced): a reader, or a process killed mid-write, sees the old
 * file or the complete new one. Reading is size-limited ({@link ZipEntries}: a zip bomb is refused)
 * and every problem of the container is a bad-input error naming the file and, where there is one,
 * the entry:
 *
 * <ul>
 *   <li>not a zip: {@code <file>: not a <kind> (<reason>)};
 *   <li>an entry missing: {@code <file>: missing entry '<name>'};
 *   <li>an entry that does not inflate: {@code <file>: entry '<name>' is corrupt (<reason>)};
 *   <li>a manifest that is not JSON: {@code <file>: <manifest> is not JSON}.
 * </ul>
 *
 * What the manifest must contain is for the caller to check.
 *
 * <pre>{@code
 * ManifestZip.write(file, "manifest.json", manifest, zip -> {
 *   zip.put("config.json", configBytes);
 *   zip.put("graph.fb", graphFile);          // streamed from a file
 * });
 * Model m = ManifestZip.read(file, "manifest.json", "TBPS4J model file",
 *     zip -> new Model(zip.manifest(), zip.entry("config.json")));
 * }</pre>
 */
public final class ManifestZip {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ManifestZip() {}

  /** The entries after the manifest, written in the order of the calls. */
  public static final class Entries {
    private final ZipOutputStream zip;

    private Entries(ZipOutputStream zip) {
      this.zip = zip;
    }

    /**
     * Adds an entry.
     *
     * @param name the entry name
     * @param content its bytes
     * @throws IOException on write errors
     */
    public void put(String name, byte[] content) throws IOException {
      zip.putNextEntry(new ZipEntry(name));
      zip.write(content);
      zip.closeEntry();
    }

    /**
     * Adds an entry with the content of a file, streamed (for content a library can only write to a
     * file, such as a SameDiff graph).
     *
     * @param name the entry name
     * @param content the file
     * @throws IOException on read or write errors
     */
    public void put(String name, Path content) throws IOException {
      zip.putNextEntry(new ZipEntry(name));
      Files.copy(content, zip);
      zip.closeEntry();
    }
  }

  /** Writes the entries after the manifest. */
  @FunctionalInterface
  public interface Content {
    /**
     * Writes them.
     *
     * @param entries where to put them
     * @throws IOException on write errors (the target is then unchanged)
     */
    void write(Entries entries) throws IOException;
  }

  /** An open manifest zip, valid during {@link #read}. */
  public static final class Opened {
    private final ZipFile zip;
    private final Path file;
    private final JsonNode manifest;

    private Opened(ZipFile zip, Path file, JsonNode manifest) {
      this.zip = zip;
      this.file = file;
      this.manifest = manifest;
    }

    /**
     * The zip's path, for messages.
     *
     * @return the path as given to {@link #read}
     */
    public Path file() {
      return file;
    }

    /**
     * The parsed manifest.
     *
     * @return its JSON tree
     */
    public JsonNode manifest() {
      return manifest;
    }

    /**
     * Reads one entry into memory, size-limited ({@link ZipEntries#read}).
     *
     * @param name the entry name
     * @return its bytes
     * @throws IllegalArgumentException naming the file and the entry when it is missing, corrupt or
     *     too large
     * @throws IOException on read errors
     */
    public byte[] entry(String name) throws IOException {
      return ZipEntries.read(zip, file, name);
    }
  }

  /** Reads what it needs from an open manifest zip. */
  @FunctionalInterface
  public interface Reader<T> {
    /**
     * Reads.
     *
     * @param zip the open zip
     * @return the result
     * @throws IOException on read errors
     */
    T read(Opened zip) throws IOException;
  }

  /**
   * Writes a manifest zip atomically.
   *
   * @param file the target (parent directories are created)
   * @param manifestName the manifest's entry name
   * @param manifest the manifest
   * @param content writes the other entries
   * @throws IOException on write errors (the target is then unchanged, no temporary file is left)
   */
  public static void write(Path file, String manifestName, JsonNode manifest, Content content)
      throws IOException {
    byte[] m = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
    AtomicFiles.write(
        file,
        out -> {
          ZipOutputStream zip = new ZipOutputStream(out);
          Entries entries = new Entries(zip);
          entries.put(manifestName, m);
          content.write(entries);
          zip.finish();
        });
  }

  /**
   * Opens a manifest zip, parses its manifest and hands both to a reader.
   *
   * @param file the zip (it must exist; callers say what a missing one is)
   * @param manifestName the manifest's entry name
   * @param kind what the file should be, for the message when it is not a zip (e.g. {@code "gallery
   *     file"})
   * @param reader reads what it needs
   * @param <T> the result type
   * @return the reader's result
   * @throws IllegalArgumentException naming the file (and the entry) when it is not a zip, the
   *     manifest or an entry is missing or corrupt, or the manifest is not JSON; and whatever the
   *     reader throws
   * @throws IOException on read errors
   */
  public static <T> T read(Path file, String manifestName, String kind, Reader<T> reader)
      throws IOException {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      byte[] bytes = ZipEntries.read(zip, file, manifestName);
      JsonNode manifest;
      try {
        manifest = JSON.readTree(bytes);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(file + ": " + manifestName + " is not JSON", e);
      }
      return reader.read(new Opened(zip, file, manifest));
    } catch (ZipException e) {
      throw new IllegalArgumentException(file + ": not a " + kind + " (" + e.getMessage() + ")", e);
    }
  }
}
