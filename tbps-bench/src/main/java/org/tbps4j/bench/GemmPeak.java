package org.tbps4j.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The machine's practical float32 peak as ND4J reaches it: the rate of a large square matrix
 * product {@code C = A B} ({@code 2n³} FLOPs) through {@code Nd4j.gemm} into a preallocated result,
 * best of several repeats after one warm-up product. The denominator of the model FLOP utilisation.
 */
public final class GemmPeak {
  private GemmPeak() {}

  /**
   * The measurement.
   *
   * @param size {@code n}
   * @param flopsPerSecond best rate over the repeats
   * @param seconds time of every timed product
   */
  public record Result(int size, double flopsPerSecond, double[] seconds) {}

  /**
   * FLOPs of one {@code n×n} by {@code n×n} product.
   *
   * @param n the size
   * @return {@code 2n³}
   */
  public static double flops(int n) {
    return 2.0 * n * n * n;
  }

  /**
   * Measures.
   *
   * @param n matrix size, {@code >= 16}
   * @param repeats timed products, {@code >= 1}
   * @return the best rate
   */
  public static Result measure(int n, int repeats) {
    if (n < 16 || repeats < 1) {
      throw new IllegalArgumentException(
          "gemm size must be >= 16 and repeats >= 1, got " + n + ", " + repeats);
    }
    INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
    INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
    INDArray c = Nd4j.create(DataType.FLOAT, new long[] {n, n}, 'f');
    Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
    double[] t = new double[repeats];
    double best = 0;
    for (int i = 0; i < repeats; i++) {
      long t0 = System.nanoTime();
      Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
      t[i] = (System.nanoTime() - t0) / 1e9;
      best = Math.max(best, flops(n) / t[i]);
    }
    return new Result(n, best, t);
  }
}
