package org.tbps4j.loss;

import java.util.function.DoubleBinaryOperator;

/**
 * Plain float64 building blocks of the eager twins: written as the obvious loops, independent of
 * the SameDiff compositions they are compared with.
 */
final class Eager {
  private Eager() {}

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      s += a[k] * b[k];
    }
    return s;
  }

  /** Each row divided by sqrt(|row|^2 + ε^2). */
  static double[][] unitRows(double[][] v) {
    double[][] out = new double[v.length][];
    for (int i = 0; i < v.length; i++) {
      double n = Math.sqrt(dot(v[i], v[i]) + Numerics.NORM_EPS * Numerics.NORM_EPS);
      out[i] = new double[v[i].length];
      for (int k = 0; k < v[i].length; k++) {
        out[i][k] = v[i][k] / n;
      }
    }
    return out;
  }

  /** a bᵀ: out[i][j] = a_i · b_j. */
  static double[][] timesTransposed(double[][] a, double[][] b) {
    double[][] out = new double[a.length][b.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < b.length; j++) {
        out[i][j] = dot(a[i], b[j]);
      }
    }
    return out;
  }

  /** a b for a [N,D], b [D,C]. */
  static double[][] times(double[][] a, double[][] b) {
    int c = b[0].length;
    double[][] out = new double[a.length][c];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < c; j++) {
        double s = 0;
        for (int k = 0; k < b.length; k++) {
          s += a[i][k] * b[k][j];
        }
        out[i][j] = s;
      }
    }
    return out;
  }

  static double[][] transpose(double[][] a) {
    double[][] out = new double[a[0].length][a.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        out[j][i] = a[i][j];
      }
    }
    return out;
  }

  /** log softmax of one row, stable. */
  static double[] logSoftmax(double[] z) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      m = Math.max(m, v);
    }
    double s = 0;
    for (double v : z) {
      s += Math.exp(v - m);
    }
    double lse = m + Math.log(s);
    double[] out = new double[z.length];
    for (int j = 0; j < z.length; j++) {
      out[j] = z[j] - lse;
    }
    return out;
  }

  /** Mean over rows of −log softmax(z_i)[y_i]. */
  static double crossEntropy(double[][] logits, int[] y) {
    double s = 0;
    for (int i = 0; i < logits.length; i++) {
      s -= logSoftmax(logits[i])[y[i]];
    }
    return s / logits.length;
  }

  /** Columns of w divided by sqrt(|w_c|^2 + ε^2). */
  static double[][] unitColumns(double[][] w) {
    return transpose(unitRows(transpose(w)));
  }

  /** (a_i · û_i) û_i: projection of each row of a onto the unit row of u of the same index. */
  static double[][] projectRows(double[][] a, double[][] unit) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      double d = dot(a[i], unit[i]);
      out[i] = new double[a[i].length];
      for (int k = 0; k < a[i].length; k++) {
        out[i][k] = d * unit[i][k];
      }
    }
    return out;
  }

  /**
   * Distribution-matching KL per direction (CMPM, SDM): mean over rows i of Σ_j p_ij (log p_ij −
   * log(q_ij + ε)), p = softmax(logits_i), q_ij = 1[same] / |{k: same_ik}|.
   */
  static double matchingKl(double[][] logits, boolean[][] same) {
    double total = 0;
    for (int i = 0; i < logits.length; i++) {
      double[] logp = logSoftmax(logits[i]);
      int count = 0;
      for (boolean b : same[i]) {
        count += b ? 1 : 0;
      }
      double row = 0;
      for (int j = 0; j < logp.length; j++) {
        double q = same[i][j] ? 1.0 / count : 0.0;
        row += Math.exp(logp[j]) * (logp[j] - Math.log(q + Numerics.LOG_EPS));
      }
      total += row;
    }
    return total / logits.length;
  }

  /**
   * Mean over anchors of {@code term(s_ii, hardest negative)} in one direction (ranking, PSW): the
   * anchors are the rows of {@code s} (image anchors) or its columns ({@code textAnchors}); the
   * positive is the diagonal, the hardest negative the largest score with a different id; anchors
   * without a negative are left out (0 when none has one).
   */
  static double hardestNegativeMean(
      double[][] s, boolean[][] same, boolean textAnchors, DoubleBinaryOperator term) {
    double sum = 0;
    int anchors = 0;
    for (int i = 0; i < s.length; i++) {
      double hardest = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < s.length; j++) {
        if (!same[i][j]) {
          hardest = Math.max(hardest, textAnchors ? s[j][i] : s[i][j]);
        }
      }
      if (hardest != Double.NEGATIVE_INFINITY) {
        anchors++;
        sum += term.applyAsDouble(s[i][i], hardest);
      }
    }
    return anchors == 0 ? 0 : sum / anchors;
  }
}
