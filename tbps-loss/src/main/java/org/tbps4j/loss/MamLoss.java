package org.tbps4j.loss;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code mam}: multiplicative angular margin on the CMPC logits (the project's seed paper 000,
 * docs/losses.md), with the margin function of SphereFace (W. Liu, Y. Wen, Z. Yu, M. Li, B. Raj, L.
 * Song, "SphereFace: Deep Hypersphere Embedding for Face Recognition", CVPR 2017).
 *
 * <p>Logits as in {@link CmpcLoss}: {@code z_ic = w̃_cᵀ p_i}. The target logit of each row is
 * replaced:
 *
 * <pre>
 * c = cos θ_{i,y_i} = z_{i,y_i} / ‖p_i‖
 * ψ(θ) = (−1)^k cos(mθ) − 2k   for θ ∈ [kπ/m, (k+1)π/m], k = 0..m−1
 * target = (λ · z_{i,y_i} + ‖p_i‖ ψ(θ)) / (1 + λ)      (SphereFace annealing; λ = 0: pure margin)
 * L = CE(z with target, y) + CE(z' with target', y)    (parts image, text)
 * </pre>
 *
 * Reference ψ for m = 4: c = 1 → 1; 0.9 → −0.2312; 0.7071 → −1; 0.5 → −1.5; 0 → −3; −0.5 → −4.5;
 * −0.9 → −5.7688; −1 → −7 (see {@link #psi}).
 *
 * <p>Graph form without {@code acos} in the gradient path: {@code cos mθ = T_m(c)} (Chebyshev, as a
 * polynomial whose coefficients are six scalar constants {@code loss/mam/param/m/c0..c5}), {@code k
 * = Σ_{j=1}^{m−1} 1[c < cos(jπ/m)]} and {@code (−1)^k = Π_j (1 − 2·1[c < cos(jπ/m)])} from
 * comparisons (no gradient, as docs/losses.md says). Because m only changes those two constants, m
 * is sweepable on a built graph like λ. {@code ‖p_i‖} is computed as {@code sqrt(|p_i|² + 1e-16)}
 * (the design wrote {@code ‖p_i‖ + 1e-8}, docs/losses.md); both keep {@code |c| < 1} and the zero
 * vector finite.
 *
 * <p>Inputs: raw {@code X [N,D]}, {@code T [N,D]}, class indices {@code y [N]}, {@code W [D,C]}
 * (bias ignored). Parameters: {@code m}, integer 1..5, default 4 ({@code m = 1} equals {@link
 * CmpcLoss}); {@code lambda} λ ≥ 0, default 0 as in the authors' code (SphereFace anneals it from
 * 1000 down to 5 — a schedule the trainer can apply with {@link #withParameter} and {@link
 * #writeParameters}).
 */
public final class MamLoss extends BaseLoss {
  /** Registry name. */
  public static final String NAME = "mam";

  /** The paper's margin. */
  public static final int DEFAULT_M = 4;

  /** No annealing, as in the authors' code. */
  public static final double DEFAULT_LAMBDA = 0.0;

  /** The largest supported margin. */
  public static final int MAX_M = 5;

  static final List<String> KEYS = List.of("m", "lambda");

  /** Coefficients of c^0..c^5 of the Chebyshev polynomial T_m, m = 1..5. */
  private static final double[][] CHEBYSHEV = {
    {0, 1, 0, 0, 0, 0},
    {-1, 0, 2, 0, 0, 0},
    {0, -3, 0, 4, 0, 0},
    {1, 0, -8, 0, 8, 0},
    {0, 5, 0, -20, 0, 16},
  };

  private final int m;
  private final double lambda;

  /**
   * The loss.
   *
   * @param m multiplicative margin, 1..5
   * @param lambda annealing weight λ of the plain logit, finite ≥ 0
   * @throws IllegalArgumentException for an m outside 1..5 or a negative/non-finite λ
   */
  public MamLoss(int m, double lambda) {
    super(NAME, List.of(LossNames.IMAGE, LossNames.TEXT));
    this.m = Params.intRange(NAME, "m", m, 1, MAX_M);
    this.lambda = Params.nonNegative(NAME, "lambda", lambda);
  }

  static MamLoss from(Map<String, ?> values) {
    Params p = new Params(NAME, values, KEYS);
    return new MamLoss(p.integer("m", DEFAULT_M), p.real("lambda", DEFAULT_LAMBDA));
  }

  /**
   * The margin.
   *
   * @return m
   */
  public int m() {
    return m;
  }

  /**
   * The annealing weight.
   *
   * @return λ
   */
  public double lambda() {
    return lambda;
  }

  /**
   * SphereFace's ψ from its definition, with {@code θ = acos(c)}.
   *
   * @param m margin 1..5
   * @param cosine {@code c = cos θ}, clamped to [−1, 1]
   * @return {@code (−1)^k cos(mθ) − 2k}, {@code k = min(m−1, floor(mθ/π))}
   */
  public static double psi(int m, double cosine) {
    double theta = Math.acos(Math.max(-1.0, Math.min(1.0, cosine)));
    int k = Math.min(m - 1, (int) Math.floor(m * theta / Math.PI));
    return (k % 2 == 0 ? 1 : -1) * Math.cos(m * theta) - 2.0 * k;
  }

  @Override
  public Map<String, Object> parameters() {
    return ordered("m", m, "lambda", lambda);
  }

  @Override
  public boolean usesClassifier() {
    return true;
  }

  @Override
  Map<String, INDArray> parameterArrays(DataType dt) {
    double[] thresholds = new double[MAX_M - 1];
    for (int j = 1; j < MAX_M; j++) {
      thresholds[j - 1] = j < m ? Math.cos(j * Math.PI / m) : -2.0; // -2: never c < -2
    }
    Map<String, INDArray> a = new LinkedHashMap<>();
    for (int power = 0; power < CHEBYSHEV[m - 1].length; power++) {
      a.put("m/c" + power, Nd4j.scalar(dt, CHEBYSHEV[m - 1][power]));
    }
    a.put("m/thresholds", Nd4j.createFromArray(thresholds).castTo(dt).reshape(1, MAX_M - 1));
    a.put("lambda", Nd4j.scalar(dt, lambda));
    return a;
  }

  @Override
  Graph build(LossInputs in, Map<String, SDVariable> p) {
    SDVariable oneHot = in.classOneHot(NAME);
    SDVariable image = side(in, in.imageProjection(), in.imageProjectionLogits(NAME), oneHot, p);
    SDVariable text = side(in, in.textProjection(), in.textProjectionLogits(NAME), oneHot, p);
    return new Graph(image.add(text), parts(LossNames.IMAGE, image, LossNames.TEXT, text));
  }

  private static SDVariable side(
      LossInputs in, SDVariable proj, SDVariable z, SDVariable oneHot, Map<String, SDVariable> p) {
    SameDiff sd = in.sameDiff();
    DataType dt = in.dataType();
    SDVariable zy = sd.sum(z.mul(oneHot), true, 1); // [N,1]
    SDVariable norm =
        sd.math().sqrt(sd.sum(proj.mul(proj), true, 1).add(Numerics.NORM_EPS * Numerics.NORM_EPS));
    SDVariable c = zy.div(norm); // [N,1], |c| < 1
    SDVariable below = sd.lt(c, p.get("m/thresholds")).castTo(dt); // [N,4], no gradient
    SDVariable k = sd.sum(below, true, 1);
    SDVariable sign = sd.prod(below.mul(-2.0).add(1.0), true, 1);
    SDVariable cheb = c.mul(p.get("m/c5")).add(p.get("m/c4")); // Horner: T_m(c)
    for (int power = 3; power >= 0; power--) {
      cheb = cheb.mul(c).add(p.get("m/c" + power));
    }
    SDVariable psi = sign.mul(cheb).sub(k.mul(2.0));
    SDVariable lambda = p.get("lambda");
    SDVariable target = zy.mul(lambda).add(norm.mul(psi)).div(lambda.add(1.0));
    SDVariable logits = z.add(oneHot.mul(target.sub(zy)));
    return in.crossEntropy(logits, oneHot);
  }

  @Override
  public LossValue compute(LossArrays a) {
    double[][] w = Eager.unitColumns(a.requireClassWeights(NAME));
    int[] y = a.classIndices(NAME);
    double image = side(Eager.projectRows(a.image(), a.textUnit()), w, y);
    double text = side(Eager.projectRows(a.text(), a.imageUnit()), w, y);
    return new LossValue(NAME, image + text, values(LossNames.IMAGE, image, LossNames.TEXT, text));
  }

  private double side(double[][] proj, double[][] w, int[] y) {
    double[][] z = Eager.times(proj, w);
    for (int i = 0; i < z.length; i++) {
      double norm = Math.sqrt(Eager.dot(proj[i], proj[i]) + Numerics.NORM_EPS * Numerics.NORM_EPS);
      double plain = z[i][y[i]];
      z[i][y[i]] = (lambda * plain + norm * psi(m, plain / norm)) / (1 + lambda);
    }
    return Eager.crossEntropy(z, y);
  }
}
