package org.tbps4j.loss;

import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code cmpc}: cross-modal projection classification, plain form (Y. Zhang, H. Lu, ECCV 2018).
 *
 * <pre>
 * p_i  = (x_iᵀ t̂_i) t̂_i       projection of each image onto its own caption
 * p'_i = (t_iᵀ x̂_i) x̂_i       and of each caption onto its own image
 * w̃_c  = w_c / ‖w_c‖          unit columns, no bias, no scale
 * z_ic = w̃_cᵀ p_i = ‖p_i‖ cos θ_ic
 * L = CE(z, y) + CE(z', y)     (parts image, text; CE = mean softmax cross-entropy)
 * </pre>
 *
 * Inputs: raw {@code X [N,D]}, {@code T [N,D]}, class indices {@code y [N]} in {@code 0..C-1},
 * {@code W [D,C]} (required; a bias, if given, is ignored). Normalisation uses {@code v/sqrt(|v|² +
 * 1e-16)} so a zero vector gives zero logits instead of NaN. No parameters.
 */
public final class CmpcLoss extends BaseLoss {
  /** Registry name. */
  public static final String NAME = "cmpc";

  static final List<String> KEYS = List.of();

  /** The loss (it has no parameters). */
  public CmpcLoss() {
    super(NAME, List.of(LossNames.IMAGE, LossNames.TEXT));
  }

  static CmpcLoss from(Map<String, ?> values) {
    new Params(NAME, values, KEYS);
    return new CmpcLoss();
  }

  @Override
  public Map<String, Object> parameters() {
    return Map.of();
  }

  @Override
  public boolean usesClassifier() {
    return true;
  }

  @Override
  Map<String, INDArray> parameterArrays(DataType dt) {
    return Map.of();
  }

  @Override
  Graph build(LossInputs in, Map<String, SDVariable> p) {
    // image and text projections stacked ([2N, C] logits): both sides in one pass
    SDVariable rows =
        in.crossEntropyRows(in.stackedProjectionLogits(NAME), in.stackedClassOneHot(NAME));
    SDVariable[] d = in.directionMeans(rows);
    return new Graph(in.directionsTotal(rows), parts(LossNames.IMAGE, d[0], LossNames.TEXT, d[1]));
  }

  @Override
  public LossValue compute(LossArrays a) {
    double[][] w = Eager.unitColumns(a.requireClassWeights(NAME));
    int[] y = a.classIndices(NAME);
    double image =
        Eager.crossEntropy(Eager.times(Eager.projectRows(a.image(), a.textUnit()), w), y);
    double text = Eager.crossEntropy(Eager.times(Eager.projectRows(a.text(), a.imageUnit()), w), y);
    return new LossValue(NAME, image + text, values(LossNames.IMAGE, image, LossNames.TEXT, text));
  }
}
