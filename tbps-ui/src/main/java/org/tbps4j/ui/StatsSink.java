package org.tbps4j.ui;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes dashboard records on one background thread, in submission order, so that the training
 * thread does not wait for the storage (a {@code FileStatsStorage} commits every record). At most
 * {@value #CAPACITY} writes may be pending; beyond that {@link #submit} waits. The first failure is
 * kept and thrown by the next {@link #submit}, {@link #flush} or {@link #close}.
 */
final class StatsSink implements AutoCloseable {
  /** A write that may fail. */
  @FunctionalInterface
  interface Write {
    void run() throws Exception;
  }

  static final int CAPACITY = 256;

  private final String what;
  private final ExecutorService executor;
  private final Semaphore pending = new Semaphore(CAPACITY);
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private boolean closed;

  /**
   * A sink.
   *
   * @param what what is written where, for messages (e.g. the stats file)
   */
  StatsSink(String what) {
    this.what = what;
    this.executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "tbps-dashboard-writer");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Queues a write.
   *
   * @param write the write
   * @throws IllegalStateException if an earlier write failed or the sink is closed
   */
  void submit(Write write) {
    check();
    if (closed) {
      throw new IllegalStateException("the dashboard writer for " + what + " is closed");
    }
    pending.acquireUninterruptibly();
    executor.execute(
        () -> {
          try {
            if (failure.get() == null) {
              write.run();
            }
          } catch (Exception | LinkageError e) {
            failure.compareAndSet(
                null,
                new IllegalStateException(
                    "dashboard stats could not be written to " + what + ": " + e, e));
          } finally {
            pending.release();
          }
        });
  }

  /**
   * Throws the first failure of a background write, if any.
   *
   * @throws IllegalStateException the failure
   */
  void check() {
    RuntimeException e = failure.get();
    if (e != null) {
      throw e;
    }
  }

  /** Waits until every queued write is done, then {@link #check}s. */
  void flush() {
    if (!closed) {
      CountDownLatch done = new CountDownLatch(1);
      pending.acquireUninterruptibly();
      executor.execute(
          () -> {
            pending.release();
            done.countDown();
          });
      try {
        done.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    check();
  }

  /** Flushes and stops the writer thread. */
  @Override
  public void close() {
    if (closed) {
      check();
      return;
    }
    try {
      flush();
    } finally {
      closed = true;
      executor.shutdown();
      try {
        executor.awaitTermination(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
