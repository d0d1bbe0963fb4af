package org.tbps4j.model.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The project's one loop that turns images into embeddings: items are decoded in batches on worker
 * threads (in order, a few batches ahead), each batch goes through the model's inference path
 * ({@link Embedder}), and every embedded batch is handed to a {@link Sink} (an index writer, an
 * evaluator, a gallery) with a {@link Progress} report. Whether an undecodable image stops the loop
 * or is skipped and reported is the caller's choice ({@link OnBadImage}).
 *
 * <p>The model module does not know about files or datasets: how one item becomes pixels is the
 * caller's {@link Decoder} (tbps-search decodes image files inside a folder, tbps-train and
 * tbps-search decode a dataset split's images with {@code GalleryIterator.decodeInto}). Batch
 * {@code b} holds items {@code [b·batchSize, min((b+1)·batchSize, N))} minus skipped ones, so the
 * embeddings are a pure function of the items, the batch size and the model.
 *
 * @param <T> the item type (a file with its stored path, a dataset image record, ...)
 */
public final class ImageEmbedding<T> {

  /** What to do with an image that cannot be read or decoded. */
  public enum OnBadImage {
    /** Stop with the decoder's exception (it names the file). */
    FAIL,
    /** Leave it out of its batch and report it to {@link Sink#skipped}. */
    SKIP
  }

  /**
   * Decodes one item into a batch buffer.
   *
   * @param <T> the item type
   */
  @FunctionalInterface
  public interface Decoder<T> {
    /**
     * Decodes and normalises one image into {@code dst[offset, offset + 3·H·W)} (channel-major, the
     * model's preprocessing).
     *
     * @param item the item
     * @param dst the batch buffer
     * @param offset where this image starts
     * @return the original {@code {width, height}} in pixels, or null when not known
     * @throws IOException when the image cannot be read or decoded (the message names it)
     */
    int[] decode(T item, float[] dst, int offset) throws IOException;
  }

  /**
   * A batch of embedded images.
   *
   * @param offset position of the batch's first item in the item list
   * @param items the images embedded (skipped ones left out), in item order
   * @param widths original width of each image, in pixels (0 when unknown)
   * @param heights original height of each image (0 when unknown)
   * @param global L2-normalised FLOAT {@code [n, D]}
   * @param sets normalised ESA sets {@code [n, M, D]}, or null without the head
   * @param <T> the item type
   */
  public record Batch<T>(
      int offset, List<T> items, int[] widths, int[] heights, INDArray global, INDArray sets) {}

  /**
   * Receives the embedded batches in item order.
   *
   * @param <T> the item type
   */
  public interface Sink<T> {
    /**
     * One embedded batch.
     *
     * @param batch the batch
     * @throws IOException when storing it fails (stops the loop)
     */
    void accept(Batch<T> batch) throws IOException;

    /**
     * An image left out under {@link OnBadImage#SKIP}.
     *
     * @param item the image
     * @param reason the decoder's message (names the file)
     */
    default void skipped(T item, String reason) {}
  }

  private final Embedder embedder;
  private final Decoder<T> decoder;
  private final int height;
  private final int width;
  private final int batchSize;
  private final int workers;

  /**
   * Creates the loop.
   *
   * @param embedder the model's inference path
   * @param decoder how one item becomes normalised pixels
   * @param height model input height H
   * @param width model input width W
   * @param batchSize images per batch, {@code >= 1}
   * @param workers decoding threads, {@code >= 0} (0: decode on the caller's thread)
   */
  public ImageEmbedding(
      Embedder embedder, Decoder<T> decoder, int height, int width, int batchSize, int workers) {
    if (batchSize < 1 || workers < 0) {
      throw new IllegalArgumentException(
          "batch size must be >= 1 and workers >= 0, got " + batchSize + " and " + workers);
    }
    this.embedder = embedder;
    this.decoder = decoder;
    this.height = height;
    this.width = width;
    this.batchSize = batchSize;
    this.workers = workers;
  }

  /**
   * Embeds every item, in order.
   *
   * @param items the images
   * @param onBad what an undecodable image does
   * @param progress progress reporting (one unit per item)
   * @param sink receives the batches
   * @return the number of images embedded (items minus skipped)
   * @throws IOException from decoding (with {@link OnBadImage#FAIL}) or from the sink
   */
  public long run(List<T> items, OnBadImage onBad, Progress progress, Sink<T> sink)
      throws IOException {
    int batches = (items.size() + batchSize - 1) / batchSize;
    progress.start("embedding images", items.size());
    ExecutorService pool = workers == 0 ? null : Executors.newFixedThreadPool(workers, threads());
    Deque<Future<Decoded<T>>> ahead = new ArrayDeque<>();
    long embedded = 0;
    try {
      int scheduled = 0;
      for (int b = 0; b < batches; b++) {
        while (pool != null && scheduled < batches && scheduled < b + Math.max(2, 2 * workers)) {
          final int at = scheduled++;
          ahead.add(pool.submit(() -> decode(items, at, onBad)));
        }
        Decoded<T> d = pool == null ? decode(items, b, onBad) : await(ahead.poll());
        for (int i = 0; i < d.skipped.size(); i++) {
          sink.skipped(d.skipped.get(i), d.reasons.get(i));
        }
        if (!d.items.isEmpty()) {
          INDArray x =
              Nd4j.create(d.pixels, new long[] {d.items.size(), 3, height, width}, DataType.FLOAT);
          Embeddings e = embedder.embedImagesWithSets(x);
          sink.accept(new Batch<>(d.offset, d.items, d.widths, d.heights, e.global(), e.sets()));
          embedded += d.items.size();
        }
        progress.advance(d.items.size() + d.skipped.size());
      }
    } finally {
      if (pool != null) {
        ahead.forEach(f -> f.cancel(true));
        pool.shutdownNow();
      }
      progress.done();
    }
    return embedded;
  }

  /**
   * Embeds every item and keeps the result: the global embeddings of all items in order and, with
   * the ESA head, their sets. Any undecodable image stops the loop ({@link OnBadImage#FAIL}).
   *
   * @param items the images, at least one
   * @param progress progress reporting
   * @return global {@code [N, D]} and sets {@code [N, M, D]} (or null), L2-normalised
   * @throws IOException from decoding
   * @throws IllegalArgumentException when {@code items} is empty
   */
  public Embeddings embedAll(List<T> items, Progress progress) throws IOException {
    if (items.isEmpty()) {
      throw new IllegalArgumentException("nothing to embed: no images");
    }
    List<INDArray> globals = new ArrayList<>();
    List<INDArray> sets = new ArrayList<>();
    run(
        items,
        OnBadImage.FAIL,
        progress,
        b -> {
          globals.add(b.global());
          if (b.sets() != null) {
            sets.add(b.sets());
          }
        });
    return new Embeddings(concat(globals), sets.isEmpty() ? null : concat(sets));
  }

  private static INDArray concat(List<INDArray> parts) {
    return parts.size() == 1 ? parts.get(0) : Nd4j.concat(0, parts.toArray(new INDArray[0]));
  }

  private static final class Decoded<T> {
    int offset;
    final List<T> items = new ArrayList<>();
    final List<T> skipped = new ArrayList<>();
    final List<String> reasons = new ArrayList<>();
    float[] pixels;
    int[] widths;
    int[] heights;
  }

  private Decoded<T> decode(List<T> items, int b, OnBadImage onBad) throws IOException {
    int from = b * batchSize;
    int to = Math.min(items.size(), from + batchSize);
    int per = 3 * height * width;
    float[] buf = new float[(to - from) * per];
    int[] w = new int[to - from];
    int[] h = new int[to - from];
    Decoded<T> d = new Decoded<>();
    d.offset = from;
    for (int i = from; i < to; i++) {
      T it = items.get(i);
      int n = d.items.size();
      try {
        int[] size = decoder.decode(it, buf, n * per);
        if (size != null) {
          w[n] = size[0];
          h[n] = size[1];
        }
        d.items.add(it);
      } catch (IOException | RuntimeException e) {
        if (onBad == OnBadImage.FAIL) {
          throw e;
        }
        d.skipped.add(it);
        d.reasons.add(e.getMessage() == null ? e.toString() : e.getMessage());
      }
    }
    int n = d.items.size();
    d.pixels = n * per == buf.length ? buf : Arrays.copyOf(buf, n * per);
    d.widths = Arrays.copyOf(w, n);
    d.heights = Arrays.copyOf(h, n);
    return d;
  }

  private static <T> Decoded<T> await(Future<Decoded<T>> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while decoding images", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IOException(c);
    }
  }

  private static final AtomicInteger POOLS = new AtomicInteger();

  private static ThreadFactory threads() {
    int id = POOLS.incrementAndGet();
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "tbps-embed-" + id + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
