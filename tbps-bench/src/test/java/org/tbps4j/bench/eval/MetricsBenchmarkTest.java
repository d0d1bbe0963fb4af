package org.tbps4j.bench.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class MetricsBenchmarkTest {

  @Test
  void theNamedSizesAreTheTestSplits() {
    assertEquals(
        new MetricsBenchmark.Size("cuhk", 6_156, 3_074, 1_000), MetricsBenchmark.size("CUHK"));
    assertEquals(
        new MetricsBenchmark.Size("icfg", 19_848, 19_848, 1_000), MetricsBenchmark.size("icfg"));
    assertEquals(
        new MetricsBenchmark.Size("1m", 1_000, 1_000_000, 200_000), MetricsBenchmark.size("1m"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MetricsBenchmark.size("rstp"));
    assertEquals("unknown size 'rstp' (valid: cuhk, icfg, 1m)", e.getMessage());
  }

  @Test
  void unitScalesRowsToNormOne() {
    INDArray x = Nd4j.createFromArray(new float[][] {{3, 4}, {0, -2}, {1, 1}});
    INDArray u = MetricsBenchmark.unit(x);
    assertEquals(0.6, u.getDouble(0, 0), 1e-6);
    assertEquals(0.8, u.getDouble(0, 1), 1e-6);
    assertEquals(-1.0, u.getDouble(1, 1), 1e-6);
    assertEquals(Math.sqrt(0.5), u.getDouble(2, 0), 1e-6);
    assertEquals(1.235, MetricsBenchmark.round(1.2345), 1e-12);
  }
}
