package org.tbps4j.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tbps4j.data.image.Augmentation;
import org.tbps4j.data.image.ImageLoader;
import org.tbps4j.model.search.Embedder;

/**
 * The project's one loop that turns image files into embeddings: items are decoded in batches on
 * worker threads (in order, a few batches ahead), each batch goes through the model's inference
 * path ({@link Embedder}), and every embedded batch is handed to a {@link Sink} (an index writer,
 * an evaluator, a gallery) with a {@link Progress} report. Whether an undecodable image stops the
 * loop or is skipped and reported is the caller's choice ({@link OnBadImage}).
 */
public final class ImageEmbedding {

  /** What to do with an image that cannot be read or decoded. */
  public enum OnBadImage {
    /** Stop with the decoder's exception (it names the file). */
    FAIL,
    /** Leave it out of its batch and report it to {@link Sink#skipped}. */
    SKIP
  }

  /**
   * A batch of embedded images.
   *
   * @param offset position of the batch's first item in the item list
   * @param items the images embedded (skipped ones left out), in item order
   * @param widths original width of each image, in pixels
   * @param heights original height of each image
   * @param global L2-normalised FLOAT {@code [n, D]}
   * @param sets normalised ESA sets {@code [n, M, D]}, or null without the head
   */
  public record Batch(
      int offset,
      List<ImageItem> items,
      int[] widths,
      int[] heights,
      INDArray global,
      INDArray sets) {}

  /** Receives the embedded batches in item order. */
  public interface Sink {
    /**
     * One embedded batch.
     *
     * @param batch the batch
     * @throws IOException when storing it fails (stops the loop)
     */
    void accept(Batch batch) throws IOException;

    /**
     * An image left out under {@link OnBadImage#SKIP}.
     *
     * @param item the image
     * @param reason the decoder's message (names the file)
     */
    default void skipped(ImageItem item, String reason) {}
  }

  private final Embedder embedder;
  private final ImageLoader loader;
  private final int batchSize;
  private final int workers;

  /**
   * Creates the loop.
   *
   * @param embedder the model's inference path
   * @param loader decoding with the model's preprocessing
   * @param batchSize images per batch, {@code >= 1}
   * @param workers decoding threads, {@code >= 0} (0: decode on the caller's thread)
   */
  public ImageEmbedding(Embedder embedder, ImageLoader loader, int batchSize, int workers) {
    if (batchSize < 1 || workers < 0) {
      throw new IllegalArgumentException(
          "batch size must be >= 1 and workers >= 0, got " + batchSize + " and " + workers);
    }
    this.embedder = embedder;
    this.loader = loader;
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
  public long run(List<ImageItem> items, OnBadImage onBad, Progress progress, Sink sink)
      throws IOException {
    int batches = (items.size() + batchSize - 1) / batchSize;
    progress.start("embedding images", items.size());
    ExecutorService pool = workers == 0 ? null : Executors.newFixedThreadPool(workers, threads());
    Deque<Future<Decoded>> ahead = new ArrayDeque<>();
    long embedded = 0;
    try {
      int scheduled = 0;
      for (int b = 0; b < batches; b++) {
        while (pool != null && scheduled < batches && scheduled < b + Math.max(2, 2 * workers)) {
          final int at = scheduled++;
          ahead.add(pool.submit(() -> decode(items, at, onBad)));
        }
        Decoded d = pool == null ? decode(items, b, onBad) : await(ahead.poll());
        for (int i = 0; i < d.skipped.size(); i++) {
          sink.skipped(d.skipped.get(i), d.reasons.get(i));
        }
        if (!d.items.isEmpty()) {
          INDArray x =
              Nd4j.create(
                  d.pixels,
                  new long[] {
                    d.items.size(), 3, loader.settings().height(), loader.settings().width()
                  },
                  DataType.FLOAT);
          var e = embedder.embedImagesWithSets(x);
          sink.accept(new Batch(d.offset, d.items, d.widths, d.heights, e.global(), e.sets()));
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

  private static final class Decoded {
    int offset;
    final List<ImageItem> items = new ArrayList<>();
    final List<ImageItem> skipped = new ArrayList<>();
    final List<String> reasons = new ArrayList<>();
    float[] pixels;
    int[] widths;
    int[] heights;
  }

  private Decoded decode(List<ImageItem> items, int b, OnBadImage onBad) throws IOException {
    int from = b * batchSize;
    int to = Math.min(items.size(), from + batchSize);
    int per = loader.settings().floatsPerImage();
    float[] buf = new float[(to - from) * per];
    int[] w = new int[to - from];
    int[] h = new int[to - from];
    Decoded d = new Decoded();
    d.offset = from;
    for (int i = from; i < to; i++) {
      ImageItem it = items.get(i);
      int n = d.items.size();
      try {
        int[] size = SafeImages.size(it.file());
        loader.normalise(loader.decodeRgb(it.file()), Augmentation.Params.IDENTITY, buf, n * per);
        w[n] = size[0];
        h[n] = size[1];
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
    d.pixels = n * per == buf.length ? buf : java.util.Arrays.copyOf(buf, n * per);
    d.widths = java.util.Arrays.copyOf(w, n);
    d.heights = java.util.Arrays.copyOf(h, n);
    return d;
  }

  private static Decoded await(Future<Decoded> f) throws IOException {
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

  private static java.util.concurrent.ThreadFactory threads() {
    int id = POOLS.incrementAndGet();
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "tbps-embed-" + id + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
