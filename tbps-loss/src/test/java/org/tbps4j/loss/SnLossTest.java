package org.tbps4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Support neighbor sets on a batch small enough to derive by hand: embeddings on the unit circle
 * (scaled, to exercise the normalisation), so every distance is {@code d(θ) = sqrt(2 − 2cos θ +
 * 1e-6)} of an angle difference θ.
 */
class SnLossTest {
  private static double d(double degrees) {
    return Math.sqrt(2 - 2 * Math.cos(Math.toRadians(degrees)) + 1e-6);
  }

  private static double[] at(double degrees, double norm) {
    double r = Math.toRadians(degrees);
    return new double[] {norm * Math.cos(r), norm * Math.sin(r)};
  }

  /** Images at 0°, 10°, 30°; texts at 0°, 90°, 30°; ids 1, 1, 2. */
  static final Batch CIRCLE =
      new Batch(
          new double[][] {at(0, 2), at(10, 0.5), at(30, 1)},
          new double[][] {at(0, 1), at(90, 3), at(30, 0.7)},
          1,
          1,
          2);

  private static void check(Loss loss, double i2t, double t2i, double sep, double squeeze) {
    for (LossValue v : new LossValue[] {CIRCLE.eager(loss), CIRCLE.graph(loss, DataType.DOUBLE)}) {
      assertEquals(i2t + t2i, v.value(), 1e-9, "total");
      assertEquals(i2t, v.part(LossNames.I2T), 1e-9, "i2t");
      assertEquals(t2i, v.part(LossNames.T2I), 1e-9, "t2i");
      assertEquals(sep, v.part(LossNames.SEPARATION), 1e-9, "separation");
      assertEquals(squeeze, v.part(LossNames.SQUEEZE), 1e-9, "squeeze");
    }
  }

  @Test
  void nearestNeighbourIsANegativeSoTheNearestPositiveJoins() {
    // K = 1. Text 1 (90°): images at 90° (pos), 80° (pos), 60° (neg): its one neighbour is the
    // negative, so S⁺ = {image 1 at 80°}, S⁻ = {image 2}: sep = log(1 + e^{α(d80 − d60)}).
    // Every other anchor's nearest neighbour is a positive and S⁻ is empty: sep = 0.
    double alpha = 10;
    double t1 = Math.log(1 + Math.exp(alpha * (d(80) - d(60))));
    check(new SnLoss(1, alpha, 0, "farthest"), 0, t1 / 3, t1 / 3, squeezeSum());
  }

  /** Farthest − nearest positive, both directions (w = 0 above keeps it out of the total). */
  private static double squeezeSum() {
    // images as anchors: x0 (0°): positives t0 0°, t1 90° -> d90 − d0; x1 (10°): t0 10°, t1 80°
    // -> d80 − d10; x2: one positive -> 0. texts as anchors: t0: x0 0°, x1 10° -> d10 − d0;
    // t1: x0 90°, x1 80° -> d90 − d80; t2: 0.
    double i2t = (d(90) - d(0) + d(80) - d(10)) / 3;
    double t2i = (d(10) - d(0) + d(90) - d(80)) / 3;
    return i2t + t2i;
  }

  @Test
  void twoNeighboursAndTheSqueezeTerm() {
    // K = 2. Image anchors: x0 (0°): t0 (0°, pos), t2 (30°, neg) -> log(1 + e^{−α(d30 − d0)});
    // x1 (10°): t0 (10°, pos), t2 (20°, neg) -> log(1 + e^{−α(d20 − d10)}); x2 (30°, id 2): t2
    // (0°, pos), t0 (30°, neg) -> log(1 + e^{−α(d30 − d0)}). Text anchors: t0: x0, x1 both
    // positive -> 0; t1 as with K = 1; t2 (30°, id 2): x2 (0°, pos), x1 (20°, neg)
    // -> log(1 + e^{−α(d20 − d0)}).
    double alpha = 10;
    double w = 0.5;
    double sepI2t =
        (2 * Math.log(1 + Math.exp(-alpha * (d(30) - d(0))))
                + Math.log(1 + Math.exp(-alpha * (d(20) - d(10)))))
            / 3;
    double sepT2i =
        (Math.log(1 + Math.exp(alpha * (d(80) - d(60))))
                + Math.log(1 + Math.exp(-alpha * (d(20) - d(0)))))
            / 3;
    double sqI2t = (d(90) - d(0) + d(80) - d(10)) / 3;
    double sqT2i = (d(10) - d(0) + d(90) - d(80)) / 3;
    check(
        new SnLoss(2, alpha, w, "farthest"),
        sepI2t + w * sqI2t,
        sepT2i + w * sqT2i,
        sepI2t + sepT2i,
        sqI2t + sqT2i);
    // squeeze = nearest: the distance to the nearest positive (0 for x0, t0, x2, t2)
    double nearI2t = (d(0) + d(10) + d(0)) / 3;
    double nearT2i = (d(0) + d(80) + d(0)) / 3;
    check(
        new SnLoss(2, alpha, w, "nearest"),
        sepI2t + w * nearI2t,
        sepT2i + w * nearT2i,
        sepI2t + sepT2i,
        nearI2t + nearT2i);
  }

  @Test
  void tiesAreBrokenByBatchPosition() {
    // all embeddings identical: every distance is sqrt(1e-6). With K = 1 each anchor's neighbour
    // is sample 0 (id 1). Anchors of id 1: S⁺ = {0}, no negative -> 0. Anchors of id 2: sample 0 is
    // a negative, S⁺ = {sample 1}, the first positive -> sep = log 2. Squeeze 0.
    double[][] same = {{1, 2}, {1, 2}, {1, 2}, {1, 2}};
    Batch b = new Batch(same, same, 1, 2, 1, 2);
    Loss loss = new SnLoss(1, 50, 0.1, "farthest");
    for (LossValue v : new LossValue[] {b.eager(loss), b.graph(loss, DataType.DOUBLE)}) {
      assertEquals(Math.log(2) / 2, v.part(LossNames.I2T), 1e-9);
      assertEquals(Math.log(2) / 2, v.part(LossNames.T2I), 1e-9);
      assertEquals(0, v.part(LossNames.SQUEEZE), 1e-12);
    }
  }

  @Test
  void aLargeKUsesTheWholeBatch() {
    Loss all = new SnLoss(3, 10, 0.1, "farthest");
    Loss more = new SnLoss(1000, 10, 0.1, "farthest");
    assertEquals(CIRCLE.eager(all).value(), CIRCLE.eager(more).value(), 1e-12);
    assertEquals(CIRCLE.eager(all).value(), CIRCLE.graph(more, DataType.DOUBLE).value(), 1e-9);
  }
}
