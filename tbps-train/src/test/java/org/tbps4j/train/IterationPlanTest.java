package org.tbps4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tbps4j.train.config.ConfigLoader;
import org.tbps4j.train.config.TrainConfig;
import org.tbps4j.train.schedule.BudgetSchedule;

/** The plan of a run's iterations against a slow, obvious walk over every batch. */
class IterationPlanTest {
  private static TrainConfig config(String schedule) {
    return ConfigLoader.parse(
        """
        data: {root: unused}
        model: {preset: micro}
        optimizer: {type: adam, lr: 0.01}
        loss: [{name: cmpm, weight: 1}]
        stages:
          - {name: a, epochs: 2}
          - {name: b, epochs: 1}
          - {name: c, epochs: 3}
        schedule: %s
        """
            .formatted(schedule),
        "plan test");
  }

  @Test
  void stagesAndIterationsMatchAWalkOverEveryBatch() {
    SplittableRandom r = new SplittableRandom(3);
    for (int trial = 0; trial < 20; trial++) {
      int[] batches = new int[6];
      for (int e = 0; e < 6; e++) {
        batches[e] = 1 + r.nextInt(9);
      }
      IterationPlan plan = new IterationPlan(config("{type: constant}"), batches);
      int[] stageOf = {0, 0, 1, 2, 2, 2};
      long it = 0;
      for (int e = 0; e < 6; e++) {
        assertEquals(stageOf[e], plan.stageOfEpoch(e), "epoch " + e);
        assertEquals(it, plan.iterationAtEpoch(e), "start of epoch " + e);
        assertEquals(
            it + Math.round(0.5 * batches[e]), plan.iterationAtEpoch(e + 0.5), "mid epoch " + e);
        it += batches[e];
      }
      assertEquals(it, plan.totalIterations());
      assertEquals(it, plan.iterationAtEpoch(6)); // the end of the run
      assertEquals(2, plan.stageOfEpoch(9)); // beyond the plan: the last stage
    }
  }

  @Test
  void aBudgetFollowingScheduleEndsAtTheBudgetAnIterationOneAtThePlannedEnd() {
    IterationPlan plan =
        new IterationPlan(config("{type: cosine, warmup_epochs: 0}"), new int[] {4, 4, 4, 4, 4, 4});
    double[] fraction = {0};
    var budget = plan.schedule(60, () -> fraction[0]);
    assertTrue(budget instanceof BudgetSchedule, budget.getClass().getName());
    fraction[0] = 1.0;
    assertEquals(0.0, budget.valueAt(0, 0), 1e-12); // annealed where the budget ends
    var steps = plan.schedule(0, () -> 0);
    assertEquals(0.01, steps.valueAt(0, 0), 1e-12);
    assertEquals(0.005, steps.valueAt(12, 3), 1e-12); // half of the 24 planned iterations
    assertEquals(0.0, steps.valueAt(24, 6), 1e-12); // decayed over all 24
  }
}
