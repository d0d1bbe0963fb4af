package org.tbps4j.loss;

import java.util.List;
import java.util.Map;
import java.util.function.DoubleBinaryOperator;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code ranking}: the bidirectional hinge ranking loss of Dual-Path (Zheng et al., ACM TOMM 2020),
 * in the batch form with the hardest negative.
 *
 * <p>On normalised embeddings, {@code s_ij = x̂_iᵀ t̂_j} (or the given similarity {@code S}):
 *
 * <pre>
 * L = mean_i max(0, α − s_ii + max_{j: y_j≠y_i} s_ij)     (image anchors, part i2t)
 *   + mean_i max(0, α − s_ii + max_{j: y_j≠y_i} s_ji)     (text anchors, part t2i)
 * </pre>
 *
 * Anchors without a negative in the batch contribute nothing and are left out of the mean (a batch
 * of one identity gives 0). Inputs: raw {@code X [N,D]}, {@code T [N,D]}, ids {@code y [N]}.
 * Parameter {@code margin} α, default 1.0 (Dual-Path's value; 0.2 is common with hardest
 * negatives), finite ≥ 0.
 */
public final class RankingLoss extends BaseLoss {
  /** Registry name. */
  public static final String NAME = "ranking";

  /** Dual-Path's margin. */
  public static final double DEFAULT_MARGIN = 1.0;

  static final List<String> KEYS = List.of("margin");

  private final double margin;

  /**
   * The loss with margin α.
   *
   * @param margin α, finite ≥ 0
   * @throws IllegalArgumentException for a negative or non-finite margin
   */
  public RankingLoss(double margin) {
    super(NAME, List.of(LossNames.I2T, LossNames.T2I));
    this.margin = Params.nonNegative(NAME, "margin", margin);
  }

  static RankingLoss from(Map<String, ?> values) {
    Params p = new Params(NAME, values, KEYS);
    return new RankingLoss(p.real("margin", DEFAULT_MARGIN));
  }

  /**
   * The margin.
   *
   * @return α
   */
  public double margin() {
    return margin;
  }

  @Override
  public Map<String, Object> parameters() {
    return ordered("margin", margin);
  }

  @Override
  public boolean usesSimilarity() {
    return true;
  }

  @Override
  Map<String, INDArray> parameterArrays(DataType dt) {
    return scalars(dt, "margin", margin);
  }

  @Override
  Graph build(LossInputs in, Map<String, SDVariable> p) {
    SDVariable pos = in.positiveScores();
    SDVariable i2t = direction(in, pos, in.hardestNegative(1), p.get("margin"));
    SDVariable t2i = direction(in, pos, in.hardestNegative(0), p.get("margin"));
    return new Graph(i2t.add(t2i), parts(LossNames.I2T, i2t, LossNames.T2I, t2i));
  }

  private static SDVariable direction(
      LossInputs in, SDVariable pos, SDVariable hardest, SDVariable margin) {
    SDVariable hinge = in.sameDiff().nn().relu(hardest.sub(pos).add(margin), 0.0);
    return in.maskedMean(hinge, in.hasNegative());
  }

  @Override
  public LossValue compute(LossArrays a) {
    double[][] s = a.scores();
    boolean[][] same = a.sameId();
    DoubleBinaryOperator hinge = (positive, hardest) -> Math.max(0, margin - positive + hardest);
    double i2t = Eager.hardestNegativeMean(s, same, false, hinge);
    double t2i = Eager.hardestNegativeMean(s, same, true, hinge);
    return new LossValue(NAME, i2t + t2i, values(LossNames.I2T, i2t, LossNames.T2I, t2i));
  }
}
