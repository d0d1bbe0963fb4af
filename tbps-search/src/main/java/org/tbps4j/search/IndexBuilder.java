package org.tbps4j.search;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tbps4j.model.search.ImageEmbedding;
import org.tbps4j.model.search.Progress;
import org.tbps4j.search.index.IndexInfo;
import org.tbps4j.search.index.IndexedImage;
import org.tbps4j.search.index.LuceneIndex;
import org.tbps4j.search.index.VectorIndex;

/**
 * Fills an index with embedded images: {@link #build} (new, or resumed after a kill: the images the
 * last commit holds are not embedded again), {@link #add} (new images into a finished index) and
 * {@link #remove}. Commits every {@link Options#commitEvery} images, so a killed build loses at
 * most that many.
 */
public final class IndexBuilder {

  /**
   * Build settings.
   *
   * @param batchSize images per forward pass
   * @param workers image decoding threads
   * @param commitEvery images between commits
   * @param hnswM HNSW degree (stored in the metadata of a new index)
   * @param hnswBeamWidth HNSW construction beam width (stored in the metadata of a new index)
   * @param mergeAtEnd merge a Lucene index into one segment when the build finishes
   * @param hnswEfSearch HNSW search width queries use by default (stored in the metadata of a new
   *     index)
   */
  public record Options(
      int batchSize,
      int workers,
      int commitEvery,
      int hnswM,
      int hnswBeamWidth,
      boolean mergeAtEnd,
      int hnswEfSearch) {
    /**
     * Settings with the default search width {@link IndexInfo#DEFAULT_EF_SEARCH}.
     *
     * @param batchSize images per forward pass
     * @param workers image decoding threads
     * @param commitEvery images between commits
     * @param hnswM HNSW degree
     * @param hnswBeamWidth HNSW construction beam width
     * @param mergeAtEnd merge a Lucene index into one segment when the build finishes
     */
    public Options(
        int batchSize,
        int workers,
        int commitEvery,
        int hnswM,
        int hnswBeamWidth,
        boolean mergeAtEnd) {
      this(
          batchSize,
          workers,
          commitEvery,
          hnswM,
          hnswBeamWidth,
          mergeAtEnd,
          IndexInfo.DEFAULT_EF_SEARCH);
    }

    /**
     * The defaults: batches of 64, 2 decoding threads, a commit every 2,048 images, the project's
     * HNSW defaults ({@link IndexInfo#DEFAULT_M}, {@link IndexInfo#DEFAULT_BEAM_WIDTH}, {@link
     * IndexInfo#DEFAULT_EF_SEARCH}), merge at the end.
     *
     * @return the defaults
     */
    public static Options defaults() {
      return new Options(64, 2, 2048, IndexInfo.DEFAULT_M, IndexInfo.DEFAULT_BEAM_WIDTH, true);
    }

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException when one is out of range
     */
    public Options {
      if (batchSize < 1 || batchSize > 4096) {
        throw new IllegalArgumentException("--batch must be in 1..4096, got " + batchSize);
      }
      if (workers < 0 || workers > 64) {
        throw new IllegalArgumentException("--workers must be in 0..64, got " + workers);
      }
      if (commitEvery < 1) {
        throw new IllegalArgumentException("--commit-every must be >= 1, got " + commitEvery);
      }
      if (hnswEfSearch < 1 || hnswEfSearch > IndexInfo.MAX_EF_SEARCH) {
        throw new IllegalArgumentException(
            "--hnsw-ef must be in 1.." + IndexInfo.MAX_EF_SEARCH + ", got " + hnswEfSearch);
      }
    }
  }

  /**
   * What a build or an add did.
   *
   * @param embedded images embedded and written now
   * @param alreadyIndexed images skipped because the index held them (resume, add)
   * @param skipped images that could not be decoded (left out, each warned about)
   * @param size images in the index afterwards
   * @param seconds wall time
   */
  public record Report(
      long embedded, long alreadyIndexed, long skipped, long size, double seconds) {}

  private final ModelBundle bundle;
  private final Options options;
  private final Progress progress;
  private final Consumer<String> warnings;
  private final Clock clock;

  /**
   * Creates a builder.
   *
   * @param bundle the model that embeds
   * @param options settings
   * @param progress progress reporting
   * @param warnings receives one line per skipped or refused image
   */
  public IndexBuilder(
      ModelBundle bundle, Options options, Progress progress, Consumer<String> warnings) {
    this(bundle, options, progress, warnings, Clock.systemUTC());
  }

  IndexBuilder(
      ModelBundle bundle,
      Options options,
      Progress progress,
      Consumer<String> warnings,
      Clock clock) {
    this.bundle = bundle;
    this.options = options;
    this.progress = progress;
    this.warnings = warnings;
    this.clock = clock;
  }

  /**
   * Builds an index from images, or resumes a build that was stopped. A resumed build must use the
   * same model and source; images already in the index are not embedded again.
   *
   * @param index the (possibly new) index
   * @param imageRoot the folder the items' paths are relative to
   * @param source what is built from ({@code images:DIR}, {@code data:ROOT:SPLIT})
   * @param items the images
   * @return what was done
   * @throws IOException on read or write errors
   * @throws IllegalArgumentException when the index belongs to another model or source, or is
   *     already complete
   */
  public Report build(VectorIndex index, Path imageRoot, String source, List<ImageItem> items)
      throws IOException {
    Instant now = clock.instant();
    IndexInfo info = index.info().orElse(null);
    if (info == null) {
      info =
          new IndexInfo(
              bundle.contentHash(),
              bundle.file().toAbsolutePath().toString(),
              bundle.dim(),
              imageRoot.toAbsolutePath().normalize().toString(),
              source,
              now,
              now,
              false,
              options.hnswM(),
              options.hnswBeamWidth(),
              options.hnswEfSearch());
      index.commit(info); // the metadata first: a build killed before its first batch resumes
    } else {
      Searcher.requireSameModel(info, bundle, index.describe());
      if (!info.source().equals(source)) {
        throw new IllegalArgumentException(
            index.describe()
                + " was built from "
                + info.source()
                + ", not "
                + source
                + ": use `tbps index add` to add images, or another --out");
      }
      if (info.complete()) {
        throw new IllegalArgumentException(
            index.describe()
                + " is complete ("
                + index.size()
                + " images): use `tbps index add` for new images");
      }
    }
    return fill(index, info, items, true);
  }

  /**
   * Adds images to an existing index (new paths only; an image whose path the index holds is left
   * as it is).
   *
   * @param index the index
   * @param items the images (paths relative to the index's image root)
   * @return what was done
   * @throws IOException on read or write errors
   * @throws IllegalArgumentException when the index is empty or belongs to another model
   */
  public Report add(VectorIndex index, List<ImageItem> items) throws IOException {
    IndexInfo info =
        index
            .info()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        index.describe() + ": no index here (build one with `tbps index build`)"));
    Searcher.requireSameModel(info, bundle, index.describe());
    return fill(index, info, items, false);
  }

  /**
   * Removes images by stored path.
   *
   * @param index the index
   * @param paths the stored paths
   * @return how many the index held
   * @throws IOException on write errors
   */
  public static long remove(VectorIndex index, List<String> paths) throws IOException {
    IndexInfo info =
        index
            .info()
            .orElseThrow(() -> new IllegalArgumentException(index.describe() + ": no index here"));
    long n = index.remove(paths);
    index.commit(info.withComplete(info.complete(), Instant.now()));
    return n;
  }

  private Report fill(VectorIndex index, IndexInfo info, List<ImageItem> items, boolean finish)
      throws IOException {
    long t0 = System.nanoTime();
    Set<String> held = index.paths();
    List<ImageItem> todo = new ArrayList<>();
    for (ImageItem it : items) {
      if (!held.contains(it.path())) {
        todo.add(it);
      }
    }
    long already = items.size() - todo.size();
    long[] skipped = {0};
    long[] sinceCommit = {0};
    IndexInfo base = info;
    ImageEmbedding<ImageItem> loop = bundle.imageLoop(options.batchSize(), options.workers());
    long embedded =
        loop.run(
            todo,
            ImageEmbedding.OnBadImage.SKIP,
            progress,
            new ImageEmbedding.Sink<>() {
              @Override
              public void accept(ImageEmbedding.Batch<ImageItem> b) throws IOException {
                List<IndexedImage> docs = new ArrayList<>(b.items().size());
                for (int i = 0; i < b.items().size(); i++) {
                  ImageItem it = b.items().get(i);
                  docs.add(
                      new IndexedImage(it.path(), it.personId(), b.widths()[i], b.heights()[i]));
                }
                index.add(docs, rows(b.global()));
                sinceCommit[0] += docs.size();
                if (sinceCommit[0] >= options.commitEvery()) {
                  index.commit(base.withComplete(base.complete(), clock.instant()));
                  sinceCommit[0] = 0;
                }
              }

              @Override
              public void skipped(ImageItem item, String reason) {
                skipped[0]++;
                warnings.accept("skipped " + item.path() + ": " + reason);
              }
            });
    if (finish && options.mergeAtEnd() && index instanceof LuceneIndex lucene) {
      lucene.forceMerge();
    }
    index.commit(base.withComplete(finish || base.complete(), clock.instant()));
    return new Report(embedded, already, skipped[0], index.size(), (System.nanoTime() - t0) / 1e9);
  }

  private static float[][] rows(INDArray global) {
    return global.toFloatMatrix();
  }
}
