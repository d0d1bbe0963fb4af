package org.tbps4j.train.run;

/**
 * Where a run stands: enough, together with the model file (weights + updater state) and the
 * config, to continue bit-identically.
 *
 * @param iteration optimiser steps done so far (over all stages)
 * @param stage index of the current stage
 * @param epoch epoch index over the whole run (0-based) of the next batch
 * @param batchInEpoch index of the next batch within {@code epoch}
 * @param bestScore best validation R@1 so far (percent), or -1 when none
 * @param bestIteration iteration of the best score, or -1
 * @param finished whether the run completed all stages
 * @param trainingSeconds wall time the training loop has run so far, over every process of the run
 *     (a budget-following schedule continues from it; 0 in checkpoints written before it existed)
 */
public record TrainState(
    long iteration,
    int stage,
    int epoch,
    int batchInEpoch,
    double bestScore,
    long bestIteration,
    boolean finished,
    double trainingSeconds) {

  /**
   * A state without training time.
   *
   * @param iteration optimiser steps done so far
   * @param stage index of the current stage
   * @param epoch epoch of the next batch
   * @param batchInEpoch index of the next batch within {@code epoch}
   * @param bestScore best validation R@1 so far, or -1
   * @param bestIteration iteration of the best score, or -1
   * @param finished whether the run completed all stages
   */
  public TrainState(
      long iteration,
      int stage,
      int epoch,
      int batchInEpoch,
      double bestScore,
      long bestIteration,
      boolean finished) {
    this(iteration, stage, epoch, batchInEpoch, bestScore, bestIteration, finished, 0);
  }

  /**
   * The state of a run that has not started.
   *
   * @return iteration 0, stage 0, epoch 0, no best score
   */
  public static TrainState start() {
    return new TrainState(0, 0, 0, 0, -1, -1, false);
  }
}
