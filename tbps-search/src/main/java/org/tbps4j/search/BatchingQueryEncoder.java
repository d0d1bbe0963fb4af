package org.tbps4j.search;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Serves concurrent callers of a {@link QueryEncoder} with one forward pass per group: a caller's
 * texts wait in a queue, one thread takes whatever is waiting (up to {@code maxBatch} texts) and
 * encodes it in one call. An idle encoder adds no delay (the thread takes a lone query at once);
 * under load a forward pass serves many queries, which is what a server needs when the model cannot
 * run concurrently. Results are those of the wrapped encoder (rows of one batch do not influence
 * each other at inference).
 */
public final class BatchingQueryEncoder implements QueryEncoder, AutoCloseable {
  private record Job(List<String> texts, CompletableFuture<float[][]> result) {}

  private final QueryEncoder inner;
  private final int maxBatch;
  private final BlockingQueue<Job> queue;
  private final Thread worker;
  private volatile boolean closed;

  /**
   * Wraps an encoder.
   *
   * @param inner the encoder (called from one thread only)
   * @param maxBatch most texts per forward pass
   * @param queueCapacity most callers waiting
   */
  public BatchingQueryEncoder(QueryEncoder inner, int maxBatch, int queueCapacity) {
    if (maxBatch < 1 || queueCapacity < 1) {
      throw new IllegalArgumentException("maxBatch and queueCapacity must be >= 1");
    }
    this.inner = inner;
    this.maxBatch = maxBatch;
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.worker = new Thread(this::loop, "tbps-query-encoder");
    worker.setDaemon(true);
    worker.start();
  }

  @Override
  public int dim() {
    return inner.dim();
  }

  @Override
  public float[][] encode(List<String> texts) {
    if (closed) {
      throw new RejectedExecutionException("the query encoder is closed");
    }
    Job job = new Job(List.copyOf(texts), new CompletableFuture<>());
    try {
      if (!queue.offer(job, 30, TimeUnit.SECONDS)) {
        throw new RejectedExecutionException("the query encoder's queue stayed full for 30 s");
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
    List<Job> group = new ArrayList<>();
    while (!closed) {
      try {
        Job first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        group.clear();
        group.add(first);
        int n = first.texts().size();
        for (Job j;
            n < maxBatch && (j = queue.peek()) != null && n + j.texts().size() <= maxBatch; ) {
          group.add(queue.poll());
          n += j.texts().size();
        }
        List<String> all = new ArrayList<>(n);
        group.forEach(j -> all.addAll(j.texts()));
        float[][] out;
        try {
          out = inner.encode(all);
        } catch (RuntimeException | Error e) {
          group.forEach(j -> j.result().completeExceptionally(e));
          continue;
        }
        int at = 0;
        for (Job j : group) {
          float[][] mine = new float[j.texts().size()][];
          System.arraycopy(out, at, mine, 0, mine.length);
          at += mine.length;
          j.result().complete(mine);
        }
      } catch (InterruptedException e) {
        return;
      }
    }
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
