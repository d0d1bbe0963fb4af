package org.tbps4j.loss;

import java.util.Arrays;
import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The eager inputs of every loss: the same arrays as {@link LossInputs}, as INDArrays (float32 or
 * float64; the eager twins compute in float64 whatever the input type).
 *
 * <ul>
 *   <li>{@code image} {@code X [N,D]}, {@code text} {@code T [N,D]}, raw;
 *   <li>{@code ids} {@code y [N]}: person ids (any values, may repeat) or, for the classifier
 *       losses, class indices {@code 0..C-1};
 *   <li>optional {@code class_weights} {@code W [D,C]} and {@code class_bias} {@code b [C]};
 *   <li>optional {@code similarity} {@code S [N,N]} (image i, text j) replacing the cosine in the
 *       similarity-based losses.
 * </ul>
 *
 * <p>The builder validates ranks, shapes, finiteness and types; messages name the array with the
 * keys of {@code tbps loss-value}'s JSON ({@code image}, {@code text}, {@code ids}, {@code
 * class_weights}, {@code class_bias}, {@code similarity}). Immutable: the arrays are copied.
 */
public final class LossArrays {
  private final double[][] image;
  private final double[][] text;
  private final long[] ids;
  private final double[][] classWeights;
  private final double[] classBias;
  private final double[][] similarity;

  private double[][] imageUnit;
  private double[][] textUnit;
  private double[][] scores;
  private boolean[][] same;

  private LossArrays(
      double[][] image,
      double[][] text,
      long[] ids,
      double[][] classWeights,
      double[] classBias,
      double[][] similarity) {
    this.image = image;
    this.text = text;
    this.ids = ids;
    this.classWeights = classWeights;
    this.classBias = classBias;
    this.similarity = similarity;
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
   * Batch size.
   *
   * @return N
   */
  public int size() {
    return ids.length;
  }

  /**
   * Embedding dimension.
   *
   * @return D
   */
  public int dimension() {
    return image[0].length;
  }

  /**
   * The ids.
   *
   * @return a copy of {@code y [N]}
   */
  public long[] ids() {
    return ids.clone();
  }

  /**
   * Whether classifier weights were given.
   *
   * @return true when {@code class_weights} is present
   */
  public boolean hasClassifier() {
    return classWeights != null;
  }

  /**
   * Whether a precomputed similarity was given.
   *
   * @return true when {@code similarity} is present
   */
  public boolean hasSimilarity() {
    return similarity != null;
  }

  /**
   * The number of classes.
   *
   * @return C, if {@code class_weights} were given
   */
  public Optional<Integer> numClasses() {
    return classWeights == null ? Optional.empty() : Optional.of(classWeights[0].length);
  }

  // ---- package-private access for the eager twins (never modified) ----

  double[][] image() {
    return image;
  }

  double[][] text() {
    return text;
  }

  long[] idArray() {
    return ids;
  }

  synchronized double[][] imageUnit() {
    if (imageUnit == null) {
      imageUnit = Eager.unitRows(image);
    }
    return imageUnit;
  }

  synchronized double[][] textUnit() {
    if (textUnit == null) {
      textUnit = Eager.unitRows(text);
    }
    return textUnit;
  }

  /** S if given, else the cosine x̂_iᵀ t̂_j. */
  synchronized double[][] scores() {
    if (scores == null) {
      scores = similarity != null ? similarity : Eager.timesTransposed(imageUnit(), textUnit());
    }
    return scores;
  }

  synchronized boolean[][] sameId() {
    if (same == null) {
      int n = ids.length;
      same = new boolean[n][n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          same[i][j] = ids[i] == ids[j];
        }
      }
    }
    return same;
  }

  double[][] classWeightsOrNull() {
    return classWeights;
  }

  double[] classBiasOrNull() {
    return classBias;
  }

  double[][] similarityOrNull() {
    return similarity;
  }

  double[][] requireClassWeights(String loss) {
    if (classWeights == null) {
      throw new IllegalArgumentException(
          "loss '" + loss + "' needs class_weights W [D,C]; none were given");
    }
    return classWeights;
  }

  double[] requireClassBias(String loss) {
    if (classBias == null) {
      throw new IllegalArgumentException(
          "loss '" + loss + "' needs class_bias b [C]; none was given");
    }
    return classBias;
  }

  /** The ids as class indices, checked against C. */
  int[] classIndices(String loss) {
    int c = requireClassWeights(loss)[0].length;
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= c) {
        throw new IllegalArgumentException(
            "ids["
                + i
                + "] = "
                + ids[i]
                + " is not a class index in 0.."
                + (c - 1)
                + " (loss '"
                + loss
                + "' uses ids as class indices of class_weights [D,"
                + c
                + "])");
      }
      out[i] = (int) ids[i];
    }
    return out;
  }

  /** Builds {@link LossArrays}; {@code set*} are required, {@code opt*} optional. */
  public static final class Builder {
    private INDArray image;
    private INDArray text;
    private long[] ids;
    private INDArray classWeights;
    private INDArray classBias;
    private INDArray similarity;

    private Builder() {}

    /**
     * Image embeddings (required).
     *
     * @param x {@code X [N,D]}, float32 or float64
     * @return this builder
     */
    public Builder setImage(INDArray x) {
      this.image = x;
      return this;
    }

    /**
     * Text embeddings (required).
     *
     * @param t {@code T [N,D]}
     * @return this builder
     */
    public Builder setText(INDArray t) {
      this.text = t;
      return this;
    }

    /**
     * Ids (required).
     *
     * @param y {@code y [N]}, any values
     * @return this builder
     */
    public Builder setIds(long... y) {
      this.ids = y == null ? null : y.clone();
      return this;
    }

    /**
     * Ids (required) from an integer array.
     *
     * @param y {@code y [N]}, integer type (or integral floating values)
     * @return this builder
     */
    public Builder setIds(INDArray y) {
      if (y == null) {
        this.ids = null;
        return this;
      }
      if (y.rank() > 1 && !(y.rank() == 2 && (y.rows() == 1 || y.columns() == 1))) {
        throw new IllegalArgumentException(
            "ids must be a vector [N], got shape " + Arrays.toString(y.shape()));
      }
      long[] out = new long[(int) y.length()];
      for (int i = 0; i < out.length; i++) {
        double v = y.getDouble(i);
        if (v != Math.rint(v)) {
          throw new IllegalArgumentException("ids[" + i + "] = " + v + " is not an integer");
        }
        out[i] = y.getLong(i);
      }
      this.ids = out;
      return this;
    }

    /**
     * Shared classifier weights and bias.
     *
     * @param w {@code W [D,C]}
     * @param b {@code b [C]} (or {@code [1,C]}), may be null when only cmpc/mam are used
     * @return this builder
     */
    public Builder optClassifier(INDArray w, INDArray b) {
      this.classWeights = w;
      this.classBias = b;
      return this;
    }

    /**
     * A precomputed similarity replacing the global cosine in the similarity-based losses.
     *
     * @param s {@code S [N,N]} (image i, text j)
     * @return this builder
     */
    public Builder optSimilarity(INDArray s) {
      this.similarity = s;
      return this;
    }

    /**
     * Validates, copies to float64 and builds.
     *
     * @return the arrays
     * @throws IllegalArgumentException naming the array for a missing input, a wrong rank or shape,
     *     a non-floating type or a non-finite value
     */
    public LossArrays build() {
      double[][] x = matrix("image", image);
      double[][] t = matrix("text", text);
      if (x.length == 0 || x[0].length == 0) {
        throw new IllegalArgumentException(
            "image is empty (shape "
                + Arrays.toString(image.shape())
                + "); expected [N,D], N, D ≥ 1");
      }
      if (t.length != x.length || t[0].length != x[0].length) {
        throw new IllegalArgumentException(
            "text has shape "
                + Arrays.toString(text.shape())
                + " but image has "
                + Arrays.toString(image.shape())
                + "; both must be [N,D]");
      }
      if (ids == null) {
        throw new IllegalArgumentException("ids (y [N]) are required");
      }
      if (ids.length != x.length) {
        throw new IllegalArgumentException(
            "ids has " + ids.length + " entries but image has N = " + x.length + " rows");
      }
      double[][] w = null;
      double[] b = null;
      if (classWeights != null) {
        w = matrix("class_weights", classWeights);
        if (w.length != x[0].length || w[0].length == 0) {
          throw new IllegalArgumentException(
              "class_weights has shape "
                  + Arrays.toString(classWeights.shape())
                  + " but the embeddings have D = "
                  + x[0].length
                  + "; expected [D,C], C ≥ 1");
        }
      }
      if (classBias != null) {
        if (w == null) {
          throw new IllegalArgumentException("class_bias was given without class_weights");
        }
        double[][] bm =
            matrix("class_bias", classBias.rank() == 1 ? classBias.reshape(1, -1) : classBias);
        if (bm.length != 1 || bm[0].length != w[0].length) {
          throw new IllegalArgumentException(
              "class_bias has shape "
                  + Arrays.toString(classBias.shape())
                  + " but class_weights has C = "
                  + w[0].length
                  + "; expected [C]");
        }
        b = bm[0];
      }
      double[][] s = null;
      if (similarity != null) {
        s = matrix("similarity", similarity);
        if (s.length != x.length || s[0].length != x.length) {
          throw new IllegalArgumentException(
              "similarity has shape "
                  + Arrays.toString(similarity.shape())
                  + " but N = "
                  + x.length
                  + "; expected [N,N]");
        }
      }
      return new LossArrays(x, t, ids.clone(), w, b, s);
    }

    private static double[][] matrix(String name, INDArray a) {
      if (a == null) {
        throw new IllegalArgumentException(name + " is required");
      }
      if (!a.dataType().isFPType()) {
        throw new IllegalArgumentException(
            name + " must be float32 or float64, got " + a.dataType());
      }
      if (a.rank() != 2) {
        throw new IllegalArgumentException(
            name + " must be a 2-D array, got shape " + Arrays.toString(a.shape()));
      }
      double[][] out = a.castTo(DataType.DOUBLE).toDoubleMatrix();
      for (int i = 0; i < out.length; i++) {
        for (int j = 0; j < out[i].length; j++) {
          if (!Double.isFinite(out[i][j])) {
            throw new IllegalArgumentException(
                name + "[" + i + "][" + j + "] is " + out[i][j] + " (not finite)");
          }
        }
      }
      return out;
    }
  }
}
