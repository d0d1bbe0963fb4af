package org.tbps4j.text;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Token-level features of a batch of captions: the tower's last hidden state {@code [N, L, dim]}
 * (row-major) and each caption's number of real tokens ({@code [CLS]} and {@code [SEP]} included).
 * Positions at and after a caption's length are padding and hold zeros.
 *
 * @param count {@code N}
 * @param length {@code L}, the padded length
 * @param dim the feature size (384 for MiniLM-L6)
 * @param values {@code N·L·dim} values
 * @param lengths {@code N} real lengths, each in {@code [1, L]}
 */
public record TokenFeatures(int count, int length, int dim, float[] values, int[] lengths) {

  /** Validates the sizes. */
  public TokenFeatures {
    if (values.length != (long) count * length * dim || lengths.length != count) {
      throw new IllegalArgumentException(
          "values "
              + values.length
              + " / lengths "
              + lengths.length
              + " do not fit ["
              + count
              + ", "
              + length
              + ", "
              + dim
              + "]");
    }
    for (int len : lengths) {
      if (len < 1 || len > length) {
        throw new IllegalArgumentException("length " + len + " outside [1, " + length + "]");
      }
    }
  }

  /**
   * The attention mask: 1 at real tokens, 0 at padding.
   *
   * @return {@code N·L} values, row-major
   */
  public float[] mask() {
    float[] m = new float[count * length];
    for (int i = 0; i < count; i++) {
      Arrays.fill(m, i * length, i * length + lengths[i], 1f);
    }
    return m;
  }

  /**
   * The features as an ND4J array.
   *
   * @param type FLOAT or DOUBLE
   * @return {@code [N, L, dim]}
   */
  public INDArray featuresArray(DataType type) {
    INDArray a = Nd4j.create(values, new long[] {count, length, dim}, 'c');
    return type == DataType.FLOAT ? a : a.castTo(type);
  }

  /**
   * The mask as an ND4J array.
   *
   * @param type FLOAT or DOUBLE
   * @return {@code [N, L]}
   */
  public INDArray maskArray(DataType type) {
    INDArray a = Nd4j.create(mask(), new long[] {count, length}, 'c');
    return type == DataType.FLOAT ? a : a.castTo(type);
  }

  /**
   * One caption's real tokens.
   *
   * @param i caption index
   * @return {@code lengths[i]·dim} values, row-major {@code [tokens, dim]}
   */
  public float[] row(int i) {
    int from = i * length * dim;
    return Arrays.copyOfRange(values, from, from + lengths[i] * dim);
  }

  /**
   * The sentence embedding of sentence-transformers' all-MiniLM-L6-v2 (mean pooling over the real
   * tokens, then L2 normalisation): a sanity check of the features, not the trained text path.
   *
   * @return {@code [N][dim]}, each of unit length
   */
  public float[][] sentenceEmbeddings() {
    float[][] out = new float[count][dim];
    for (int i = 0; i < count; i++) {
      double[] sum = new double[dim];
      for (int t = 0; t < lengths[i]; t++) {
        int base = (i * length + t) * dim;
        for (int d = 0; d < dim; d++) {
          sum[d] += values[base + d];
        }
      }
      double norm = 0;
      for (int d = 0; d < dim; d++) {
        sum[d] /= lengths[i];
        norm += sum[d] * sum[d];
      }
      double inv = 1.0 / Math.max(Math.sqrt(norm), 1e-12);
      for (int d = 0; d < dim; d++) {
        out[i][d] = (float) (sum[d] * inv);
      }
    }
    return out;
  }
}
