package org.tbps4j.model;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes files atomically: into a temporary file beside the target, forced to disk, then renamed
 * over it. Readers (and a process killed mid-write) see either the old file or the complete new
 * one.
 */
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

  /** Writes a complete file at the path it is given. */
  @FunctionalInterface
  public interface FileWriter {
    /**
     * Writes the whole content to {@code tmp}.
     *
     * @param tmp a fresh path in the target's directory
     * @throws IOException on failure (the temporary file is then deleted)
     */
    void write(Path tmp) throws IOException;
  }

  /**
   * Writes {@code target} atomically from a stream writer.
   *
   * @param target the file to write
   * @param writer writes the content
   * @throws IOException if writing or renaming fails (the target is unchanged, the temporary file
   *     removed)
   */
  public static void write(Path target, Writer writer) throws IOException {
    writeFile(
        target,
        tmp -> {
          try (OutputStream out = Files.newOutputStream(tmp)) {
            writer.write(out);
          }
        });
  }

  /**
   * Writes {@code target} atomically from a writer that needs a path (e.g. a library's {@code
   * save(File)}).
   *
   * @param target the file to write
   * @param writer writes the content to the temporary path
   * @throws IOException if writing or renaming fails (the target is unchanged, the temporary file
   *     removed)
   */
  public static void writeFile(Path target, FileWriter writer) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
    try {
      writer.write(tmp);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
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

  /**
   * Writes a UTF-8 text file atomically.
   *
   * @param target the file
   * @param text the content
   * @throws IOException on failure
   */
  public static void writeString(Path target, String text) throws IOException {
    writeFile(target, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
  }
}
