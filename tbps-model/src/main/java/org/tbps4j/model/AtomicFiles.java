package org.tbps4j.model;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes a file atomically: into a temporary file beside it, then a rename over the target. */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes the content of a file to a stream. */
  @FunctionalInterface
  public interface Writer {
    /**
     * Writes the content.
     *
     * @param out the stream (closed by the caller)
     * @throws IOException on write errors
     */
    void write(OutputStream out) throws IOException;
  }

  /**
   * Writes {@code target} atomically: readers see either the old file or the complete new one.
   *
   * @param target the file to write
   * @param writer writes the content
   * @throws IOException if writing or renaming fails (the temporary file is removed)
   */
  public static void write(Path target, Writer writer) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        writer.write(out);
      }
      if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
        // temporary files are created owner-only; give the result ordinary file permissions
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
