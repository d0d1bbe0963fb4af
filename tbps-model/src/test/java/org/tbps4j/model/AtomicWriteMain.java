package org.tbps4j.model;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes two files with {@link AtomicFiles} in its own process, for the umask and fsync tests:
 * {@code AtomicWriteMain DIR} writes {@code DIR/report.html} (text) and {@code DIR/model.bin} (a
 * writer that needs a path).
 */
public final class AtomicWriteMain {
  private AtomicWriteMain() {}

  /**
   * Writes the files.
   *
   * @param args the directory
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    AtomicFiles.writeString(dir.resolve("report.html"), "<p>thumbnails of people</p>");
    AtomicFiles.writeFile(dir.resolve("model.bin"), tmp -> Files.write(tmp, new byte[] {1, 2, 3}));
  }
}
