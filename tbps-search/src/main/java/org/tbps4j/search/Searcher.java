package org.tbps4j.search;

import java.io.IOException;
import java.util.List;
import org.tbps4j.data.PedesDataset;
import org.tbps4j.data.Split;
import org.tbps4j.data.text.CaptionEncoder;
import org.tbps4j.model.search.Embedder;
import org.tbps4j.model.search.Embeddings;
import org.tbps4j.model.search.Progress;
import org.tbps4j.search.index.IndexHit;
import org.tbps4j.search.index.IndexInfo;
import org.tbps4j.search.index.SearchMode;
import org.tbps4j.search.index.VectorIndex;

/**
 * Inference for a user's program: open a model ({@link ModelBundle#open}), embed images ({@link
 * #embedImages}, {@link #embedSplit}: the project's one image-embedding loop, in batches, with a
 * progress bar if wanted), embed queries ({@link #embedQueries}), and answer text queries against
 * an index ({@link #search}: embed the query with a {@link QueryEncoder}, ask the index for the
 * nearest images). An instance is thread-safe when its encoder and its index are.
 */
public final class Searcher {
  private final QueryEncoder encoder;
  private final VectorIndex index;

  /**
   * A searcher over an index.
   *
   * @param encoder the query encoder
   * @param index the index
   */
  public Searcher(QueryEncoder encoder, VectorIndex index) {
    this.encoder = encoder;
    this.index = index;
  }

  /**
   * A searcher for a trained model over an index it built: the index's model hash must be the
   * bundle's.
   *
   * @param bundle the model
   * @param index the index
   * @return the searcher
   * @throws IOException when the index metadata cannot be read
   * @throws IllegalArgumentException when the index was built by another model or is empty
   */
  public static Searcher of(ModelBundle bundle, VectorIndex index) throws IOException {
    IndexInfo info =
        index
            .info()
            .orElseThrow(
                () -> new IllegalArgumentException(index.describe() + ": the index is empty"));
    requireSameModel(info, bundle, index.describe());
    return new Searcher(new ModelQueryEncoder(bundle), index);
  }

  /**
   * A searcher for a server: as {@link #of}, with concurrent queries grouped into one forward pass
   * ({@link BatchingQueryEncoder}, at most 64 per pass).
   *
   * @param bundle the model
   * @param index the index
   * @return the searcher
   * @throws IOException when the index metadata cannot be read
   * @throws IllegalArgumentException when the index was built by another model or is empty
   */
  public static Searcher forServing(ModelBundle bundle, VectorIndex index) throws IOException {
    Searcher s = of(bundle, index);
    return new Searcher(new BatchingQueryEncoder(s.encoder, 64, 4096), index);
  }

  /**
   * Refuses a model other than the one that built the index.
   *
   * @param info the index metadata
   * @param bundle the model
   * @param where the index, for the message
   * @throws IllegalArgumentException naming both hashes when they differ
   */
  public static void requireSameModel(IndexInfo info, ModelBundle bundle, String where) {
    if (!info.modelHash().equals(bundle.contentHash())) {
      throw new IllegalArgumentException(
          where
              + " was built with another model (sha256 "
              + info.modelHash().substring(0, 12)
              + "…, "
              + info.modelFile()
              + "); "
              + bundle.file()
              + " has sha256 "
              + bundle.contentHash().substring(0, 12)
              + "…: rebuild the index with this model or query it with that one");
    }
    if (info.dim() != bundle.dim()) {
      throw new IllegalArgumentException(
          where + " holds " + info.dim() + "-d vectors, the model embeds " + bundle.dim());
    }
  }

  /**
   * Embeds image files with a model, in batches, through the project's one image-embedding loop
   * ({@link ModelBundle#imageLoop}); an undecodable image stops it with the decoder's message.
   *
   * @param bundle the model
   * @param items the images (see {@link ImageSources})
   * @param batchSize images per forward pass
   * @param workers decoding threads
   * @param progress progress reporting (e.g. {@link Progress#bar})
   * @return global {@code [N, D]} and, with the ESA head, sets {@code [N, M, D]}; L2-normalised
   * @throws IOException when an image cannot be read or decoded
   */
  public static Embeddings embedImages(
      ModelBundle bundle, List<ImageItem> items, int batchSize, int workers, Progress progress)
      throws IOException {
    return bundle.imageLoop(batchSize, workers).embedAll(items, progress);
  }

  /**
   * Embeds a dataset split's images (gallery order) with a model, through the same loop ({@link
   * ModelBundle#splitLoop}), decoded as {@code tbps eval} decodes them.
   *
   * @param bundle the model
   * @param dataset the dataset
   * @param split the split
   * @param batchSize images per forward pass
   * @param workers decoding threads
   * @param progress progress reporting
   * @return global {@code [G, D]} and sets (or null); row i is {@code dataset.images(split)[i]}
   * @throws IOException when an image cannot be read or decoded
   * @throws IllegalArgumentException when the split has no images
   */
  public static Embeddings embedSplit(
      ModelBundle bundle,
      PedesDataset dataset,
      Split split,
      int batchSize,
      int workers,
      Progress progress)
      throws IOException {
    if (dataset.images(split).isEmpty()) {
      throw new IllegalArgumentException("the " + split + " split has no images");
    }
    return bundle
        .splitLoop(dataset, null, batchSize, workers)
        .embedAll(dataset.images(split), progress);
  }

  /**
   * Embeds captions with a model a batch at a time ({@link Embedder#embedTextsInBatches}, the loop
   * evaluation uses), with their ESA sets when the model has the head.
   *
   * @param bundle the model
   * @param texts the captions, at least one
   * @param batchSize captions per batch
   * @return global {@code [N, D]} and sets (or null), L2-normalised
   */
  public static Embeddings embedCaptions(ModelBundle bundle, List<String> texts, int batchSize) {
    try (CaptionEncoder captions = bundle.captionEncoder()) {
      return embedCaptions(bundle, captions, texts, batchSize);
    }
  }

  /**
   * As {@link #embedCaptions(ModelBundle, List, int)} with a caption encoder the caller keeps open
   * (a pretrained tower is opened once for several calls).
   *
   * @param bundle the model
   * @param captions the model's caption encoder ({@link ModelBundle#captionEncoder})
   * @param texts the captions, at least one
   * @param batchSize captions per batch
   * @return global {@code [N, D]} and sets (or null), L2-normalised
   */
  public static Embeddings embedCaptions(
      ModelBundle bundle, CaptionEncoder captions, List<String> texts, int batchSize) {
    return new Embedder(bundle.model(), batchSize)
        .embedTextsInBatches(texts, captions::encode, batchSize);
  }

  /**
   * Embeds text queries with a model (its vocabulary or its text tower).
   *
   * @param bundle the model
   * @param texts the queries
   * @return one L2-normalised FLOAT vector per query
   */
  public static float[][] embedQueries(ModelBundle bundle, List<String> texts) {
    try (ModelQueryEncoder e = new ModelQueryEncoder(bundle)) {
      return e.encode(texts);
    }
  }

  /**
   * The query encoder.
   *
   * @return the encoder
   */
  public QueryEncoder encoder() {
    return encoder;
  }

  /**
   * The index.
   *
   * @return the index
   */
  public VectorIndex index() {
    return index;
  }

  /**
   * What one search returned.
   *
   * @param hits the ranked hits
   * @param embedMillis time to embed the query
   * @param searchMillis time the index took
   */
  public record Result(List<IndexHit> hits, double embedMillis, double searchMillis) {
    /**
     * Total time.
     *
     * @return embedding plus search, milliseconds
     */
    public double totalMillis() {
      return embedMillis + searchMillis;
    }
  }

  /**
   * Searches for one text query.
   *
   * @param text the query
   * @param k hits wanted
   * @param mode HNSW or exact
   * @return the hits and the time taken
   * @throws IOException on index read errors
   */
  public Result search(String text, int k, SearchMode mode) throws IOException {
    long t0 = System.nanoTime();
    float[] q = encoder.encode(List.of(text))[0];
    long t1 = System.nanoTime();
    List<IndexHit> hits = index.search(q, k, mode);
    long t2 = System.nanoTime();
    return new Result(hits, (t1 - t0) / 1e6, (t2 - t1) / 1e6);
  }
}
