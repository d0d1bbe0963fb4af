package org.tbps4j.data.iter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds numbered items ahead of time on daemon worker threads and hands them out in order. The
 * item of a position is a pure function of that position ({@link Builder}), so what a consumer
 * receives never depends on thread timing. With 0 workers items are built on the caller's thread.
 *
 * <p>A builder's failure reaches the consumer at the failed position: exceptions as they are, an
 * {@link OutOfMemoryError} or other {@link VirtualMachineError} as itself (the command line turns
 * it into one line of advice), any other {@link Error} wrapped in an {@link IllegalStateException}
 * naming the position.
 *
 * @param <T> the item type
 */
final class Prefetcher<T> implements AutoCloseable {

  /** Builds the item at a position. */
  @FunctionalInterface
  interface Builder<T> {
    T build(int position) throws IOException;
  }

  private static final AtomicInteger POOLS = new AtomicInteger();

  private Builder<T> builder;
  private final int ahead;
  private final ExecutorService pool;
  private final Deque<Future<T>> pending = new ArrayDeque<>();
  private int next; // position of the next item handed out
  private int scheduled; // positions [next, scheduled) are in `pending`
  private int end; // exclusive end of the positions to produce

  Prefetcher(int workers, int ahead, String name) {
    if (workers < 0 || ahead < 1) {
      throw new IllegalArgumentException(
          "workers must be >= 0 and prefetch >= 1, got " + workers + " and " + ahead);
    }
    this.ahead = ahead;
    if (workers == 0) {
      this.pool = null;
    } else {
      int id = POOLS.incrementAndGet();
      AtomicInteger n = new AtomicInteger();
      ThreadFactory tf =
          r -> {
            Thread t = new Thread(r, name + "-" + id + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
          };
      this.pool = Executors.newFixedThreadPool(workers, tf);
    }
  }

  /**
   * Restarts at {@code start}, producing positions up to {@code end} (exclusive) with a new
   * builder. Tasks already running for the old builder finish and are discarded.
   */
  void restart(Builder<T> builder, int start, int end) {
    cancelPending();
    this.builder = builder;
    this.next = start;
    this.scheduled = start;
    this.end = end;
    schedule();
  }

  boolean hasNext() {
    return next < end;
  }

  int nextPosition() {
    return next;
  }

  T next() {
    if (next >= end) {
      throw new java.util.NoSuchElementException("no more batches (position " + next + ")");
    }
    T item;
    if (pool == null) {
      try {
        item = builder.build(next);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (VirtualMachineError e) {
        throw e;
      } catch (Error e) {
        throw failed(next, e);
      }
      scheduled = next + 1;
    } else {
      schedule();
      Future<T> f = pending.poll();
      item = await(f, next);
    }
    next++;
    schedule();
    return item;
  }

  private void schedule() {
    if (pool == null) {
      return;
    }
    while (scheduled < end && scheduled < next + ahead) {
      int pos = scheduled++;
      Builder<T> b = builder;
      pending.add(pool.submit(() -> b.build(pos)));
    }
  }

  private static IllegalStateException failed(int position, Error e) {
    return new IllegalStateException("building item " + position + " failed: " + e, e);
  }

  private static <T> T await(Future<T> f, int position) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a batch", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof VirtualMachineError err) {
        throw err;
      }
      if (c instanceof Error err) {
        throw failed(position, err);
      }
      if (c instanceof IOException io) {
        throw new UncheckedIOException(io);
      }
      throw new IllegalStateException(c);
    }
  }

  private void cancelPending() {
    for (Future<T> f : pending) {
      f.cancel(false);
    }
    pending.clear();
  }

  @Override
  public void close() {
    cancelPending();
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
