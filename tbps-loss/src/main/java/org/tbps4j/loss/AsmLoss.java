package org.tbps4j.loss;

import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code asm}: adaptive semantic margin (seed paper 002, with embedding set alignment). <b>This is
 * the project's reading, not the paper's equations</b> (which were not available): the margin of a
 * negative pair grows with how different the two captions are.
 *
 * <pre>
 * m_ij = m0 + β (1 − t̂_iᵀ t̂_j)        caption-caption cosine; no gradient through the margin
 * ℓ_i(i→t) = max_{j: y_j≠y_i} max(0, m_ij − s_ii + s_ij)
 * ℓ_i(t→i) = max_{j: y_j≠y_i} max(0, m_ij − s_ii + s_ji)
 * L = mean ℓ(i→t) + mean ℓ(t→i)                  (parts i2t, t2i)
 * </pre>
 *
 * {@code s} is the global cosine {@code x̂_iᵀ t̂_j}, or the given similarity {@code S [N,N]} (with
 * ESA: the set similarity the model computes); the margin always uses the global text embeddings.
 * Anchors without a negative are left out of the mean. Inputs: raw {@code X [N,D]}, {@code T
 * [N,D]}, ids {@code y [N]}, optional {@code S}. Parameters {@code m0} (default 0.1) and {@code
 * beta} β (default 0.2), finite, β ≥ 0.
 *
 * <p>Because the margin carries no gradient (a {@code stop_gradient} op), a numerical gradient
 * check with respect to T sees the margin's dependence on T that the analytic gradient deliberately
 * drops; check it with T fixed.
 */
public final class AsmLoss extends BaseLoss {
  /** Registry name. */
  public static final String NAME = "asm";

  /** Default base margin. */
  public static final double DEFAULT_M0 = 0.1;

  /** Default growth of the margin with caption dissimilarity. */
  public static final double DEFAULT_BETA = 0.2;

  static final List<String> KEYS = List.of("m0", "beta");

  private final double m0;
  private final double beta;

  /**
   * The loss.
   *
   * @param m0 base margin, finite
   * @param beta growth of the margin with {@code 1 − t̂_iᵀ t̂_j}, finite ≥ 0
   * @throws IllegalArgumentException for a non-finite value or a negative β
   */
  public AsmLoss(double m0, double beta) {
    super(NAME, List.of(LossNames.I2T, LossNames.T2I));
    this.m0 = Params.finite(NAME, "m0", m0);
    this.beta = Params.nonNegative(NAME, "beta", beta);
  }

  static AsmLoss from(Map<String, ?> values) {
    Params p = new Params(NAME, values, KEYS);
    return new AsmLoss(p.real("m0", DEFAULT_M0), p.real("beta", DEFAULT_BETA));
  }

  @Override
  public Map<String, Object> parameters() {
    return ordered("m0", m0, "beta", beta);
  }

  @Override
  public boolean usesSimilarity() {
    return true;
  }

  @Override
  Map<String, INDArray> parameterArrays(DataType dt) {
    return scalars(dt, "m0", m0, "beta", beta);
  }

  @Override
  Graph build(LossInputs in, Map<String, SDVariable> p) {
    SameDiff sd = in.sameDiff();
    SDVariable tt = in.noGradient(sd.mmul(in.textUnit(), in.textUnit(), false, true, false));
    SDVariable margin = tt.rsub(1.0).mul(p.get("beta")).add(p.get("m0")); // [N,N], symmetric
    SDVariable masked = in.scores().add(margin).sub(in.samePenalty()); // negatives only
    SDVariable pos = in.positiveScores();
    SDVariable i2t = direction(in, sd.max(masked, 1), pos);
    SDVariable t2i = direction(in, sd.max(masked, 0), pos);
    return new Graph(i2t.add(t2i), parts(LossNames.I2T, i2t, LossNames.T2I, t2i));
  }

  private static SDVariable direction(LossInputs in, SDVariable hardest, SDVariable pos) {
    SDVariable hinge = in.sameDiff().nn().relu(hardest.mul(in.hasNegative()).sub(pos), 0.0); // [N]
    return in.maskedMean(hinge, in.hasNegative());
  }

  @Override
  public LossValue compute(LossArrays a) {
    double[][] s = a.scores();
    double[][] tu = a.textUnit();
    boolean[][] same = a.sameId();
    double i2t = direction(s, tu, same, false);
    double t2i = direction(s, tu, same, true);
    return new LossValue(NAME, i2t + t2i, values(LossNames.I2T, i2t, LossNames.T2I, t2i));
  }

  private double direction(double[][] s, double[][] tu, boolean[][] same, boolean textAnchors) {
    double sum = 0;
    int anchors = 0;
    for (int i = 0; i < s.length; i++) {
      double worst = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < s.length; j++) {
        if (same[i][j]) {
          continue;
        }
        double margin = m0 + beta * (1 - Eager.dot(tu[i], tu[j]));
        double neg = textAnchors ? s[j][i] : s[i][j];
        worst = Math.max(worst, Math.max(0, margin - s[i][i] + neg));
      }
      if (worst != Double.NEGATIVE_INFINITY) {
        anchors++;
        sum += worst;
      }
    }
    return anchors == 0 ? 0 : sum / anchors;
  }
}
