package org.tbps4j.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.tbps4j.model.layers.TokenFeatureHead;

/**
 * The text placeholders of a model whose captions are read by a frozen tower ({@link
 * ModelConfig.TextEncoder#tower()}): the caption side hands one packed array {@code [N, L, F + 1]}
 * (channels {@code 0..F-1} the tower's token features, channel {@code F} the token mask, 1 at real
 * tokens and 0 at padding, as {@code CaptionEncoder} in tbps-data documents it); this splits it
 * into {@link TokenFeatureHead#FEATURES} {@code [N, L, F]} and {@link TokenFeatureHead#MASK} {@code
 * [N, L]} in the model's data type. One array per batch keeps every caller that passes "the text
 * input" (iterators, embedder, batch-norm recalibration) the same for both encoders.
 */
public final class TowerInputs {
  private TowerInputs() {}

  /**
   * Splits a packed batch.
   *
   * @param packed {@code [N, L, F + 1]}, {@code L} the config's {@code maxLength}
   * @param config the model config (a tower encoder)
   * @param type the model's floating-point type
   * @return {@code {text_features, text_mask}}
   * @throws IllegalArgumentException on a wrong shape or an integer array (token ids given to a
   *     tower model)
   */
  public static Map<String, INDArray> of(INDArray packed, ModelConfig config, DataType type) {
    int f = config.text().featureDim();
    long[] want = {config.maxLength(), f + 1L};
    if (packed.rank() != 3
        || !Arrays.equals(Arrays.copyOfRange(packed.shape(), 1, 3), want)
        || !packed.dataType().isFPType()) {
      throw new IllegalArgumentException(
          "a "
              + config.text().encoder()
              + " model takes token features packed as floating-point [N, "
              + config.maxLength()
              + ", "
              + (f + 1)
              + "] (features + mask), got "
              + packed.dataType()
              + " "
              + Arrays.toString(packed.shape()));
    }
    INDArray features =
        packed
            .get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, f))
            .castTo(type)
            .dup('c');
    INDArray mask =
        packed.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(f)).castTo(type);
    Map<String, INDArray> out = new LinkedHashMap<>();
    out.put(TokenFeatureHead.FEATURES, features);
    out.put(TokenFeatureHead.MASK, mask.reshape(packed.size(0), packed.size(1)).dup('c'));
    return out;
  }

  /**
   * The placeholder names, in the order {@link #of} returns them.
   *
   * @return {@code [text_features, text_mask]}
   */
  public static String[] names() {
    return new String[] {TokenFeatureHead.FEATURES, TokenFeatureHead.MASK};
  }
}
