package org.tbps4j.train.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.nd4j.shade.jackson.databind.ObjectMapper;

class BudgetScheduleTest {

  @Test
  void warmUpEndsAtItsShareAndTheCosineEndsAtTheBudgetsEnd() {
    BudgetSchedule s = new BudgetSchedule(BudgetSchedule.Kind.COSINE, 1e-3, 1e-5, 0.03);
    assertEquals(1e-5, s.valueAtFraction(0), 1e-12); // a hundredth of the base rate at t = 0
    assertEquals(0.5e-3, s.valueAtFraction(0.015), 1e-12); // half-way through the warm-up
    assertEquals(1e-3, s.valueAtFraction(0.03), 1e-12); // warm-up over: the peak
    // cosine: half-way between warm-up end and budget end is the mid-point of base and floor
    assertEquals((1e-3 + 1e-5) / 2, s.valueAtFraction(0.03 + 0.97 / 2), 1e-12);
    assertEquals(1e-5, s.valueAtFraction(1.0), 1e-12); // annealed when the budget ends
    assertEquals(1e-5, s.valueAtFraction(1.7), 1e-12); // clamped past the end
    double prev = Double.MAX_VALUE;
    for (double p = 0.03; p <= 1.0; p += 0.01) { // monotone decay after the warm-up
      double v = s.valueAtFraction(p);
      assertTrue(v <= prev + 1e-15, "not decreasing at " + p);
      prev = v;
    }
  }

  @Test
  void constantHoldsTheBaseRateAfterTheWarmUp() {
    BudgetSchedule s = new BudgetSchedule(BudgetSchedule.Kind.CONSTANT, 2e-3, 0, 0.1);
    assertEquals(1e-3, s.valueAtFraction(0.05), 1e-12);
    assertEquals(2e-3, s.valueAtFraction(0.5), 1e-12);
    assertEquals(2e-3, s.valueAtFraction(1.0), 1e-12);
  }

  @Test
  void theRateFollowsTheAttachedClockNotTheIteration() {
    AtomicReference<Double> clock = new AtomicReference<>(0.0);
    BudgetSchedule s =
        new BudgetSchedule(BudgetSchedule.Kind.COSINE, 1e-3, 0, 0.0).attach(clock::get);
    assertEquals(1e-3, s.valueAt(500, 3), 1e-12);
    clock.set(1.0);
    assertEquals(0, s.valueAt(1, 0), 1e-12);
    clock.set(0.5);
    assertEquals(0.5e-3, s.valueAt(1_000_000, 0), 1e-12);
    assertTrue(s.clone() == s, "a clone shares the clock");
  }

  @Test
  void jsonRoundTripKeepsTheSettings() throws Exception {
    ObjectMapper m = new ObjectMapper();
    BudgetSchedule s = new BudgetSchedule(BudgetSchedule.Kind.COSINE, 3e-3, 1e-6, 0.05);
    BudgetSchedule back = m.readValue(m.writeValueAsString(s), BudgetSchedule.class);
    assertEquals(s.getKind(), back.getKind());
    assertEquals(s.getBaseLr(), back.getBaseLr());
    assertEquals(s.getMinLr(), back.getMinLr());
    assertEquals(s.getWarmupFraction(), back.getWarmupFraction());
  }

  @Test
  void badSettingsAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new BudgetSchedule(BudgetSchedule.Kind.COSINE, 1e-3, 2e-3, 0.03));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new BudgetSchedule(BudgetSchedule.Kind.COSINE, 1e-3, 0, 1.0));
    assertEquals("warmupFraction must be in [0, 1), got 1.0", e.getMessage());
  }
}
