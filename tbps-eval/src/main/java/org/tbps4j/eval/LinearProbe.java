package org.tbps4j.eval;

/**
 * A linear probe: how much of a categorical property an embedding encodes linearly. A ridge
 * regression onto one-hot targets, {@code W = (XᵀX + λI)⁻¹ XᵀY} with a bias column appended to
 * {@code X}, is fitted on one set of embeddings and predicts {@code argmax(xW)} on another. The
 * accuracy is reported with the majority baseline: the share of the evaluated labels equal to the
 * most frequent label of the fitted set, which is what a probe that reads nothing scores.
 *
 * <p>Least squares instead of logistic regression: closed form, no iterations, no learning rate,
 * deterministic; for the question "is the property there, linearly?" the two agree closely at these
 * sizes (a few hundred dimensions, a few thousand rows).
 */
public final class LinearProbe {

  /**
   * Probe outcome.
   *
   * @param accuracy share of evaluated rows whose predicted class is their label, 0–1
   * @param majority share of evaluated rows whose label is the fitted set's most frequent one
   * @param fitted rows fitted
   * @param evaluated rows evaluated
   */
  public record Result(double accuracy, double majority, int fitted, int evaluated) {}

  private LinearProbe() {}

  /**
   * Fits on one set and evaluates on another.
   *
   * @param fitX fitted embeddings, one row each, all of dimension D
   * @param fitY their classes in {@code 0..classes−1}
   * @param evalX evaluated embeddings, dimension D
   * @param evalY their classes
   * @param classes number of classes, at least 2
   * @param ridge λ &gt; 0
   * @return accuracy and the majority baseline
   * @throws IllegalArgumentException for empty sets, mismatched lengths or dimensions, a label
   *     outside the classes, fewer than 2 classes or λ ≤ 0
   */
  public static Result evaluate(
      double[][] fitX, int[] fitY, double[][] evalX, int[] evalY, int classes, double ridge) {
    if (classes < 2) {
      throw new IllegalArgumentException("a probe needs at least 2 classes, got " + classes);
    }
    if (!(ridge > 0)) {
      throw new IllegalArgumentException("ridge must be > 0, got " + ridge);
    }
    int d = checkRows("fitted", fitX, fitY, classes, -1);
    checkRows("evaluated", evalX, evalY, classes, d);
    double[][] w = fit(fitX, fitY, classes, ridge);
    int correct = 0;
    for (int i = 0; i < evalX.length; i++) {
      if (predict(w, evalX[i]) == evalY[i]) {
        correct++;
      }
    }
    int[] counts = new int[classes];
    for (int y : fitY) {
      counts[y]++;
    }
    int major = 0;
    for (int c = 1; c < classes; c++) {
      if (counts[c] > counts[major]) {
        major = c;
      }
    }
    int same = 0;
    for (int y : evalY) {
      if (y == major) {
        same++;
      }
    }
    return new Result(
        (double) correct / evalX.length, (double) same / evalX.length, fitX.length, evalX.length);
  }

  /**
   * The ridge weights {@code [(D+1), classes]}, the last row being the bias.
   *
   * @param x embeddings
   * @param y classes
   * @param classes number of classes
   * @param ridge λ
   * @return the weights
   */
  static double[][] fit(double[][] x, int[] y, int classes, double ridge) {
    int d = x[0].length + 1;
    double[][] a = new double[d][d];
    double[][] b = new double[d][classes];
    double[] row = new double[d];
    for (int i = 0; i < x.length; i++) {
      System.arraycopy(x[i], 0, row, 0, d - 1);
      row[d - 1] = 1;
      for (int p = 0; p < d; p++) {
        double v = row[p];
        if (v == 0) {
          continue;
        }
        double[] ap = a[p];
        for (int q = p; q < d; q++) {
          ap[q] += v * row[q];
        }
        b[p][y[i]] += v;
      }
    }
    for (int p = 0; p < d; p++) {
      for (int q = 0; q < p; q++) {
        a[p][q] = a[q][p];
      }
      a[p][p] += ridge;
    }
    return solveSpd(a, b);
  }

  /**
   * Solves {@code A X = B} for a symmetric positive definite {@code A} by Cholesky factorisation.
   *
   * @param a {@code [n, n]}, symmetric positive definite (not modified)
   * @param b {@code [n, m]} (not modified)
   * @return {@code X} {@code [n, m]}
   * @throws IllegalArgumentException when {@code A} is not positive definite
   */
  static double[][] solveSpd(double[][] a, double[][] b) {
    int n = a.length;
    double[][] l = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i][j];
        for (int k = 0; k < j; k++) {
          s -= l[i][k] * l[j][k];
        }
        if (i == j) {
          if (!(s > 0)) {
            throw new IllegalArgumentException("matrix is not positive definite (pivot " + i + ")");
          }
          l[i][i] = Math.sqrt(s);
        } else {
          l[i][j] = s / l[j][j];
        }
      }
    }
    int m = b[0].length;
    double[][] x = new double[n][m];
    for (int c = 0; c < m; c++) {
      double[] z = new double[n];
      for (int i = 0; i < n; i++) { // L z = b
        double s = b[i][c];
        for (int k = 0; k < i; k++) {
          s -= l[i][k] * z[k];
        }
        z[i] = s / l[i][i];
      }
      for (int i = n - 1; i >= 0; i--) { // Lᵀ x = z
        double s = z[i];
        for (int k = i + 1; k < n; k++) {
          s -= l[k][i] * x[k][c];
        }
        x[i][c] = s / l[i][i];
      }
    }
    return x;
  }

  private static int predict(double[][] w, double[] x) {
    int d = x.length;
    int best = 0;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < w[0].length; c++) {
      double s = w[d][c];
      for (int p = 0; p < d; p++) {
        s += x[p] * w[p][c];
      }
      if (s > bestScore) {
        bestScore = s;
        best = c;
      }
    }
    return best;
  }

  private static int checkRows(String what, double[][] x, int[] y, int classes, int dim) {
    if (x.length == 0) {
      throw new IllegalArgumentException("no " + what + " rows");
    }
    if (x.length != y.length) {
      throw new IllegalArgumentException(
          what + ": " + x.length + " embeddings but " + y.length + " labels");
    }
    int d = dim < 0 ? x[0].length : dim;
    for (int i = 0; i < x.length; i++) {
      if (x[i].length != d) {
        throw new IllegalArgumentException(
            what + " row " + i + " has dimension " + x[i].length + ", expected " + d);
      }
      if (y[i] < 0 || y[i] >= classes) {
        throw new IllegalArgumentException(
            what + " row " + i + ": label " + y[i] + " is outside 0.." + (classes - 1));
      }
    }
    return d;
  }
}
