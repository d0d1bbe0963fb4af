package org.tbps4j.loss;

import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code psw}: pairwise similarity weighting in the "max-polynomial" form (the project's seed paper
 * 000, docs/losses.md).
 *
 * <p>On normalised embeddings, {@code s_ij = x̂_iᵀ t̂_j} (or the given similarity {@code S}), for
 * each anchor its positive {@code s⁺ = s_ii} and its hardest negative {@code s⁻} ({@code max_{j:
 * y_j≠y_i} s_ij} for image anchors, {@code max_j s_ji} for text anchors):
 *
 * <pre>
 * ℓ = max(0, a2·s⁺² + a1·s⁺ + a0 + b2·s⁻² + b1·s⁻ + b0)
 * L = mean ℓ(i→t) + mean ℓ(t→i)                    (parts i2t, t2i)
 * </pre>
 *
 * Anchors without a negative are left out of the mean. Defaults {@code a = (0.2, −0.7, 0.5)},
 * {@code b = (1.8, −0.3, 0.03)}: harder positives get weight {@code 0.7 − 0.4 s⁺}, harder negatives
 * {@code 3.6 s⁻ − 0.3}. Reference ℓ for {@code (s⁺, s⁻)}: (0.8, 0.5) → 0.398; (0.6, 0.6) → 0.650;
 * (0.9, 0.1) → 0.050; (0.3, 0.7) → 1.010. Inputs: raw {@code X [N,D]}, {@code T [N,D]}, ids {@code
 * y [N]}. Parameters {@code a2, a1, a0, b2, b1, b0}: any finite numbers.
 */
public final class PswLoss extends BaseLoss {
  /** Registry name. */
  public static final String NAME = "psw";

  static final List<String> KEYS = List.of("a2", "a1", "a0", "b2", "b1", "b0");

  /** Default coefficients in the order a2, a1, a0, b2, b1, b0. */
  static final double[] DEFAULTS = {0.2, -0.7, 0.5, 1.8, -0.3, 0.03};

  private final double[] c;

  /** The loss with the paper's coefficients. */
  public PswLoss() {
    this(DEFAULTS[0], DEFAULTS[1], DEFAULTS[2], DEFAULTS[3], DEFAULTS[4], DEFAULTS[5]);
  }

  /**
   * The loss with given polynomial coefficients.
   *
   * @param a2 coefficient of s⁺²
   * @param a1 coefficient of s⁺
   * @param a0 constant of the positive polynomial
   * @param b2 coefficient of s⁻²
   * @param b1 coefficient of s⁻
   * @param b0 constant of the negative polynomial
   * @throws IllegalArgumentException for a non-finite coefficient
   */
  public PswLoss(double a2, double a1, double a0, double b2, double b1, double b0) {
    super(NAME, List.of(LossNames.I2T, LossNames.T2I));
    c = new double[] {a2, a1, a0, b2, b1, b0};
    for (int i = 0; i < c.length; i++) {
      Params.finite(NAME, KEYS.get(i), c[i]);
    }
  }

  static PswLoss from(Map<String, ?> values) {
    Params p = new Params(NAME, values, KEYS);
    double[] v = new double[6];
    for (int i = 0; i < 6; i++) {
      v[i] = p.real(KEYS.get(i), DEFAULTS[i]);
    }
    return new PswLoss(v[0], v[1], v[2], v[3], v[4], v[5]);
  }

  /**
   * The per-anchor term before the mean.
   *
   * @param positive s⁺
   * @param negative s⁻
   * @return {@code max(0, a2·s⁺² + a1·s⁺ + a0 + b2·s⁻² + b1·s⁻ + b0)}
   */
  public double term(double positive, double negative) {
    double v =
        c[0] * positive * positive
            + c[1] * positive
            + c[2]
            + c[3] * negative * negative
            + c[4] * negative
            + c[5];
    return Math.max(0, v);
  }

  @Override
  public Map<String, Object> parameters() {
    return ordered("a2", c[0], "a1", c[1], "a0", c[2], "b2", c[3], "b1", c[4], "b0", c[5]);
  }

  @Override
  public boolean usesSimilarity() {
    return true;
  }

  @Override
  Map<String, INDArray> parameterArrays(DataType dt) {
    return scalars(dt, "a2", c[0], "a1", c[1], "a0", c[2], "b2", c[3], "b1", c[4], "b0", c[5]);
  }

  @Override
  Graph build(LossInputs in, Map<String, SDVariable> p) {
    SDVariable pos = in.positiveScores();
    SDVariable i2t = direction(in, pos, in.hardestNegative(1), p);
    SDVariable t2i = direction(in, pos, in.hardestNegative(0), p);
    return new Graph(i2t.add(t2i), parts(LossNames.I2T, i2t, LossNames.T2I, t2i));
  }

  private static SDVariable direction(
      LossInputs in, SDVariable pos, SDVariable neg, Map<String, SDVariable> p) {
    SDVariable poly =
        pos.mul(pos)
            .mul(p.get("a2"))
            .add(pos.mul(p.get("a1")))
            .add(p.get("a0"))
            .add(neg.mul(neg).mul(p.get("b2")))
            .add(neg.mul(p.get("b1")))
            .add(p.get("b0"));
    return in.maskedMean(in.sameDiff().nn().relu(poly, 0.0), in.hasNegative());
  }

  @Override
  public LossValue compute(LossArrays a) {
    double[][] s = a.scores();
    boolean[][] same = a.sameId();
    double i2t = Eager.hardestNegativeMean(s, same, false, this::term);
    double t2i = Eager.hardestNegativeMean(s, same, true, this::term);
    return new LossValue(NAME, i2t + t2i, values(LossNames.I2T, i2t, LossNames.T2I, t2i));
  }
}
