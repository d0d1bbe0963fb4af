package org.tbps4j.loss;

import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code sdm}: similarity distribution matching, the IRRA baseline (D. Jiang, M. Ye, "Cross-Modal
 * Implicit Relation Reasoning and Aligning for Text-to-Image Person Retrieval", CVPR 2023).
 *
 * <pre>
 * P = softmax_rows(S / τ)     S the cosine matrix x̂_iᵀ t̂_j (or the given similarity), Sᵀ for t2i
 * q_ij = 1[y_i=y_j] / Σ_k 1[y_i=y_k]
 * L_dir = mean_i Σ_j P_ij (log P_ij − log(q_ij + ε)),  ε = 1e-8;   L = L_i2t + L_t2i
 * </pre>
 *
 * Inputs: raw {@code X [N,D]}, {@code T [N,D]}, ids {@code y [N]}, optional {@code S}. Parameter
 * {@code tau} τ > 0, default 0.02 (IRRA's logit scale 50).
 */
public final class SdmLoss extends BaseLoss {
  /** Registry name. */
  public static final String NAME = "sdm";

  /** IRRA's temperature. */
  public static final double DEFAULT_TAU = 0.02;

  static final List<String> KEYS = List.of("tau");

  private final double tau;

  /**
   * The loss.
   *
   * @param tau temperature τ, finite > 0
   * @throws IllegalArgumentException for τ ≤ 0 or non-finite
   */
  public SdmLoss(double tau) {
    super(NAME, List.of(LossNames.I2T, LossNames.T2I));
    this.tau = Params.positive(NAME, "tau", tau);
  }

  static SdmLoss from(Map<String, ?> values) {
    Params p = new Params(NAME, values, KEYS);
    return new SdmLoss(p.real("tau", DEFAULT_TAU));
  }

  @Override
  public Map<String, Object> parameters() {
    return ordered("tau", tau);
  }

  @Override
  public boolean usesSimilarity() {
    return true;
  }

  @Override
  Map<String, INDArray> parameterArrays(DataType dt) {
    return scalars(dt, "tau", tau);
  }

  @Override
  Graph build(LossInputs in, Map<String, SDVariable> p) {
    SDVariable s = in.scores();
    SDVariable i2t = in.matchingKl(s.div(p.get("tau")));
    SDVariable t2i = in.matchingKl(in.sameDiff().transpose(s).div(p.get("tau")));
    return new Graph(i2t.add(t2i), parts(LossNames.I2T, i2t, LossNames.T2I, t2i));
  }

  @Override
  public LossValue compute(LossArrays a) {
    double[][] s = a.scores();
    double i2t = Eager.matchingKl(scale(s), a.sameId());
    double t2i = Eager.matchingKl(scale(Eager.transpose(s)), a.sameId());
    return new LossValue(NAME, i2t + t2i, values(LossNames.I2T, i2t, LossNames.T2I, t2i));
  }

  private double[][] scale(double[][] s) {
    double[][] out = new double[s.length][s.length];
    for (int i = 0; i < s.length; i++) {
      for (int j = 0; j < s.length; j++) {
        out[i][j] = s[i][j] / tau;
      }
    }
    return out;
  }
}
