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

/**
 * Writes files atomically: into a temporary file beside the target ({@code .<name><n>.tmp}, with
 * the permissions the process umask gives new files), forced to disk, renamed over the target, and
 * the directory synced so the rename itself is durable. Readers (and a process killed mid-write)
 * see either the old file or the complete new one; a kill can leave a {@code .tmp} file behind,
 * which the trainer removes from its run directory on start.
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
    Path tmp = createTemporary(dir, abs.getFileName().toString());
    try {
      writer.write(tmp);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
      syncDirectory(dir);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Creates an empty temporary file {@code .<name><random>.tmp} in a directory with the ordinary
   * permissions of a new file (0666 less the process umask), unlike {@link Files#createTempFile},
   * which makes it owner-only: the renamed result keeps them, so files follow the user's umask.
   *
   * @param dir the directory
   * @param name the target's file name
   * @return the new, empty file
   * @throws IOException when it cannot be created
   */
  public static Path createTemporary(Path dir, String name) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Path tmp =
          dir.resolve(
              "." + name + Long.toUnsignedString(RANDOM.nextLong() & Long.MAX_VALUE) + ".tmp");
      try {
        Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        return tmp;
      } catch (java.nio.file.FileAlreadyExistsException e) {
        if (attempt > 100) {
          throw e;
        }
      }
    }
  }

  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  /**
   * Forces a directory's entries to disk (after a rename into it), so that the new name survives a
   * power failure. File systems that cannot sync a directory are left as they are.
   *
   * @param dir the directory
   */
  public static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // not supported here (e.g. some network or Windows file systems): the rename stands
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
