package org.tbps4j.loss;

import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code cmpm}: cross-modal projection matching (Y. Zhang, H. Lu, "Deep Cross-Modal Projection
 * Learning for Image-Text Matching", ECCV 2018), the baseline the MAM paper builds on.
 *
 * <pre>
 * p_ij = softmax_j(x_iᵀ t̂_j)          (raw x, normalised t)
 * q_ij = 1[y_i=y_j] / Σ_k 1[y_i=y_k]
 * L_i2t = mean_i Σ_j p_ij (log p_ij − log(q_ij + ε)),  ε = 1e-8, log p from log-softmax
 * L_t2i = the same with t_iᵀ x̂_j;      L = L_i2t + L_t2i
 * </pre>
 *
 * Inputs: raw {@code X [N,D]}, {@code T [N,D]}, ids {@code y [N]}. No parameters. A given
 * similarity is not used (the logits are projections of raw embeddings).
 */
public final class CmpmLoss extends BaseLoss {
  /** Registry name. */
  public static final String NAME = "cmpm";

  static final List<String> KEYS = List.of();

  /** The loss (it has no parameters). */
  public CmpmLoss() {
    super(NAME, List.of(LossNames.I2T, LossNames.T2I));
  }

  static CmpmLoss from(Map<String, ?> values) {
    new Params(NAME, values, KEYS);
    return new CmpmLoss();
  }

  @Override
  public Map<String, Object> parameters() {
    return Map.of();
  }

  @Override
  Map<String, INDArray> parameterArrays(DataType dt) {
    return Map.of();
  }

  @Override
  Graph build(LossInputs in, Map<String, SDVariable> p) {
    SameDiff sd = in.sameDiff();
    // both directions in one pass: [X T̂ᵀ; T X̂ᵀ] (2N × N) against the target twice
    SDVariable logits =
        in.stack(
            sd.mmul(in.image(), in.textUnit(), false, true, false),
            sd.mmul(in.text(), in.imageUnit(), false, true, false));
    SDVariable rows = in.matchingKlRows(logits, in.stackedLogMatchingTarget());
    SDVariable[] d = in.directionMeans(rows);
    return new Graph(in.directionsTotal(rows), parts(LossNames.I2T, d[0], LossNames.T2I, d[1]));
  }

  @Override
  public LossValue compute(LossArrays a) {
    double i2t = Eager.matchingKl(Eager.timesTransposed(a.image(), a.textUnit()), a.sameId());
    double t2i = Eager.matchingKl(Eager.timesTransposed(a.text(), a.imageUnit()), a.sameId());
    return new LossValue(NAME, i2t + t2i, values(LossNames.I2T, i2t, LossNames.T2I, t2i));
  }
}
