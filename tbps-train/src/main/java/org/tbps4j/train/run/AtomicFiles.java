package org.tbps4j.train.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes files so that a reader (or a process killed mid-write) sees either the old content or the
 * complete new content, never a partial file: write to a temporary file in the same directory,
 * force it to disk, then rename over the target.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Something that writes a complete file at the path it is given. */
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
   * Writes {@code target} atomically.
   *
   * @param target the final path
   * @param writer writes the content to a temporary path
   * @throws IOException if writing or renaming fails (the target is then unchanged)
   */
  public static void write(Path target, FileWriter writer) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    try {
      writer.write(tmp);
      try (var ch =
          java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Writes a text file atomically (UTF-8).
   *
   * @param target the final path
   * @param text the content
   * @throws IOException on failure
   */
  public static void writeString(Path target, String text) throws IOException {
    write(target, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
  }
}
