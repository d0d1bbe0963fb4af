package org.tbps4j.model.search;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.tbps4j.eval.ChunkedRetrieval;

/**
 * ESA set similarity, eagerly (the same formula as the graph's {@code esa/similarity}).
 *
 * <p>For L2-normalised sets {@code v_1..v_M} (one item) and {@code u_1..u_M} (another): {@code
 * S_set = ½[(1/M) Σ_a max_b v_aᵀu_b + (1/M) Σ_b max_a v_aᵀu_b]}, symmetric in the two items. The
 * retrieval score is {@code s_global + λ·S_set} with {@code s_global} the cosine of the global
 * embeddings. Gallery sets are precomputed, so a chunk of queries costs one {@code [q·M, D] × [D,
 * G·M]} product plus two max/mean reductions.
 */
public final class SetSimilarity {
  private SetSimilarity() {}

  /**
   * Set similarity of every query against every gallery item.
   *
   * @param querySets normalised {@code [Q, M, D]}
   * @param gallerySets normalised {@code [G, M, D]}
   * @return FLOAT {@code [Q, G]}
   */
  public static INDArray matrix(INDArray querySets, INDArray gallerySets) {
    check(querySets, gallerySets);
    long q = querySets.size(0);
    long g = gallerySets.size(0);
    long m = querySets.size(1);
    long d = querySets.size(2);
    INDArray qs = querySets.castTo(DataType.FLOAT).reshape('c', q * m, d);
    INDArray gs = gallerySets.castTo(DataType.FLOAT).reshape('c', g * m, d);
    INDArray sim = qs.mmul(gs.transpose()).reshape('c', q, m, g, m); // [q, b, g, a]
    INDArray querySide = sim.max(3).mean(1); // Σ_b max_a
    INDArray gallerySide = sim.max(1).mean(2); // Σ_a max_b
    return querySide.addi(gallerySide).muli(0.5);
  }

  /**
   * A chunked scorer: {@code s_global + λ·S_set} of queries {@code [from, to)} against the whole
   * gallery.
   *
   * @param queryGlobal normalised {@code [Q, D]}
   * @param querySets normalised {@code [Q, M, D]}
   * @param galleryGlobal normalised {@code [G, D]}
   * @param gallerySets normalised {@code [G, M, D]}
   * @param lambda weight of the set similarity
   * @return the scorer for {@link ChunkedRetrieval}
   */
  public static ChunkedRetrieval.Scorer scorer(
      INDArray queryGlobal,
      INDArray querySets,
      INDArray galleryGlobal,
      INDArray gallerySets,
      double lambda) {
    check(querySets, gallerySets);
    INDArray qg = queryGlobal.castTo(DataType.FLOAT);
    INDArray gg = galleryGlobal.castTo(DataType.FLOAT);
    return (from, to) -> {
      INDArray global =
          qg.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).mmul(gg.transpose());
      INDArray sets =
          matrix(
              querySets.get(
                  NDArrayIndex.interval(from, to), NDArrayIndex.all(), NDArrayIndex.all()),
              gallerySets);
      return global.addi(sets.muli(lambda));
    };
  }

  private static void check(INDArray querySets, INDArray gallerySets) {
    if (querySets.rank() != 3
        || gallerySets.rank() != 3
        || querySets.size(1) != gallerySets.size(1)
        || querySets.size(2) != gallerySets.size(2)) {
      throw new IllegalArgumentException(
          "sets must be [Q, M, D] and [G, M, D] with equal M and D, got "
              + Arrays.toString(querySets.shape())
              + " and "
              + Arrays.toString(gallerySets.shape()));
    }
  }

  /**
   * The slow, obvious formula for one pair (reference for tests).
   *
   * @param v normalised {@code [M, D]}
   * @param u normalised {@code [M, D]}
   * @return {@code S_set(v, u)}
   */
  public static double pair(INDArray v, INDArray u) {
    int m = (int) v.size(0);
    double[][] dot = new double[m][m];
    for (int a = 0; a < m; a++) {
      for (int b = 0; b < m; b++) {
        dot[a][b] =
            v.getRow(a)
                .castTo(DataType.DOUBLE)
                .mul(u.getRow(b).castTo(DataType.DOUBLE))
                .sumNumber()
                .doubleValue();
      }
    }
    double left = 0;
    double right = 0;
    for (int a = 0; a < m; a++) {
      double best = Double.NEGATIVE_INFINITY;
      for (int b = 0; b < m; b++) {
        best = Math.max(best, dot[a][b]);
      }
      left += best;
    }
    for (int b = 0; b < m; b++) {
      double best = Double.NEGATIVE_INFINITY;
      for (int a = 0; a < m; a++) {
        best = Math.max(best, dot[a][b]);
      }
      right += best;
    }
    return 0.5 * (left / m + right / m);
  }
}
