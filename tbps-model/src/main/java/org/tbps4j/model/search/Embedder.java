package org.tbps4j.model.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.tbps4j.model.GraphNames;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.model.layers.Layers;

/**
 * Embeds image tensors and token arrays through the model's inference outputs (batch-norm running
 * statistics, no dropout), in batches, into L2-normalised FLOAT matrices (plus ESA sets when the
 * model has the head).
 *
 * <p>An embedder can share a model with a training loop (not concurrently). Batches are capped at
 * {@link Layers#MAX_DROPOUT_BATCH}. Threads: ND4J's native ops use {@code OMP_NUM_THREADS}, read
 * once at start-up ({@code Environment.setMaxThreads} has no effect in M2.1, so there is no
 * run-time setter here).
 */
public final class Embedder {
  private final TbpsModel model;
  private final int batchSize;

  /**
   * Creates an embedder.
   *
   * @param model the model
   * @param batchSize items per forward pass, {@code >= 1}
   */
  public Embedder(TbpsModel model, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    this.model = model;
    this.batchSize = batchSize;
  }

  /**
   * The model.
   *
   * @return the model this embedder runs
   */
  public TbpsModel model() {
    return model;
  }

  /**
   * Embeds images.
   *
   * @param images normalised images {@code [N, 3, H, W]}
   * @return L2-normalised FLOAT {@code [N, D]}
   */
  public INDArray embedImages(INDArray images) {
    return run(images, true, false).global();
  }

  /**
   * Embeds texts.
   *
   * @param tokens token ids {@code [N, L]}
   * @return L2-normalised FLOAT {@code [N, D]}
   */
  public INDArray embedTexts(INDArray tokens) {
    return run(tokens, false, false).global();
  }

  /**
   * Embeds images with their ESA sets (when the model has the head).
   *
   * @param images {@code [N, 3, H, W]}
   * @return global {@code [N, D]} and sets {@code [N, M, D]} (or null), normalised
   */
  public Embeddings embedImagesWithSets(INDArray images) {
    return run(images, true, true);
  }

  /**
   * Embeds texts with their ESA sets (when the model has the head).
   *
   * @param tokens {@code [N, L]}
   * @return global {@code [N, D]} and sets {@code [N, M, D]} (or null), normalised
   */
  public Embeddings embedTextsWithSets(INDArray tokens) {
    return run(tokens, false, true);
  }

  /**
   * Encodes and embeds texts a batch at a time (the project's one caption-embedding loop): texts
   * {@code [b·batchSize, (b+1)·batchSize)} are turned into model input by {@code encode} (a caption
   * encoder: token ids, or a frozen tower's features) and embedded with their sets.
   *
   * @param texts the texts, at least one
   * @param encode texts to the model's text input ({@code [n, L]} ids or {@code [n, L, F]})
   * @param batchSize texts per batch, {@code >= 1}
   * @return global {@code [N, D]} and sets {@code [N, M, D]} (or null), normalised
   * @throws IllegalArgumentException when {@code texts} is empty
   */
  public Embeddings embedTextsInBatches(
      List<String> texts, Function<List<String>, INDArray> encode, int batchSize) {
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("nothing to embed: no texts");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    List<INDArray> globals = new ArrayList<>();
    List<INDArray> sets = new ArrayList<>();
    for (int from = 0; from < texts.size(); from += batchSize) {
      List<String> part = texts.subList(from, Math.min(texts.size(), from + batchSize));
      Embeddings e = embedTextsWithSets(encode.apply(part));
      globals.add(e.global());
      if (e.sets() != null) {
        sets.add(e.sets());
      }
    }
    INDArray g =
        globals.size() == 1 ? globals.get(0) : Nd4j.concat(0, globals.toArray(new INDArray[0]));
    INDArray st =
        sets.isEmpty()
            ? null
            : sets.size() == 1 ? sets.get(0) : Nd4j.concat(0, sets.toArray(new INDArray[0]));
    return new Embeddings(g, st);
  }

  private Embeddings run(INDArray input, boolean image, boolean withSets) {
    boolean esa = withSets && model.config().esa().enabled();
    String globalName =
        image ? GraphNames.IMAGE_EMBEDDING_INFERENCE : GraphNames.TEXT_EMBEDDING_INFERENCE;
    String setName =
        image ? GraphNames.ESA_IMAGE_SETS_INFERENCE : GraphNames.ESA_TEXT_SETS_INFERENCE;
    String[] outputs = esa ? new String[] {globalName, setName} : new String[] {globalName};
    long n = input.size(0);
    if (n == 0) {
      throw new IllegalArgumentException("nothing to embed: the input has 0 rows");
    }
    List<INDArray> globals = new ArrayList<>();
    List<INDArray> sets = new ArrayList<>();
    {
      int step = Math.min(batchSize, Layers.MAX_DROPOUT_BATCH);
      for (long from = 0; from < n; from += step) {
        long to = Math.min(n, from + step);
        INDArray chunk = slice(input, from, to);
        if (to - from == 1) {
          // M2.1 reductions over a size-1 axis fail (batch-norm statistics of a batch of one):
          // embed the sample twice; in inference mode the copies do not influence each other
          chunk = Nd4j.concat(0, chunk, chunk);
        }
        Map<String, INDArray> ph = image ? model.imageInputs(chunk) : model.textInputs(chunk);
        Map<String, INDArray> out = model.sameDiff().output(ph, outputs);
        globals.add(firstRows(out.get(globalName), to - from));
        if (esa) {
          sets.add(firstRows(out.get(setName), to - from));
        }
      }
    }
    INDArray g =
        globals.size() == 1 ? globals.get(0) : Nd4j.concat(0, globals.toArray(new INDArray[0]));
    INDArray s =
        !esa
            ? null
            : sets.size() == 1 ? sets.get(0) : Nd4j.concat(0, sets.toArray(new INDArray[0]));
    return new Embeddings(g, s);
  }

  private static INDArray firstRows(INDArray a, long rows) {
    INDArray f = a.castTo(DataType.FLOAT);
    return (rows == f.size(0) ? f : slice(f, 0, rows)).dup('c');
  }

  private static INDArray slice(INDArray a, long from, long to) {
    if (from == 0 && to == a.size(0)) {
      return a;
    }
    INDArrayIndex[] idx = new INDArrayIndex[a.rank()];
    idx[0] = NDArrayIndex.interval(from, to);
    for (int i = 1; i < idx.length; i++) {
      idx[i] = NDArrayIndex.all();
    }
    return a.get(idx).dup('c');
  }
}
