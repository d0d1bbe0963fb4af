package org.tbps4j.search;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tbps4j.model.search.Embedder;

/**
 * The query encoder of a trained model: the training vocabulary's tokenizer (unknown words read as
 * {@code <unk>}, long queries truncated to the model's token length) and the text path's inference
 * output. Forward passes are serialised on the model (a SameDiff graph is not run concurrently
 * here); concurrent callers are served one batch at a time.
 */
public final class ModelQueryEncoder implements QueryEncoder {
  private final ModelBundle bundle;
  private final Embedder embedder;

  /**
   * Creates the encoder.
   *
   * @param bundle the model
   */
  public ModelQueryEncoder(ModelBundle bundle) {
    this.bundle = bundle;
    this.embedder = new Embedder(bundle.model(), 64);
  }

  @Override
  public int dim() {
    return bundle.dim();
  }

  @Override
  public float[][] encode(List<String> texts) {
    if (texts.isEmpty()) {
      return new float[0][];
    }
    int[][] ids = new int[texts.size()][];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = bundle.vocabulary().encode(texts.get(i), bundle.maxLength());
    }
    INDArray out;
    synchronized (bundle.model()) {
      out = embedder.embedTexts(Nd4j.createFromArray(ids));
    }
    return out.toFloatMatrix();
  }
}
