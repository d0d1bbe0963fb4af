package org.tbps4j.train.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.learning.config.Adam;

class WarmupScheduleTest {

  @Test
  void cosineWithWarmupHandValues() {
    // warm-up 4 iterations to 1.0, then cosine to 0.1 at iteration 14 (span 10)
    WarmupSchedule s = new WarmupSchedule(WarmupSchedule.Kind.COSINE, 1.0, 0.1, 4, 14, null, 0);
    assertEquals(0.2, s.valueAt(0, 0), 1e-12); // (0+1)/5
    assertEquals(0.8, s.valueAt(3, 0), 1e-12); // 4/5
    assertEquals(1.0, s.valueAt(4, 0), 1e-12); // t = 0
    assertEquals(0.55, s.valueAt(9, 0), 1e-12); // t = 0.5: 0.1 + 0.9 * 0.5
    assertEquals(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 0.8)), s.valueAt(12, 0), 1e-12);
    assertEquals(0.1, s.valueAt(14, 0), 1e-12);
    assertEquals(0.1, s.valueAt(100, 0), 1e-12); // stays at the floor
  }

  @Test
  void stepAndConstant() {
    WarmupSchedule s =
        new WarmupSchedule(WarmupSchedule.Kind.STEP, 0.1, 0, 0, 100, new long[] {10, 20}, 0.5);
    assertEquals(0.1, s.valueAt(9, 0), 1e-15);
    assertEquals(0.05, s.valueAt(10, 0), 1e-15);
    assertEquals(0.025, s.valueAt(25, 0), 1e-15);
    WarmupSchedule c = new WarmupSchedule(WarmupSchedule.Kind.CONSTANT, 0.3, 0, 1, 10, null, 0);
    assertEquals(0.15, c.valueAt(0, 0), 1e-15);
    assertEquals(0.3, c.valueAt(7, 0), 1e-15);
  }

  @Test
  void invalidArgumentsAreRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new WarmupSchedule(WarmupSchedule.Kind.COSINE, 0.1, 0.2, 0, 10, null, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new WarmupSchedule(WarmupSchedule.Kind.COSINE, 0.1, 0, 0, 0, null, 0));
  }

  @Test
  void survivesTheSameDiffTrainingConfigJson() {
    WarmupSchedule s =
        new WarmupSchedule(WarmupSchedule.Kind.STEP, 0.1, 0.001, 3, 50, new long[] {10, 20}, 0.5);
    TrainingConfig tc =
        TrainingConfig.builder()
            .updater(new Adam(s))
            .dataSetFeatureMapping("x")
            .markLabelsUnused()
            .build();
    TrainingConfig back = TrainingConfig.fromJson(tc.toJson());
    Adam adam = (Adam) back.getUpdater();
    assertEquals(s, adam.getLearningRateSchedule());
    assertEquals(s.valueAt(15, 0), adam.getLearningRate(15, 0), 1e-15);
  }
}
