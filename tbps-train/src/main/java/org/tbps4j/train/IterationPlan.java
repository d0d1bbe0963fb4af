package org.tbps4j.train;

import java.util.function.DoubleSupplier;
import org.nd4j.linalg.schedule.ISchedule;
import org.tbps4j.data.iter.PkTrainingIterator;
import org.tbps4j.train.config.TrainConfig;
import org.tbps4j.train.schedule.BudgetSchedule;
import org.tbps4j.train.schedule.WarmupSchedule;

/**
 * The iterations of a whole run, planned before its first step: batches per epoch (the P×K sampler
 * fixes them from the data), the stage of each epoch, and the learning-rate schedule over the
 * iterations — or over the time budget when the schedule follows it (docs/training.md, "Optimiser
 * and schedule").
 */
final class IterationPlan {
  private final TrainConfig config;
  private final int[] epochBatches;
  private final long total;

  IterationPlan(TrainConfig config, int[] epochBatches) {
    this.config = config;
    this.epochBatches = epochBatches;
    long t = 0;
    for (int b : epochBatches) {
      t += b;
    }
    this.total = t;
  }

  /**
   * Plans every epoch of the config with the iterator's batch counts.
   *
   * @param config the run's config (stages and schedule)
   * @param it the training iterator
   * @return the plan
   */
  static IterationPlan of(TrainConfig config, PkTrainingIterator it) {
    int[] batches = new int[config.totalEpochs()];
    for (int e = 0; e < batches.length; e++) {
      batches[e] = it.batchesInEpoch(e);
    }
    return new IterationPlan(config, batches);
  }

  /** Epochs of the run. */
  int epochs() {
    return epochBatches.length;
  }

  /** Batches of one epoch. */
  int batchesIn(int epoch) {
    return epochBatches[epoch];
  }

  /** Iterations of the whole run. */
  long totalIterations() {
    return total;
  }

  /** The stage an epoch belongs to (the last stage for epochs beyond the plan). */
  int stageOfEpoch(int epoch) {
    int e = 0;
    for (int s = 0; s < config.stages().size(); s++) {
      e += config.stages().get(s).epochs();
      if (epoch < e) {
        return s;
      }
    }
    return config.stages().size() - 1;
  }

  /** The iteration at a (fractional) epoch, e.g. a schedule milestone. */
  long iterationAtEpoch(double epoch) {
    long it = 0;
    int whole = (int) Math.floor(epoch);
    for (int e = 0; e < Math.min(whole, epochBatches.length); e++) {
      it += epochBatches[e];
    }
    if (whole < epochBatches.length) {
      it += Math.round((epoch - whole) * epochBatches[whole]);
    }
    return it;
  }

  /**
   * The learning-rate schedule of the run: over the time budget (warm-up and decay end where the
   * budget ends, so the run ends annealed whatever the step rate) when there is one and the
   * schedule follows it, else over the planned iterations.
   *
   * @param maxSeconds the time budget, 0 = none
   * @param budgetFraction the elapsed share of the budget
   * @return the schedule
   */
  ISchedule schedule(double maxSeconds, DoubleSupplier budgetFraction) {
    TrainConfig.Schedule s = config.schedule();
    double lr = config.optimizer().lr();
    if (maxSeconds > 0 && s.followBudget() && s.type() != WarmupSchedule.Kind.STEP) {
      BudgetSchedule.Kind budgetKind =
          switch (s.type()) {
            case COSINE -> BudgetSchedule.Kind.COSINE;
            case CONSTANT -> BudgetSchedule.Kind.CONSTANT;
            case STEP -> throw new IllegalStateException("step schedules count epochs");
          };
      return new BudgetSchedule(budgetKind, lr, Math.min(s.minLr(), lr), s.warmupFraction())
          .attach(budgetFraction);
    }
    long warmup = Math.round(s.warmupEpochs() * epochBatches[0]);
    long[] milestones = new long[s.milestones().size()];
    for (int i = 0; i < milestones.length; i++) {
      milestones[i] = iterationAtEpoch(s.milestones().get(i));
    }
    return new WarmupSchedule(
        s.type(),
        lr,
        Math.min(s.minLr(), lr),
        Math.min(warmup, Math.max(0, total - 1)),
        Math.max(1, total),
        milestones,
        s.gamma());
  }
}
