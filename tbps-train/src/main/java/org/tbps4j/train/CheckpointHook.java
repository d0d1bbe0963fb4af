package org.tbps4j.train;

import java.io.IOException;
import java.util.Optional;
import org.tbps4j.train.listeners.IterationReport;
import org.tbps4j.train.run.CheckpointStore;
import org.tbps4j.train.run.TrainState;

/**
 * Checkpoints ({@code checkpoint.every_iterations} steps, and every epoch end): the weights with
 * the optimiser state and the position of the next batch, written after {@code run.json} (when
 * images failed to decode since) and the metrics history, so a run resumed from it repeats nothing
 * and misses nothing. At the end, a finished checkpoint when the last one is not.
 */
final class CheckpointHook implements TrainerHook {
  @Override
  public void afterStep(TrainingRun run, IterationReport report, boolean lastOfEpoch)
      throws IOException {
    int every = run.config.checkpoint().everyIterations();
    if (every > 0 && run.iteration % every == 0 && !lastOfEpoch) {
      save(run, run.state(false));
    }
  }

  @Override
  public void afterEpoch(TrainingRun run, EpochEnd end) throws IOException {
    save(
        run,
        new TrainState(
            end.iteration(),
            run.graphStage,
            end.epoch() + 1,
            0,
            run.bestScore,
            run.bestIteration,
            end.lastEpoch(),
            run.trainingSeconds()));
  }

  @Override
  public void finish(TrainingRun run, TrainState end, boolean alreadyFinished) throws IOException {
    if (run.model != null) {
      Optional<CheckpointStore.Checkpoint> last = run.store.latest();
      if (last.isEmpty() || !last.get().state().finished()) {
        save(
            run,
            new TrainState(
                end.iteration(),
                run.graphStage,
                end.epoch(),
                0,
                run.bestScore,
                run.bestIteration,
                true));
      }
    }
  }

  private static void save(TrainingRun run, TrainState s) throws IOException {
    if (run.newDecodeFailures()) {
      run.writeInfo();
    }
    run.history.write(); // the history is never behind a checkpoint a run may resume from
    run.store.save(s, tmp -> run.model.save(tmp, true));
  }
}
