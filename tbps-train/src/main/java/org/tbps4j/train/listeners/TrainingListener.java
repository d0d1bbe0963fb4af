package org.tbps4j.train.listeners;

import java.util.Map;
import org.tbps4j.model.TbpsModel;

/**
 * Observer of the training loop. Every method has an empty default; a listener that throws stops
 * the run (after the trainer has kept its last good checkpoint).
 */
public interface TrainingListener {

  /**
   * Called once before the first step (also after a resume).
   *
   * @param startIteration the step the run starts or resumes at
   * @param totalIterations planned steps of the whole run
   */
  default void runStarted(long startIteration, long totalIterations) {}

  /**
   * Called before the first step on a graph: at the start of a run, after a resume, and after each
   * stage switch (which builds a new graph). Listeners that read parameters (dashboard statistics)
   * may keep the model and read its arrays in {@link #iterationDone}; they must not change it.
   *
   * @param model the model about to be trained
   */
  default void modelChanged(TbpsModel model) {}

  /**
   * Called after every optimiser step.
   *
   * @param report the step's numbers
   */
  default void iterationDone(IterationReport report) {}

  /**
   * Called at the end of every epoch.
   *
   * @param epoch the finished epoch (0-based over the whole run)
   * @param iteration steps done so far
   */
  default void epochDone(int epoch, long iteration) {}

  /**
   * Called after each validation.
   *
   * @param epoch the epoch after which it ran
   * @param iteration steps done so far
   * @param metrics metric name to value (percent), e.g. {@code R@1}
   * @param best whether this is the best validation so far
   */
  default void validationDone(
      int epoch, long iteration, Map<String, Double> metrics, boolean best) {}

  /**
   * Called once when the run ends normally.
   *
   * @param iteration steps done
   */
  default void runFinished(long iteration) {}
}
