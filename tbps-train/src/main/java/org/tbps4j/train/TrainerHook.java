package org.tbps4j.train;

import java.io.IOException;
import org.tbps4j.train.listeners.IterationReport;
import org.tbps4j.train.run.TrainState;

/**
 * One concern of a run around the trainer's loop (validation, checkpoints, the test, the {@link
 * org.tbps4j.train.listeners.TrainingListener}s): the loop calls every hook, in the order the
 * trainer lists them, at these points and nowhere else. Every method has an empty default; a hook
 * that throws stops the run (after the last good checkpoint). Hooks share the run's state through
 * {@link TrainingRun}; the position (iteration, epoch, batch) there is the next batch's.
 */
interface TrainerHook {

  /**
   * Before the first step of this process (also after a resume).
   *
   * @param run the run
   * @param totalIterations planned steps of the whole run
   * @throws IOException on write failures
   */
  default void beforeTrain(TrainingRun run, long totalIterations) throws IOException {}

  /**
   * Before the first step on a new graph: at the start, after a resume and after a stage switch.
   *
   * @param run the run ({@link TrainingRun#model} is the new graph's model)
   */
  default void graphChanged(TrainingRun run) {}

  /**
   * After each optimiser step; the run's position is already the next batch's.
   *
   * @param run the run
   * @param report the step's numbers
   * @param lastOfEpoch whether the step took the epoch's last batch
   * @throws IOException on write failures
   */
  default void afterStep(TrainingRun run, IterationReport report, boolean lastOfEpoch)
      throws IOException {}

  /**
   * After each epoch (also the one a time budget cut short).
   *
   * @param run the run
   * @param end what ended
   * @throws IOException on write failures
   */
  default void afterEpoch(TrainingRun run, EpochEnd end) throws IOException {}

  /**
   * After the last step of a run that ran to its end (not after an interruption).
   *
   * @param run the run
   * @param iteration steps done
   */
  default void afterTrain(TrainingRun run, long iteration) {}

  /**
   * Once at the end of a finished run, also when a resumed run had finished already: select and
   * save the model, write the last checkpoint, evaluate the test split.
   *
   * @param run the run
   * @param end the final state
   * @param alreadyFinished whether an earlier process finished the training
   * @throws IOException on I/O failures
   */
  default void finish(TrainingRun run, TrainState end, boolean alreadyFinished)
      throws IOException {}

  /**
   * The end of an epoch.
   *
   * @param epoch the epoch (0-based over the whole run)
   * @param iteration steps done
   * @param stageEnd whether the next epoch belongs to another stage (or there is none)
   * @param lastEpoch whether the run's training ends here (last epoch or time budget reached)
   * @param timeUp whether the time budget cut the epoch short
   */
  record EpochEnd(int epoch, long iteration, boolean stageEnd, boolean lastEpoch, boolean timeUp) {}
}
