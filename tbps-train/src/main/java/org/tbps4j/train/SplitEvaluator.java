package org.tbps4j.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tbps4j.data.CaptionRecord;
import org.tbps4j.data.ImageRecord;
import org.tbps4j.data.PedesDataset;
import org.tbps4j.data.Split;
import org.tbps4j.data.image.ImageLoader;
import org.tbps4j.data.iter.DecodeFailures;
import org.tbps4j.data.iter.GalleryIterator;
import org.tbps4j.data.text.CaptionEncoder;
import org.tbps4j.data.text.Vocabulary;
import org.tbps4j.eval.ChunkedRetrieval;
import org.tbps4j.eval.RetrievalMetrics;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.model.search.Embedder;
import org.tbps4j.model.search.Embeddings;
import org.tbps4j.model.search.Gallery;
import org.tbps4j.model.search.ImageEmbedding;
import org.tbps4j.model.search.Progress;

/**
 * Text-to-image evaluation of a model on one split (docs/metrics.md): every caption of the split is
 * a query, every image of the split is in the gallery; scores are cosine similarities (plus {@code
 * λ·S_set} with ESA), ranked in chunks by {@link ChunkedRetrieval}.
 */
public final class SplitEvaluator {

  /**
   * What an evaluation produced (enough for reports).
   *
   * @param split the split
   * @param metrics R@K, mAP, mINP
   * @param queries the query captions, in query order
   * @param firstRank 1-based rank of the first relevant image per query (0 = none)
   * @param top10 the ten best gallery indices per query
   * @param galleryIds person id per gallery image
   * @param galleryPaths image path (relative to the dataset root) per gallery image
   * @param seconds wall time of embedding + ranking
   */
  public record Outcome(
      Split split,
      RetrievalMetrics metrics,
      List<CaptionRecord> queries,
      int[] firstRank,
      int[][] top10,
      long[] galleryIds,
      List<String> galleryPaths,
      double seconds) {}

  private SplitEvaluator() {}

  /**
   * Evaluates a model whose captions are read by a {@link CaptionEncoder} (the word path or a
   * pretrained tower): embeds the split's images (gallery order) and its captions (queries, a batch
   * at a time), then ranks in chunks.
   *
   * @param model the model (its mode is restored afterwards)
   * @param dataset the dataset
   * @param split which split
   * @param captions the model's caption encoder (e.g. {@code CaptionEncoder.words(vocabulary, L)})
   * @param loader image decoding with the model's preprocessing
   * @param settings batching, chunks, query cap, decoding threads and undecodable images
   * @return the outcome
   */
  public static Outcome evaluate(
      TbpsModel model,
      PedesDataset dataset,
      Split split,
      CaptionEncoder captions,
      ImageLoader loader,
      EvalSettings settings) {
    long t0 = System.nanoTime();
    int batchSize = settings.batchSize();
    Embedder embedder = new Embedder(model, batchSize);
    Embeddings galleryEmb =
        embedImages(
            embedder, dataset, split, loader, batchSize, settings.workers(), settings.failures());
    List<CaptionRecord> queries = queries(dataset, split, settings.maxQueries());
    Embeddings queryEmb = embedCaptions(embedder, captions, queries, batchSize);
    return score(
        dataset,
        split,
        galleryEmb,
        queries,
        queryEmb,
        model.config().esa().lambda(),
        settings.chunk(),
        t0);
  }

  /**
   * The queries of an evaluation: the split's captions, or an evenly spaced subset.
   *
   * @param dataset the dataset
   * @param split which split
   * @param maxQueries at most this many (0 = all)
   * @return the captions, in caption order
   * @throws IllegalArgumentException when the split has no captions
   */
  public static List<CaptionRecord> queries(PedesDataset dataset, Split split, int maxQueries) {
    List<CaptionRecord> queries = subset(dataset.captions(split), maxQueries);
    if (queries.isEmpty()) {
      throw new IllegalArgumentException("the " + split + " split has no captions to query with");
    }
    return queries;
  }

  /**
   * Scores embeddings computed elsewhere (e.g. by tbps-search's {@code Searcher}): ranks the
   * split's images for every query in chunks and computes the metrics.
   *
   * @param dataset the dataset
   * @param split which split
   * @param gallery the split's image embeddings, in gallery order ({@code dataset.images(split)})
   * @param queries the query captions ({@link #queries})
   * @param queryEmb their embeddings, in the same order
   * @param esaLambda the weight of the set similarity (the model's {@code esa.lambda})
   * @param chunk queries per scoring chunk
   * @param startNanos {@link System#nanoTime()} when the evaluation started (for the wall time)
   * @return the outcome
   */
  public static Outcome score(
      PedesDataset dataset,
      Split split,
      Embeddings gallery,
      List<CaptionRecord> queries,
      Embeddings queryEmb,
      double esaLambda,
      int chunk,
      long startNanos) {
    long[] galleryIds = GalleryIterator.personIds(dataset, split);
    List<String> paths = GalleryIterator.imagePaths(dataset, split);
    Gallery g = Gallery.of(gallery, galleryIds, paths, esaLambda);
    long[] queryIds = queries.stream().mapToLong(CaptionRecord::personId).toArray();
    ChunkedRetrieval.Result r =
        new ChunkedRetrieval(chunk).evaluate(g.scorer(queryEmb), queryIds, galleryIds, 10);
    return new Outcome(
        split,
        r.metrics(),
        queries,
        r.firstRelevantRank(),
        r.topK(),
        galleryIds,
        paths,
        (System.nanoTime() - startNanos) / 1e9);
  }

  /**
   * Embeds every image of a split, in gallery order (failing on an undecodable image).
   *
   * @param embedder the embedder
   * @param dataset the dataset
   * @param split which split
   * @param loader image decoding with the model's preprocessing
   * @param batchSize images per batch
   * @param workers image decoding threads
   * @return the global embeddings {@code [G, D]} and, with ESA, the sets (else null)
   * @throws IllegalArgumentException when the split has no images
   */
  public static Embeddings embedImages(
      Embedder embedder,
      PedesDataset dataset,
      Split split,
      ImageLoader loader,
      int batchSize,
      int workers) {
    return embedImages(embedder, dataset, split, loader, batchSize, workers, null);
  }

  /**
   * Embeds every image of a split, in gallery order, through the project's one image-embedding loop
   * ({@link ImageEmbedding}) with {@link GalleryIterator#decodeInto} as its decoder.
   *
   * @param embedder the embedder
   * @param dataset the dataset
   * @param split which split
   * @param loader image decoding with the model's preprocessing
   * @param batchSize images per batch
   * @param workers image decoding threads
   * @param failures where undecodable images are recorded (embedded blank), or null to fail
   * @return the global embeddings {@code [G, D]} and, with ESA, the sets (else null)
   * @throws IllegalArgumentException when the split has no images
   * @throws java.io.UncheckedIOException when an image cannot be read (names it)
   */
  public static Embeddings embedImages(
      Embedder embedder,
      PedesDataset dataset,
      Split split,
      ImageLoader loader,
      int batchSize,
      int workers,
      DecodeFailures failures) {
    List<ImageRecord> images = dataset.images(split);
    if (images.isEmpty()) {
      throw new IllegalArgumentException("the " + split + " split has no images to evaluate on");
    }
    ImageEmbedding<ImageRecord> loop =
        new ImageEmbedding<>(
            embedder,
            (r, dst, offset) -> {
              GalleryIterator.decodeInto(dataset, loader, failures, r, dst, offset);
              return null;
            },
            loader.settings().height(),
            loader.settings().width(),
            batchSize,
            workers);
    try {
      return loop.embedAll(images, Progress.NONE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Embeds captions a batch at a time through a caption encoder ({@link
   * Embedder#embedTextsInBatches}).
   *
   * @param embedder the embedder
   * @param captions the caption encoder of the embedder's model
   * @param queries the captions
   * @param batchSize captions per batch
   * @return global {@code [Q, D]} and sets (or null), normalised
   */
  public static Embeddings embedCaptions(
      Embedder embedder, CaptionEncoder captions, List<CaptionRecord> queries, int batchSize) {
    return embedder.embedTextsInBatches(
        queries.stream().map(CaptionRecord::caption).toList(), captions::encode, batchSize);
  }

  /**
   * Token ids of captions.
   *
   * @param captions the captions
   * @param vocabulary the vocabulary
   * @param maxLength L
   * @return INT {@code [N, L]}
   */
  public static INDArray encode(
      List<CaptionRecord> captions, Vocabulary vocabulary, int maxLength) {
    int[][] ids = new int[captions.size()][];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = vocabulary.encode(captions.get(i).caption(), maxLength);
    }
    return Nd4j.createFromArray(ids);
  }

  /**
   * An evenly spaced, deterministic subset.
   *
   * @param all the list
   * @param max at most this many (0 = all)
   * @param <T> element type
   * @return the subset in original order
   */
  static <T> List<T> subset(List<T> all, int max) {
    if (max <= 0 || all.size() <= max) {
      return all;
    }
    List<T> out = new ArrayList<>(max);
    for (int i = 0; i < max; i++) {
      out.add(all.get((int) ((long) i * all.size() / max)));
    }
    return out;
  }
}
