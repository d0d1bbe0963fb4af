package org.tbps4j.search;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tbps4j.data.text.CaptionEncoder;
import org.tbps4j.model.search.Embedder;

/**
 * The query encoder of a trained model: its caption encoder (the training vocabulary, unknown words
 * read as {@code <unk>} and long queries truncated to the model's token length; or its pretrained
 * tower, see {@link CaptionEncoder}) and the text path's inference output. Forward passes are
 * serialised on the model (a SameDiff graph is not run concurrently here); concurrent callers are
 * served one batch at a time.
 */
public final class ModelQueryEncoder implements QueryEncoder, AutoCloseable {
  private final ModelBundle bundle;
  private final Embedder embedder;
  private final CaptionEncoder captions;

  /**
   * Creates the encoder.
   *
   * @param bundle the model
   */
  public ModelQueryEncoder(ModelBundle bundle) {
    this.bundle = bundle;
    this.embedder = new Embedder(bundle.model(), 64);
    this.captions = bundle.captionEncoder();
  }

  /** Closes the caption encoder (a pretrained tower's session). */
  @Override
  public void close() {
    captions.close();
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
    INDArray input = captions.encode(texts);
    INDArray out;
    synchronized (bundle.model()) {
      out = embedder.embedTexts(input);
    }
    return out.toFloatMatrix();
  }
}
