package org.tbps4j.cli;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Another process holding a run directory's lock, for the lock test: {@code LockHolderMain DIR}
 * locks {@code DIR/.tbps-lock} as a tbps run would (its pid inside), prints {@code locked}, and
 * sleeps until killed.
 */
public final class LockHolderMain {
  private LockHolderMain() {}

  /**
   * Holds the lock.
   *
   * @param args the run directory
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    Path dir = Files.createDirectories(Path.of(args[0]));
    FileChannel ch =
        FileChannel.open(
            dir.resolve(".tbps-lock"),
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    FileLock lock = ch.tryLock();
    if (lock == null) {
      System.out.println("busy");
      return;
    }
    ch.truncate(0);
    ch.write(
        ByteBuffer.wrap(
            (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
    ch.force(false);
    System.out.println("locked");
    System.out.flush();
    Thread.sleep(120_000);
  }
}
