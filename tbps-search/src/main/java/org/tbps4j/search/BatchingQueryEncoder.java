package org.tbps4j.search;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves concurrent callers of a {@link QueryEncoder} with one forward pass per group (dynamic
 * batching): a caller's texts wait in a queue; one thread takes whatever is waiting (up to {@code
 * maxBatch} texts), waits at most {@code maxWait} after the oldest of them arrived for more to
 * join, and encodes the group in one call. While a pass runs the next group gathers, so under load
 * the batches grow with the number of callers and a pass's fixed cost is shared; an idle encoder
 * adds at most {@code maxWait} to a lone query (none with {@code maxWait = 0}).
 *
 * <p>Results are those of the wrapped encoder called with each caller's texts alone (rows of one
 * batch do not influence each other at inference). When a group's pass fails, its callers are
 * encoded again one by one, so only the caller whose texts fail sees the error.
 */
public final class BatchingQueryEncoder implements QueryEncoder, AutoCloseable {
  private record Job(List<String> texts, long arrivedNanos, CompletableFuture<float[][]> result) {}

  /**
   * What the encoder has done so far.
   *
   * @param passes forward passes of the wrapped encoder (retries after a failed pass included)
   * @param texts texts encoded
   * @param largestBatch most texts in one pass
   */
  public record Stats(long passes, long texts, int largestBatch) {
    /**
     * Mean texts per pass.
     *
     * @return {@code texts / passes}, 0 before the first pass
     */
    public double meanBatch() {
      return passes == 0 ? 0 : (double) texts / passes;
    }
  }

  private final QueryEncoder inner;
  private final int maxBatch;
  private final long maxWaitNanos;
  private final BlockingQueue<Job> queue;
  private final Thread worker;
  private final AtomicLong passes = new AtomicLong();
  private final AtomicLong texts = new AtomicLong();
  private final AtomicInteger largest = new AtomicInteger();
  private volatile boolean closed;
  private Job carried; // taken from the queue but did not fit into the last group (worker only)

  /**
   * Wraps an encoder; a group is whatever is waiting when the worker is free (no extra wait).
   *
   * @param inner the encoder (called from one thread only)
   * @param maxBatch most texts per forward pass
   * @param queueCapacity most callers waiting
   */
  public BatchingQueryEncoder(QueryEncoder inner, int maxBatch, int queueCapacity) {
    this(inner, maxBatch, queueCapacity, Duration.ZERO);
  }

  /**
   * Wraps an encoder.
   *
   * @param inner the encoder (called from one thread only)
   * @param maxBatch most texts per forward pass
   * @param queueCapacity most callers waiting
   * @param maxWait how long after the oldest waiting caller arrived the worker may wait for more
   *     callers before a pass that is not full ({@code 0}: never)
   */
  public BatchingQueryEncoder(
      QueryEncoder inner, int maxBatch, int queueCapacity, Duration maxWait) {
    if (maxBatch < 1 || queueCapacity < 1) {
      throw new IllegalArgumentException("maxBatch and queueCapacity must be >= 1");
    }
    if (maxWait.isNegative() || maxWait.compareTo(Duration.ofSeconds(1)) > 0) {
      throw new IllegalArgumentException("maxWait must be in [0, 1 s], got " + maxWait);
    }
    this.inner = inner;
    this.maxBatch = maxBatch;
    this.maxWaitNanos = maxWait.toNanos();
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.worker = new Thread(this::loop, "tbps-query-encoder");
    worker.setDaemon(true);
    worker.start();
  }

  @Override
  public int dim() {
    return inner.dim();
  }

  /**
   * The passes and batch sizes so far.
   *
   * @return a snapshot
   */
  public Stats stats() {
    return new Stats(passes.get(), texts.get(), largest.get());
  }

  /**
   * Callers waiting in the queue (not yet taken into a group).
   *
   * @return the count
   */
  int waiting() {
    return queue.size();
  }

  @Override
  public float[][] encode(List<String> texts) {
    if (closed) {
      throw new RejectedExecutionException("the query encoder is closed");
    }
    Job job = new Job(List.copyOf(texts), System.nanoTime(), new CompletableFuture<>());
    try {
      if (!queue.offer(job, 30, TimeUnit.SECONDS)) {
        throw new RejectedExecutionException("the query encoder's queue stayed full for 30 s");
      }
      if (closed && queue.remove(job)) {
        throw new RejectedExecutionException("the query encoder is closed");
      }
      return job.result().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RejectedExecutionException("interrupted while waiting for the query encoder", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(c);
    }
  }

  private void loop() {
    try {
      batches();
    } finally {
      RejectedExecutionException gone = new RejectedExecutionException("the query encoder closed");
      if (carried != null) {
        carried.result().completeExceptionally(gone);
      }
      for (Job j; (j = queue.poll()) != null; ) {
        j.result().completeExceptionally(gone);
      }
    }
  }

  private void batches() {
    List<Job> group = new ArrayList<>();
    while (!closed) {
      try {
        Job first = carried != null ? carried : queue.poll(200, TimeUnit.MILLISECONDS);
        carried = null;
        if (first == null) {
          continue;
        }
        group.clear();
        group.add(first);
        int n = first.texts().size();
        // whatever is waiting now
        for (Job j; n < maxBatch && (j = queue.poll()) != null; ) {
          if (n + j.texts().size() > maxBatch) {
            carried = j;
            break;
          }
          group.add(j);
          n += j.texts().size();
        }
        // then, until the oldest has waited maxWait, whoever arrives
        long deadline = first.arrivedNanos() + maxWaitNanos;
        while (carried == null && n < maxBatch && maxWaitNanos > 0) {
          long left = deadline - System.nanoTime();
          Job j = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
          if (j == null) {
            break;
          }
          if (n + j.texts().size() > maxBatch) {
            carried = j;
            break;
          }
          group.add(j);
          n += j.texts().size();
        }
        run(group, n);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void run(List<Job> group, int n) {
    List<String> all = new ArrayList<>(n);
    group.forEach(j -> all.addAll(j.texts()));
    float[][] out;
    try {
      out = pass(all);
    } catch (RuntimeException | Error e) {
      if (group.size() == 1) {
        group.get(0).result().completeExceptionally(e);
        return;
      }
      // one caller's texts may be what fails: try each alone, so the others still get answers
      for (Job j : group) {
        try {
          j.result().complete(pass(j.texts()));
        } catch (RuntimeException | Error e1) {
          j.result().completeExceptionally(e1);
        }
      }
      return;
    }
    int at = 0;
    for (Job j : group) {
      float[][] mine = new float[j.texts().size()][];
      System.arraycopy(out, at, mine, 0, mine.length);
      at += mine.length;
      j.result().complete(mine);
    }
  }

  private float[][] pass(List<String> batch) {
    passes.incrementAndGet();
    texts.addAndGet(batch.size());
    largest.accumulateAndGet(batch.size(), Math::max);
    float[][] out = inner.encode(batch);
    if (out.length != batch.size()) {
      throw new IllegalStateException(
          "the query encoder returned " + out.length + " rows for " + batch.size() + " texts");
    }
    return out;
  }

  /** Stops the worker; waiting callers are failed. */
  @Override
  public void close() {
    closed = true;
    worker.interrupt();
    for (Job j; (j = queue.poll()) != null; ) {
      j.result().completeExceptionally(new RejectedExecutionException("closed"));
    }
  }
}
