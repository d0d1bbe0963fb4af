package org.tbps4j.train.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The exclusive lock of a run directory (or a quickstart's output folder) for the life of a run: an
 * OS file lock ({@link FileChannel#tryLock()}) on {@value #FILE} inside it, which holds the owner's
 * pid. A second process — or a second run in this JVM on another thread — is refused with "R is in
 * use by pid N"; the OS drops the lock when the owner dies, even by {@code kill -9}.
 *
 * <p>Re-entrant per thread: code that already holds the lock (the quickstart, the train command)
 * can call code that takes it again (the trainer); the lock is released when the outermost holder
 * closes it. The lock file itself stays: deleting it would let two processes lock two different
 * files of the same name.
 */
public final class RunLock implements AutoCloseable {
  /** The lock file in a run directory. */
  public static final String FILE = ".tbps-lock";

  /** Held locks of this JVM, by the directory's real path. */
  private static final Map<Path, Held> HELD = new HashMap<>();

  private static final class Held {
    final Thread owner;
    final FileChannel channel;
    final FileLock lock;
    int count = 1;

    Held(Thread owner, FileChannel channel, FileLock lock) {
      this.owner = owner;
      this.channel = channel;
      this.lock = lock;
    }
  }

  private final Path key;
  private boolean closed;

  private RunLock(Path key) {
    this.key = key;
  }

  /**
   * A run directory that another run holds. A bad-input error (exit code 2 on the command line).
   */
  public static final class InUseException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the directory and the owner's pid
     */
    public InUseException(String message) {
      super(message);
    }
  }

  /**
   * Takes the lock of a directory (created if missing).
   *
   * @param dir the run directory
   * @return the held lock; close it when the run ends
   * @throws InUseException when another process, or another thread of this one, holds it
   * @throws IOException when the directory or the lock file cannot be created
   */
  public static RunLock acquire(Path dir) throws IOException {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IllegalArgumentException(dir + " is a file, not a directory");
    }
    Files.createDirectories(dir);
    Path key = dir.toRealPath();
    synchronized (HELD) {
      Held h = HELD.get(key);
      if (h != null) {
        if (h.owner == Thread.currentThread()) {
          h.count++;
          return new RunLock(key);
        }
        throw inUse(dir, ProcessHandle.current().pid());
      }
      FileChannel ch =
          FileChannel.open(
              key.resolve(FILE),
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        ch.close(); // this JVM holds it outside this class
        throw inUse(dir, ProcessHandle.current().pid());
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
      if (lock == null) {
        String owner = readPid(ch);
        ch.close();
        throw inUse(dir, owner);
      }
      try {
        ch.truncate(0);
        ch.write(
            ByteBuffer.wrap(
                (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
            0);
        ch.force(false);
      } catch (IOException e) {
        lock.release();
        ch.close();
        throw e;
      }
      HELD.put(key, new Held(Thread.currentThread(), ch, lock));
      return new RunLock(key);
    }
  }

  private static InUseException inUse(Path dir, Object pid) {
    return new InUseException(
        dir
            + " is in use by pid "
            + pid
            + " (another tbps train, resume or quickstart on it); wait for it to finish, or"
            + " choose another directory");
  }

  private static String readPid(FileChannel ch) {
    try {
      ByteBuffer b = ByteBuffer.allocate(32);
      int n = ch.read(b, 0);
      String s = n <= 0 ? "" : new String(b.array(), 0, n, StandardCharsets.US_ASCII).trim();
      return s.matches("\\d+") ? s : "unknown";
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** Releases this hold; the lock goes when the outermost hold is released. */
  @Override
  public void close() throws IOException {
    synchronized (HELD) {
      if (closed) {
        return;
      }
      closed = true;
      Held h = HELD.get(key);
      if (h == null || --h.count > 0) {
        return;
      }
      HELD.remove(key);
      try {
        h.lock.release();
      } finally {
        h.channel.close();
      }
    }
  }
}
