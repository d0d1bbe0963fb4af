package org.tbps4j.loss;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code sn}: the support neighbor loss (K. Li, Z. Ding, K. Li, Y. Zhang, Y. Fu, "Support Neighbor
 * Loss for Person Re-Identification", ACM MM 2018) in the cross-modal form of the project's seed
 * paper 003 (docs/losses.md).
 *
 * <p>Distances between unit vectors {@code d_ij = sqrt(max(0, 2 − 2 s_ij) + 1e-6)}, {@code s} the
 * cosine {@code x̂_iᵀ t̂_j} or the given similarity. For each anchor (a text against the images,
 * part t2i; an image against the texts, part i2t) its K nearest candidates (ties by lower index;
 * all N if K ≥ N) split into {@code S⁺} (same id) and {@code S⁻}; if no positive is among them,
 * {@code S⁺} holds the single nearest positive (there is always one: the anchor's own pair).
 *
 * <pre>
 * separation = −log( Σ_{S⁺} e^{−α d} / Σ_{S⁺∪S⁻} e^{−α d} )          (0 when S⁻ is empty)
 * squeeze    = d(anchor, farthest positive) − d(anchor, nearest positive)   over all positives in
 *              the batch; with squeeze=nearest: d(anchor, nearest positive) (the authors' code)
 * L = mean_anchors(separation + w·squeeze), summed over both directions
 * </pre>
 *
 * The set selection (which samples are in S⁺/S⁻) carries no gradient; distances do. In the graph
 * the K-nearest sets come from ranks computed by pairwise comparisons ({@code [N,N,N]} booleans per
 * direction; {@code topK} is unusable in M2.1), so K is a graph constant and sweepable.
 *
 * <p><b>Deliberate difference:</b> the {@code + 1e-6} inside the square root. The exact distance
 * has an infinite derivative {@code −1/d} at {@code s = 1} (identical embeddings, and any positive
 * pair the model has matched), which turns into NaN; the epsilon bounds it by 500 and moves
 * distances by at most 1e-3 (at d = 0), by about {@code 5e-7/d} elsewhere.
 *
 * <p>Inputs: raw {@code X [N,D]}, {@code T [N,D]}, ids {@code y [N]}, optional {@code S}. Train
 * with a P×K identity sampler (e.g. 16 × 4). Parameters: {@code k} integer ≥ 1 (default 10), {@code
 * alpha} α > 0 (default 50), {@code w} ≥ 0 (default 0.1), {@code squeeze} {@code farthest}
 * (default) or {@code nearest}. Parts: {@code i2t}, {@code t2i} (each mean(sep + w·squeeze)),
 * {@code separation} and {@code squeeze} (the unweighted means summed over both directions).
 */
public final class SnLoss extends BaseLoss {
  /** Registry name. */
  public static final String NAME = "sn";

  /** Default neighbourhood size. */
  public static final int DEFAULT_K = 10;

  /** Default scale of the distances in the separation term. */
  public static final double DEFAULT_ALPHA = 50.0;

  /** Default weight of the squeeze term. */
  public static final double DEFAULT_W = 0.1;

  /** Squeeze variant: farthest minus nearest positive distance (default). */
  public static final String SQUEEZE_FARTHEST = "farthest";

  /** Squeeze variant: nearest positive distance (the authors' code). */
  public static final String SQUEEZE_NEAREST = "nearest";

  static final List<String> KEYS = List.of("k", "alpha", "w", "squeeze");

  private final int k;
  private final double alpha;
  private final double w;
  private final String squeeze;

  /** The loss with the defaults (K = 10, α = 50, w = 0.1, farthest − nearest squeeze). */
  public SnLoss() {
    this(DEFAULT_K, DEFAULT_ALPHA, DEFAULT_W, SQUEEZE_FARTHEST);
  }

  /**
   * The loss.
   *
   * @param k neighbourhood size K ≥ 1
   * @param alpha scale α > 0
   * @param w squeeze weight ≥ 0
   * @param squeeze {@link #SQUEEZE_FARTHEST} or {@link #SQUEEZE_NEAREST}
   * @throws IllegalArgumentException for a value outside its range
   */
  public SnLoss(int k, double alpha, double w, String squeeze) {
    super(NAME, List.of(LossNames.I2T, LossNames.T2I, LossNames.SEPARATION, LossNames.SQUEEZE));
    this.k = Params.intRange(NAME, "k", k, 1, Integer.MAX_VALUE);
    this.alpha = Params.positive(NAME, "alpha", alpha);
    this.w = Params.nonNegative(NAME, "w", w);
    if (!SQUEEZE_FARTHEST.equals(squeeze) && !SQUEEZE_NEAREST.equals(squeeze)) {
      throw Params.invalid(NAME, "squeeze", squeeze, SQUEEZE_FARTHEST + ", " + SQUEEZE_NEAREST);
    }
    this.squeeze = squeeze;
  }

  static SnLoss from(Map<String, ?> values) {
    Params p = new Params(NAME, values, KEYS);
    return new SnLoss(
        p.integer("k", DEFAULT_K),
        p.real("alpha", DEFAULT_ALPHA),
        p.real("w", DEFAULT_W),
        p.choice("squeeze", SQUEEZE_FARTHEST, List.of(SQUEEZE_FARTHEST, SQUEEZE_NEAREST)));
  }

  @Override
  public Map<String, Object> parameters() {
    return ordered("k", k, "alpha", alpha, "w", w, "squeeze", squeeze);
  }

  @Override
  public boolean usesSimilarity() {
    return true;
  }

  @Override
  Map<String, INDArray> parameterArrays(DataType dt) {
    return scalars(
        dt, "k", k, "alpha", alpha, "w", w, "squeeze", SQUEEZE_NEAREST.equals(squeeze) ? 1 : 0);
  }

  @Override
  Graph build(LossInputs in, Map<String, SDVariable> p) {
    SameDiff sd = in.sameDiff();
    SDVariable dist =
        sd.math().sqrt(sd.nn().relu(in.scores().mul(-2.0).add(2.0), 0.0).add(Numerics.DIST_EPS));
    SDVariable[] i2t = direction(in, dist, p);
    SDVariable[] t2i = direction(in, sd.transpose(dist), p);
    return new Graph(
        i2t[0].add(t2i[0]),
        parts(
            LossNames.I2T,
            i2t[0],
            LossNames.T2I,
            t2i[0],
            LossNames.SEPARATION,
            i2t[1].add(t2i[1]),
            LossNames.SQUEEZE,
            i2t[2].add(t2i[2])));
  }

  /** Rows of {@code d} are anchors. Returns {mean(sep + w·sq), mean(sep), mean(sq)}. */
  private static SDVariable[] direction(LossInputs in, SDVariable d, Map<String, SDVariable> p) {
    SameDiff sd = in.sameDiff();
    DataType dt = in.dataType();
    SDVariable pos = in.sameId(); // symmetric
    SDVariable neg = in.negatives();
    // rank_ij = #{l: d_il < d_ij} + #{l < j: d_il = d_ij}  (no gradient: comparisons)
    SDVariable fixed = in.noGradient(d);
    SDVariable dj = sd.expandDims(fixed, 2); // [N,N(j),1]
    SDVariable dl = sd.expandDims(fixed, 1); // [N,1,N(l)]
    SDVariable ties = sd.eq(dl, dj).castTo(dt).mul(in.indexBefore());
    SDVariable rank = sd.sum(sd.lt(dl, dj).castTo(dt), 2).add(sd.sum(ties, 2));
    SDVariable knn = sd.lt(rank, p.get("k")).castTo(dt);
    SDVariable posRank = rank.add(in.negativePenalty());
    SDVariable nearestPos = sd.eq(posRank, sd.min(posRank, true, 1)).castTo(dt);
    SDVariable support = sd.max(pos.mul(knn), nearestPos); // S⁺
    SDVariable all = support.add(neg.mul(knn)); // S⁺ ∪ S⁻
    SDVariable scaled = d.mul(p.get("alpha")).neg();
    SDVariable separation =
        maskedLogSumExp(in, scaled, all).sub(maskedLogSumExp(in, scaled, support));
    SDVariable farthest = sd.max(d.sub(in.negativePenalty()), 1);
    SDVariable nearest = sd.min(d.add(in.negativePenalty()), 1);
    SDVariable nearestFlag = p.get("squeeze");
    SDVariable sq = farthest.sub(nearest).mul(nearestFlag.rsub(1.0)).add(nearest.mul(nearestFlag));
    SDVariable perAnchor = separation.add(sq.mul(p.get("w")));
    return new SDVariable[] {sd.mean(perAnchor), sd.mean(separation), sd.mean(sq)};
  }

  /** log Σ_{mask} exp(v) per row [N]; every row's mask is non-empty. */
  private static SDVariable maskedLogSumExp(LossInputs in, SDVariable v, SDVariable mask) {
    SameDiff sd = in.sameDiff();
    SDVariable masked = v.add(mask.sub(1.0).mul(Numerics.BIG));
    SDVariable top = sd.max(masked, true, 1);
    return sd.math().log(sd.sum(sd.math().exp(masked.sub(top)), true, 1)).add(top).reshape(-1);
  }

  @Override
  public LossValue compute(LossArrays a) {
    double[][] s = a.scores();
    int n = s.length;
    double[][] d = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        d[i][j] = Math.sqrt(Math.max(0, 2 - 2 * s[i][j]) + Numerics.DIST_EPS);
      }
    }
    double[] i2t = direction(d, a.sameId());
    double[] t2i = direction(Eager.transpose(d), a.sameId());
    return new LossValue(
        NAME,
        i2t[0] + t2i[0],
        values(
            LossNames.I2T,
            i2t[0],
            LossNames.T2I,
            t2i[0],
            LossNames.SEPARATION,
            i2t[1] + t2i[1],
            LossNames.SQUEEZE,
            i2t[2] + t2i[2]));
  }

  private double[] direction(double[][] d, boolean[][] same) {
    int n = d.length;
    double total = 0;
    double sepTotal = 0;
    double sqTotal = 0;
    for (int i = 0; i < n; i++) {
      double[] row = d[i];
      boolean[] isPos = same[i];
      Integer[] order = new Integer[n];
      for (int j = 0; j < n; j++) {
        order[j] = j;
      }
      Arrays.sort(order, Comparator.comparingDouble((Integer j) -> row[j]).thenComparing(j -> j));
      int kk = Math.min(k, n);
      boolean[] support = new boolean[n];
      boolean[] inSet = new boolean[n];
      boolean anyPos = false;
      for (int r = 0; r < kk; r++) {
        int j = order[r];
        inSet[j] = true;
        support[j] = isPos[j];
        anyPos |= isPos[j];
      }
      if (!anyPos) {
        for (int r = 0; r < n; r++) {
          if (isPos[order[r]]) {
            support[order[r]] = true;
            inSet[order[r]] = true;
            break;
          }
        }
      }
      double sep = logSumExp(row, inSet) - logSumExp(row, support);
      double far = Double.NEGATIVE_INFINITY;
      double near = Double.POSITIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        if (isPos[j]) {
          far = Math.max(far, row[j]);
          near = Math.min(near, row[j]);
        }
      }
      double sq = SQUEEZE_NEAREST.equals(squeeze) ? near : far - near;
      total += sep + w * sq;
      sepTotal += sep;
      sqTotal += sq;
    }
    return new double[] {total / n, sepTotal / n, sqTotal / n};
  }

  /** log Σ_{j in set} exp(−α d_j). */
  private double logSumExp(double[] d, boolean[] set) {
    double top = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < d.length; j++) {
      if (set[j]) {
        top = Math.max(top, -alpha * d[j]);
      }
    }
    double s = 0;
    for (int j = 0; j < d.length; j++) {
      if (set[j]) {
        s += Math.exp(-alpha * d[j] - top);
      }
    }
    return top + Math.log(s);
  }
}
