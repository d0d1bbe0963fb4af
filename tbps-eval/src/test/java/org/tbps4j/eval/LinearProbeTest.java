package org.tbps4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearProbeTest {

  /** Gaussian elimination with partial pivoting: the slow, obvious solver. */
  private static double[][] gauss(double[][] a0, double[][] b0) {
    int n = a0.length;
    int m = b0[0].length;
    double[][] a = new double[n][];
    double[][] b = new double[n][];
    for (int i = 0; i < n; i++) {
      a[i] = a0[i].clone();
      b[i] = b0[i].clone();
    }
    for (int c = 0; c < n; c++) {
      int piv = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) {
          piv = r;
        }
      }
      double[] t = a[c];
      a[c] = a[piv];
      a[piv] = t;
      t = b[c];
      b[c] = b[piv];
      b[piv] = t;
      for (int r = c + 1; r < n; r++) {
        double f = a[r][c] / a[c][c];
        for (int k = c; k < n; k++) {
          a[r][k] -= f * a[c][k];
        }
        for (int k = 0; k < m; k++) {
          b[r][k] -= f * b[c][k];
        }
      }
    }
    double[][] x = new double[n][m];
    for (int k = 0; k < m; k++) {
      for (int r = n - 1; r >= 0; r--) {
        double s = b[r][k];
        for (int j = r + 1; j < n; j++) {
          s -= a[r][j] * x[j][k];
        }
        x[r][k] = s / a[r][r];
      }
    }
    return x;
  }

  private static double[][] gaussian(Random r, int rows, int cols) {
    double[][] x = new double[rows][cols];
    for (double[] row : x) {
      for (int j = 0; j < cols; j++) {
        row[j] = r.nextGaussian();
      }
    }
    return x;
  }

  @Test
  void choleskyAgreesWithGaussianElimination() {
    Random r = new Random(3);
    for (int trial = 0; trial < 5; trial++) {
      int n = 3 + trial * 4;
      double[][] g = gaussian(r, n + 2, n);
      double[][] a = new double[n][n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          for (double[] row : g) {
            a[i][j] += row[i] * row[j];
          }
        }
        a[i][i] += 0.01;
      }
      double[][] b = gaussian(r, n, 3);
      double[][] x = LinearProbe.solveSpd(a, b);
      double[][] ref = gauss(a, b);
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < 3; k++) {
          assertEquals(
              ref[i][k], x[i][k], 1e-8 * (1 + Math.abs(ref[i][k])), "x[" + i + "][" + k + "]");
        }
      }
    }
  }

  @Test
  void fitIsTheRidgeSolutionOfTheNormalEquations() {
    Random r = new Random(11);
    int n = 40;
    int d = 5;
    int classes = 3;
    double ridge = 0.5;
    double[][] x = gaussian(r, n, d);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = r.nextInt(classes);
    }
    // the obvious way: the design matrix with a bias column, XᵀX + λI and XᵀY by triple loops
    double[][] design = new double[n][d + 1];
    for (int i = 0; i < n; i++) {
      System.arraycopy(x[i], 0, design[i], 0, d);
      design[i][d] = 1;
    }
    double[][] a = new double[d + 1][d + 1];
    double[][] b = new double[d + 1][classes];
    for (int p = 0; p <= d; p++) {
      for (int q = 0; q <= d; q++) {
        for (int i = 0; i < n; i++) {
          a[p][q] += design[i][p] * design[i][q];
        }
      }
      a[p][p] += ridge;
      for (int i = 0; i < n; i++) {
        b[p][y[i]] += design[i][p];
      }
    }
    double[][] ref = gauss(a, b);
    double[][] w = LinearProbe.fit(x, y, classes, ridge);
    for (int p = 0; p <= d; p++) {
      for (int c = 0; c < classes; c++) {
        assertEquals(ref[p][c], w[p][c], 1e-9, "w[" + p + "][" + c + "]");
      }
    }
  }

  /** Embeddings that carry the class in a few dimensions (plus noise) are read perfectly. */
  @Test
  void readsAPropertyTheEmbeddingEncodes() {
    Random r = new Random(5);
    int classes = 4;
    double[][][] x = new double[2][300][16];
    int[][] y = new int[2][300];
    for (int s = 0; s < 2; s++) {
      for (int i = 0; i < 300; i++) {
        y[s][i] = r.nextInt(classes);
        for (int j = 0; j < 16; j++) {
          x[s][i][j] = 0.1 * r.nextGaussian();
        }
        x[s][i][y[s][i]] += 1; // one direction per class
      }
    }
    LinearProbe.Result res = LinearProbe.evaluate(x[0], y[0], x[1], y[1], classes, 0.1);
    assertEquals(1.0, res.accuracy(), 1e-12);
    assertEquals(300, res.fitted());
    assertEquals(300, res.evaluated());
  }

  /** Labels unrelated to the embedding: the probe scores about the majority baseline. */
  @Test
  void findsNothingWhereThereIsNothing() {
    Random r = new Random(9);
    int n = 2000;
    double[][] fx = gaussian(r, n, 8);
    double[][] ex = gaussian(r, n, 8);
    int[] fy = new int[n];
    int[] ey = new int[n];
    for (int i = 0; i < n; i++) {
      fy[i] = r.nextDouble() < 0.6 ? 0 : 1 + r.nextInt(2); // class 0 is the majority (60 %)
      ey[i] = r.nextDouble() < 0.6 ? 0 : 1 + r.nextInt(2);
    }
    LinearProbe.Result res = LinearProbe.evaluate(fx, fy, ex, ey, 3, 1.0);
    int zeros = 0;
    for (int v : ey) {
      zeros += v == 0 ? 1 : 0;
    }
    assertEquals((double) zeros / n, res.majority(), 1e-12);
    assertTrue(
        Math.abs(res.accuracy() - res.majority()) < 0.05,
        "accuracy " + res.accuracy() + " vs majority " + res.majority());
  }

  @Test
  void majorityIsTheFittedSetsMostFrequentLabelOnTheEvaluatedSet() {
    double[][] fx = {{0}, {0}, {0}, {1}};
    int[] fy = {2, 2, 1, 0}; // most frequent fitted label: 2
    double[][] ex = {{0}, {1}, {0}, {0}, {1}};
    int[] ey = {2, 0, 0, 0, 1}; // one of five is 2
    assertEquals(0.2, LinearProbe.evaluate(fx, fy, ex, ey, 3, 1).majority(), 1e-12);
  }

  @Test
  void rejectsBadInputWithAClearMessage() {
    double[][] x = {{1, 0}, {0, 1}};
    int[] y = {0, 1};
    assertMessage("at least 2 classes", () -> LinearProbe.evaluate(x, y, x, y, 1, 1));
    assertMessage("ridge must be > 0", () -> LinearProbe.evaluate(x, y, x, y, 2, 0));
    assertMessage(
        "no fitted rows", () -> LinearProbe.evaluate(new double[0][], new int[0], x, y, 2, 1));
    assertMessage(
        "fitted: 2 embeddings but 1 labels",
        () -> LinearProbe.evaluate(x, new int[] {0}, x, y, 2, 1));
    assertMessage(
        "evaluated row 1 has dimension 1, expected 2",
        () -> LinearProbe.evaluate(x, y, new double[][] {{1, 0}, {1}}, y, 2, 1));
    assertMessage(
        "fitted row 1: label 2 is outside 0..1",
        () -> LinearProbe.evaluate(x, new int[] {0, 2}, x, y, 2, 1));
    assertMessage(
        "not positive definite",
        () -> LinearProbe.solveSpd(new double[][] {{1, 2}, {2, 1}}, new double[][] {{1}, {1}}));
  }

  private static void assertMessage(String fragment, Runnable r) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }
}
