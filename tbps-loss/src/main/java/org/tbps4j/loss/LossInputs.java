package org.tbps4j.loss;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The graph inputs of every loss: variables of one {@link SameDiff} graph, owned by the model.
 *
 * <ul>
 *   <li>{@code image} {@code X [N,D]}, floating point, raw (losses normalise where the definition
 *       says so);
 *   <li>{@code text} {@code T [N,D]}, same type; row {@code i} of X and T come from one sample;
 *   <li>{@code ids} {@code y [N]}, an integer type: person ids (any values, may repeat), or for the
 *       classifier losses class indices {@code 0..C-1} (an out-of-range index gives a zero one-hot
 *       row in the graph; the eager twin rejects it);
 *   <li>optional {@code classWeights} {@code W [D,C]} and {@code classBias} {@code b [C]}, the
 *       shared classifier ({@code instance} uses both; {@code cmpc} and {@code mam} normalise the
 *       columns of W and ignore b);
 *   <li>optional {@code similarity} {@code S [N,N]} (image i, text j): when given it replaces the
 *       global cosine {@code x̂_iᵀ t̂_j} in the similarity-based losses ({@code ranking}, {@code
 *       psw}, {@code sn}, {@code asm}, {@code sdm}), e.g. the ESA set similarity.
 * </ul>
 *
 * <p>Intermediate terms several losses need (normalised embeddings, the cosine matrix, the same-id
 * mask, hardest negatives, projections) are built once per {@code LossInputs} and shared by every
 * loss defined with it, so a {@link LossMix} computes them once. Build with {@link #builder()}.
 */
public final class LossInputs {
  private final SDVariable image;
  private final SDVariable text;
  private final SDVariable ids;
  private final SDVariable classWeights;
  private final SDVariable classBias;
  private final SDVariable similarity;
  private final Map<String, SDVariable> shared = new HashMap<>();

  private LossInputs(Builder b) {
    this.image = b.image;
    this.text = b.text;
    this.ids = b.ids;
    this.classWeights = b.classWeights;
    this.classBias = b.classBias;
    this.similarity = b.similarity;
  }

  /**
   * Starts a builder ({@code set*} required, {@code opt*} optional).
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The graph that owns every input.
   *
   * @return the graph
   */
  public SameDiff sameDiff() {
    return image.getSameDiff();
  }

  /**
   * The floating type of the embeddings; every constant the losses add has this type.
   *
   * @return FLOAT, DOUBLE or HALF
   */
  public DataType dataType() {
    return image.dataType();
  }

  /**
   * Image embeddings.
   *
   * @return {@code X [N,D]}
   */
  public SDVariable image() {
    return image;
  }

  /**
   * Text embeddings.
   *
   * @return {@code T [N,D]}
   */
  public SDVariable text() {
    return text;
  }

  /**
   * Person ids or class indices.
   *
   * @return {@code y [N]}, integer type
   */
  public SDVariable ids() {
    return ids;
  }

  /**
   * Shared classifier weights.
   *
   * @return {@code W [D,C]} if given
   */
  public Optional<SDVariable> classWeights() {
    return Optional.ofNullable(classWeights);
  }

  /**
   * Shared classifier bias.
   *
   * @return {@code b [C]} if given
   */
  public Optional<SDVariable> classBias() {
    return Optional.ofNullable(classBias);
  }

  /**
   * Precomputed similarity.
   *
   * @return {@code S [N,N]} (image i, text j) if given
   */
  public Optional<SDVariable> similarity() {
    return Optional.ofNullable(similarity);
  }

  // ---- shared terms (package-private; built once, on first use) ----

  private SDVariable memo(String key, Supplier<SDVariable> make) {
    SDVariable v = shared.get(key);
    if (v == null) {
      v = make.get();
      shared.put(key, v);
    }
    return v;
  }

  SDVariable scalar(double value) {
    return sameDiff().constant(Nd4j.scalar(dataType(), value));
  }

  /** {@code v / sqrt(|v|^2 + ε^2)} row-wise. */
  SDVariable unitRows(SDVariable v) {
    SameDiff sd = sameDiff();
    SDVariable sq = sd.sum(v.mul(v), true, 1);
    return v.div(sd.math().sqrt(sq.add(Numerics.NORM_EPS * Numerics.NORM_EPS)));
  }

  /** x̂ [N,D]. */
  SDVariable imageUnit() {
    return memo("imageUnit", () -> unitRows(image));
  }

  /** t̂ [N,D]. */
  SDVariable textUnit() {
    return memo("textUnit", () -> unitRows(text));
  }

  /** The global cosine x̂_iᵀ t̂_j [N,N]. */
  SDVariable cosine() {
    return memo("cosine", () -> sameDiff().mmul(imageUnit(), textUnit(), false, true, false));
  }

  /** The scores of the similarity-based losses: S if given, else the cosine [N,N]. */
  SDVariable scores() {
    return similarity != null ? similarity : cosine();
  }

  /** 1[y_i = y_j] [N,N] in the float type. */
  SDVariable sameId() {
    return memo(
        "sameId", () -> sameDiff().eq(ids.reshape(-1, 1), ids.reshape(1, -1)).castTo(dataType()));
  }

  /** 1[y_i ≠ y_j] [N,N]. */
  SDVariable negatives() {
    return memo("negatives", () -> sameId().rsub(1.0));
  }

  /** BIG·1[y_i = y_j] [N,N]: subtracted from scores so that positives never win a max. */
  SDVariable samePenalty() {
    return memo("samePenalty", () -> sameId().mul(Numerics.BIG));
  }

  /** BIG·1[y_i ≠ y_j] [N,N]: added to distances so that negatives never win a min. */
  SDVariable negativePenalty() {
    return memo("negativePenalty", () -> negatives().mul(Numerics.BIG));
  }

  /** 1[l < j] [N(j),N(l)] from the batch positions, for index tie-breaking. */
  SDVariable indexBefore() {
    return memo(
        "indexBefore",
        () -> {
          SameDiff sd = sameDiff();
          SDVariable index =
              sd.cumsum(sd.onesLike(ids).castTo(dataType()), false, false, 0).sub(1.0);
          return sd.lt(index.reshape(1, -1), index.reshape(-1, 1)).castTo(dataType());
        });
  }

  /** 1 if anchor i has at least one negative in the batch [N]. */
  SDVariable hasNegative() {
    return memo("hasNegative", () -> sameDiff().max(negatives(), 1));
  }

  /** s_ii of the scores [N]. */
  SDVariable positiveScores() {
    return memo("positiveScores", () -> sameDiff().math().diagPart(scores()));
  }

  /**
   * The hardest negative score per anchor, 0 for anchors without a negative [N]. {@code dim = 1}:
   * image anchors, {@code max_{j: y_j≠y_i} s_ij}; {@code dim = 0}: text anchors, {@code max_j
   * s_ji}.
   */
  SDVariable hardestNegative(int dim) {
    return memo(
        "hardestNegative" + dim,
        () -> {
          SDVariable masked = scores().sub(samePenalty());
          return sameDiff().max(masked, dim).mul(hasNegative());
        });
  }

  /** sum(v·mask) / max(1, sum(mask)) for [N] vectors. */
  SDVariable maskedMean(SDVariable values, SDVariable mask) {
    SameDiff sd = sameDiff();
    return sd.sum(values.mul(mask)).div(sd.max(sd.sum(mask), scalar(1.0)));
  }

  /** A value without gradient (stock {@code stop_gradient} op). */
  SDVariable noGradient(SDVariable v) {
    return new StopGradient(sameDiff(), v).outputVariable();
  }

  /** log(q_ij + ε) with q_ij = 1[y_i=y_j] / Σ_k 1[y_i=y_k], the CMPM/SDM target [N,N]. */
  SDVariable logMatchingTarget() {
    return memo(
        "logMatchingTarget",
        () -> {
          SameDiff sd = sameDiff();
          SDVariable q = sameId().div(sd.sum(sameId(), true, 1));
          return sd.math().log(q.add(Numerics.LOG_EPS));
        });
  }

  /** mean_i Σ_j p_ij (log p_ij − log(q_ij + ε)), p = softmax of each row of the logits [N,N]. */
  SDVariable matchingKl(SDVariable logits) {
    SameDiff sd = sameDiff();
    SDVariable logp = logSoftmax(logits);
    SDVariable p = sd.math().exp(logp);
    return sd.mean(sd.sum(p.mul(logp.sub(logMatchingTarget())), 1));
  }

  /** The number of classes C, from the static shape of W. */
  int numClasses(String loss) {
    long[] shape = requireClassWeights(loss).getShape();
    if (shape == null || shape.length != 2 || shape[1] <= 0) {
      throw new IllegalArgumentException(
          "loss '"
              + loss
              + "' needs class_weights W [D,C] with a known number of classes C, got shape "
              + Arrays.toString(shape));
    }
    return (int) shape[1];
  }

  SDVariable requireClassWeights(String loss) {
    if (classWeights == null) {
      throw new IllegalArgumentException(
          "loss '" + loss + "' needs class_weights W [D,C]; none were given");
    }
    return classWeights;
  }

  SDVariable requireClassBias(String loss) {
    if (classBias == null) {
      throw new IllegalArgumentException(
          "loss '" + loss + "' needs class_bias b [C]; none was given");
    }
    return classBias;
  }

  /** one-hot of the class indices [N,C]. */
  SDVariable classOneHot(String loss) {
    int c = numClasses(loss);
    return memo("classOneHot", () -> sameDiff().oneHot(ids, c, -1, 1.0, 0.0, dataType()));
  }

  /** W with unit columns, w_c / sqrt(|w_c|^2 + ε^2) [D,C]. */
  SDVariable unitClassWeights(String loss) {
    SDVariable w = requireClassWeights(loss);
    return memo(
        "unitClassWeights",
        () -> {
          SameDiff sd = sameDiff();
          SDVariable sq = sd.sum(w.mul(w), true, 0);
          return w.div(sd.math().sqrt(sq.add(Numerics.NORM_EPS * Numerics.NORM_EPS)));
        });
  }

  /** CMPC projection of each image onto its own caption, (x_iᵀ t̂_i) t̂_i [N,D]. */
  SDVariable imageProjection() {
    return memo(
        "imageProjection", () -> sameDiff().sum(image.mul(textUnit()), true, 1).mul(textUnit()));
  }

  /** CMPC projection of each caption onto its own image, (t_iᵀ x̂_i) x̂_i [N,D]. */
  SDVariable textProjection() {
    return memo(
        "textProjection", () -> sameDiff().sum(text.mul(imageUnit()), true, 1).mul(imageUnit()));
  }

  /** Mean softmax cross-entropy of logits [N,C] against one-hot rows [N,C] (last-axis softmax). */
  // ---- both directions in one pass: the image→text rows stacked over the text→image rows ----
  //
  // A loss that is the sum of two directions, each a mean over the N anchors of a per-row value
  // computed the same way, computes the 2N rows of both at once ([2N, …] instead of two [N, …]):
  // half the ops per step, which is what a small model's step time is made of
  // (docs/samediff-m2.1.md, note 14). The sum of the two means is twice the mean of the 2N rows.

  /** {@code [first; second]} along the rows. */
  SDVariable stack(SDVariable first, SDVariable second) {
    return sameDiff().concat(0, first, second);
  }

  /** The sum of the two directions' means of 2N stacked per-row values {@code [2N]}. */
  SDVariable directionsTotal(SDVariable rows) {
    return sameDiff().mean(rows).mul(2.0);
  }

  /**
   * The two directions' means of 2N stacked per-row values (for the named parts of a loss; not on
   * the training path unless a listener asks for them).
   */
  SDVariable[] directionMeans(SDVariable rows) {
    SameDiff sd = sameDiff();
    SDVariable[] halves = sd.split(rows, 2, 0);
    return new SDVariable[] {sd.mean(halves[0]), sd.mean(halves[1])};
  }

  SDVariable stackedClassOneHot(String loss) {
    SDVariable oneHot = classOneHot(loss);
    return memo("stackedClassOneHot", () -> stack(oneHot, oneHot));
  }

  SDVariable stackedProjections() {
    return memo("stackedProjections", () -> stack(imageProjection(), textProjection()));
  }

  /** {@code [p_i; p'_i] W̃}: the projection logits of both sides, {@code [2N, C]}. */
  SDVariable stackedProjectionLogits(String loss) {
    SDVariable w = unitClassWeights(loss);
    return memo(
        "stackedProjectionLogits", () -> sameDiff().mmul(stackedProjections(), w)); // [2N, C]
  }

  SDVariable stackedLogMatchingTarget() {
    return memo("stackedLogMatchingTarget", () -> stack(logMatchingTarget(), logMatchingTarget()));
  }

  SDVariable stackedHasNegative() {
    return memo("stackedHasNegative", () -> stack(hasNegative(), hasNegative()));
  }

  /** Positive scores of both directions (the diagonal, twice), {@code [2N]}. */
  SDVariable stackedPositiveScores() {
    return memo("stackedPositiveScores", () -> stack(positiveScores(), positiveScores()));
  }

  /**
   * Hardest negative of every image anchor (over texts) stacked over that of every text anchor
   * (over images), {@code [2N]}, 0 for an anchor without a negative.
   */
  SDVariable stackedHardestNegatives() {
    return memo(
        "stackedHardestNegatives",
        () -> {
          SameDiff sd = sameDiff();
          // the same-id mask is symmetric: one penalty for both halves
          SDVariable both = stack(scores(), sd.transpose(scores()));
          SDVariable masked = both.sub(stack(samePenalty(), samePenalty()));
          return sd.max(masked, 1).mul(stackedHasNegative());
        });
  }

  /** Per-row cross-entropy {@code −Σ_c onehot·log softmax(logits)}, {@code [rows]}. */
  SDVariable crossEntropyRows(SDVariable logits, SDVariable oneHot) {
    SameDiff sd = sameDiff();
    return sd.sum(logSoftmax(logits).mul(oneHot), 1).neg();
  }

  /** Per-row KL divergence of softmax(logits) from the matching target, {@code [rows]}. */
  SDVariable matchingKlRows(SDVariable logits, SDVariable logTarget) {
    SameDiff sd = sameDiff();
    SDVariable logp = logSoftmax(logits);
    SDVariable p = sd.math().exp(logp);
    return sd.sum(p.mul(logp.sub(logTarget)), 1);
  }

  SDVariable crossEntropy(SDVariable logits, SDVariable oneHot) {
    SameDiff sd = sameDiff();
    SDVariable logp = logSoftmax(logits);
    return sd.mean(sd.sum(logp.mul(oneHot), 1)).neg();
  }

  /**
   * Row-wise log-softmax of logits [N,K], computed as {@code z − log Σ exp(z)} with {@code z = v −
   * max_k v} so that it stays finite for any finite logits. The stock {@code log_softmax} op of
   * ND4J 1.0.0-M2.1 takes the log of the softmax: in float, a logit ~100 or more below its row's
   * maximum gets softmax 0 and log-probability −∞ (with a zero gradient), and −∞ times a zero (a
   * one-hot mask, CMPM's p·log p) is NaN. Raw-embedding losses such as CMPM reach such gaps once
   * the embeddings grow. The maximum carries no gradient (its contributions cancel exactly).
   */
  SDVariable logSoftmax(SDVariable logits) {
    SameDiff sd = sameDiff();
    SDVariable z = logits.sub(noGradient(sd.max(logits, true, 1)));
    return z.sub(sd.math().log(sd.sum(sd.math().exp(z), true, 1)));
  }

  /** Builds {@link LossInputs}; {@code set*} are required, {@code opt*} optional. */
  public static final class Builder {
    private SDVariable image;
    private SDVariable text;
    private SDVariable ids;
    private SDVariable classWeights;
    private SDVariable classBias;
    private SDVariable similarity;

    private Builder() {}

    /**
     * Image embeddings (required).
     *
     * @param x {@code X [N,D]}, floating point
     * @return this builder
     */
    public Builder setImage(SDVariable x) {
      this.image = x;
      return this;
    }

    /**
     * Text embeddings (required).
     *
     * @param t {@code T [N,D]}, the type of X
     * @return this builder
     */
    public Builder setText(SDVariable t) {
      this.text = t;
      return this;
    }

    /**
     * Person ids or class indices (required).
     *
     * @param y {@code y [N]}, an integer type
     * @return this builder
     */
    public Builder setIds(SDVariable y) {
      this.ids = y;
      return this;
    }

    /**
     * Shared classifier weights and bias (for {@code instance}, {@code cmpc}, {@code mam}).
     *
     * @param w {@code W [D,C]}
     * @param b {@code b [C]}, may be null when only cmpc/mam are used
     * @return this builder
     */
    public Builder optClassifier(SDVariable w, SDVariable b) {
      this.classWeights = w;
      this.classBias = b;
      return this;
    }

    /**
     * A precomputed similarity replacing the global cosine in the similarity-based losses.
     *
     * @param s {@code S [N,N]} (image i, text j), the type of X
     * @return this builder
     */
    public Builder optSimilarity(SDVariable s) {
      this.similarity = s;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the inputs
     * @throws IllegalArgumentException for a missing required input, inputs of different graphs,
     *     wrong types or statically known wrong ranks/shapes
     */
    public LossInputs build() {
      require(image, "image (X [N,D])");
      require(text, "text (T [N,D])");
      require(ids, "ids (y [N])");
      SameDiff sd = image.getSameDiff();
      DataType dt = image.dataType();
      if (!dt.isFPType()) {
        throw new IllegalArgumentException("image must be floating point, got " + dt);
      }
      checkVar("text", text, sd, dt, 2);
      if (!ids.dataType().isIntType()) {
        throw new IllegalArgumentException(
            "ids must have an integer type (INT/LONG), got " + ids.dataType());
      }
      if (ids.getSameDiff() != sd) {
        throw new IllegalArgumentException("ids belong to another SameDiff graph than image");
      }
      checkRank("image", image, 2);
      checkRank("ids", ids, 1);
      long[] xs = image.getShape();
      long[] ts = text.getShape();
      if (known(xs) && known(ts) && xs.length == 2 && ts.length == 2 && !Arrays.equals(xs, ts)) {
        throw new IllegalArgumentException(
            "text has shape "
                + Arrays.toString(ts)
                + " but image has "
                + Arrays.toString(xs)
                + "; both must be [N,D]");
      }
      if (classWeights != null) {
        checkVar("class_weights", classWeights, sd, dt, 2);
        long[] ws = classWeights.getShape();
        if (xs != null
            && xs.length == 2
            && xs[1] > 0
            && ws != null
            && ws[0] > 0
            && ws[0] != xs[1]) {
          throw new IllegalArgumentException(
              "class_weights has shape "
                  + Arrays.toString(ws)
                  + " but the embeddings have D = "
                  + xs[1]
                  + "; expected [D,C]");
        }
      }
      if (classBias != null) {
        if (classWeights == null) {
          throw new IllegalArgumentException("class_bias was given without class_weights");
        }
        checkVar("class_bias", classBias, sd, dt, 1);
        long[] ws = classWeights.getShape();
        long[] bs = classBias.getShape();
        if (ws != null && bs != null && ws[1] > 0 && bs[0] > 0 && bs[0] != ws[1]) {
          throw new IllegalArgumentException(
              "class_bias has shape "
                  + Arrays.toString(bs)
                  + " but class_weights has C = "
                  + ws[1]
                  + "; expected [C]");
        }
      }
      if (similarity != null) {
        checkVar("similarity", similarity, sd, dt, 2);
      }
      return new LossInputs(this);
    }

    private static boolean known(long[] shape) {
      if (shape == null) {
        return false;
      }
      for (long s : shape) {
        if (s < 0) {
          return false;
        }
      }
      return true;
    }

    private static void require(SDVariable v, String what) {
      if (v == null) {
        throw new IllegalArgumentException("LossInputs: " + what + " is required");
      }
    }

    private static void checkVar(String name, SDVariable v, SameDiff sd, DataType dt, int rank) {
      if (v.getSameDiff() != sd) {
        throw new IllegalArgumentException(name + " belongs to another SameDiff graph than image");
      }
      if (v.dataType() != dt) {
        throw new IllegalArgumentException(
            name + " has type " + v.dataType() + " but image has " + dt + "; they must match");
      }
      checkRank(name, v, rank);
    }

    private static void checkRank(String name, SDVariable v, int rank) {
      long[] shape = v.getShape();
      if (shape != null && shape.length != rank) {
        throw new IllegalArgumentException(
            name + " must have rank " + rank + ", got shape " + Arrays.toString(shape));
      }
    }
  }
}
