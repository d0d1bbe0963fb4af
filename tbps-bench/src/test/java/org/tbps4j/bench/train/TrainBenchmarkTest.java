package org.tbps4j.bench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tbps4j.model.ModelConfig;

class TrainBenchmarkTest {

  /**
   * The token ids are in [2, V) and log-uniform: P(id < 2 + m) ≈ ln(m + 1) / ln V, so with V = 1000
   * about a third of the ids are below 12 and fewer than 1% are PAD or UNK (none may be).
   */
  @Test
  void zipfTokensAvoidPadAndUnkAndFavourLowIds() {
    ModelConfig mc = ModelConfig.preset("micro", 4, 1000).toBuilder().optMaxLength(50).build();
    int[] ids = TrainBenchmark.zipfTokens(new SplittableRandom(1), 40, mc);
    assertEquals(40 * 50, ids.length);
    int low = 0;
    for (int id : ids) {
      assertTrue(id >= 2 && id < 1000, "id " + id);
      low += id < 12 ? 1 : 0;
    }
    double share = (double) low / ids.length;
    double expected = Math.log(11) / Math.log(1000); // floor(exp(u ln V)) <= 10 <=> u < ln 11/ln V
    assertEquals(expected, share, 0.03);
  }

  @Test
  void optionsAndReportOptionsRefuseImpossibleValues() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new TrainBenchmark.Options(0, 0, 1, 1, 0, 1));
    assertTrue(e.getMessage().contains("repeats >= 1"), e.getMessage());
    TrainBenchmark.Options ok = new TrainBenchmark.Options(0, 1, 1, 1, 0, 1);
    TrainReport.Networks nets = new TrainReport.Networks(List.of("micro"), 16, 8, null, 4, 30, 0);
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new TrainReport.Options(nets, List.of(8, 6), ok, 64, null));
    assertEquals("batch 6 is not a multiple of 4 >= 4 (P×K batches with K = 4)", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new TrainReport.Options(nets, List.of(8), ok, 8, null));
    assertEquals("the sgemm size must be >= 16, got 8", e.getMessage());
  }

  /** Ratios keep three significant digits, so a very lopsided one is not printed as 0. */
  @Test
  void ratiosKeepThreeSignificantDigits() {
    assertEquals(0.000412, TrainReport.ratio(0.00041234), 1e-12);
    assertEquals(1.23, TrainReport.ratio(1.23456), 1e-12);
    assertEquals(457.0, TrainReport.ratio(456.7), 1e-12);
    assertEquals(0.0, TrainReport.ratio(0.0));
    assertTrue(Double.isNaN(TrainReport.ratio(Double.NaN)));
  }
}
