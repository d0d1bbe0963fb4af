package org.tbps4j.train;

import org.tbps4j.train.listeners.IterationReport;
import org.tbps4j.train.listeners.TrainingListener;

/**
 * The run's {@link TrainingListener}s (NaN guard, metrics history, progress, dashboard, the
 * caller's) behind the hook interface: each loop event goes to every listener in order. Validation
 * results reach them from {@link ValidationHook}.
 */
final class ListenerHook implements TrainerHook {
  @Override
  public void beforeTrain(TrainingRun run, long totalIterations) {
    for (TrainingListener l : run.listeners) {
      l.runStarted(run.iteration, totalIterations);
    }
  }

  @Override
  public void graphChanged(TrainingRun run) {
    for (TrainingListener l : run.listeners) {
      l.modelChanged(run.model);
    }
  }

  @Override
  public void afterStep(TrainingRun run, IterationReport report, boolean lastOfEpoch) {
    for (TrainingListener l : run.listeners) {
      l.iterationDone(report); // NanGuard throws here, before anything is saved
    }
  }

  @Override
  public void afterEpoch(TrainingRun run, EpochEnd end) {
    if (!end.timeUp()) {
      for (TrainingListener l : run.listeners) {
        l.epochDone(end.epoch(), end.iteration());
      }
    }
  }

  @Override
  public void afterTrain(TrainingRun run, long iteration) {
    for (TrainingListener l : run.listeners) {
      l.runFinished(iteration);
    }
  }
}
