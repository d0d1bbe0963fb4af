package org.tbps4j.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;
import org.tbps4j.data.iter.DecodeFailures;
import org.tbps4j.data.text.CaptionEncoder;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.train.config.TrainConfig;
import org.tbps4j.train.listeners.MetricsHistory;
import org.tbps4j.train.listeners.TrainingListener;
import org.tbps4j.train.run.CheckpointStore;
import org.tbps4j.train.run.RunInfo;
import org.tbps4j.train.run.TrainState;

/**
 * What the trainer's loop and its {@link TrainerHook}s share during one run: the run's inputs
 * (config, data, caption encoder), its files (checkpoint store, metrics history, {@code run.json}),
 * the current graph, the position of the next batch and the best validation so far. The loop writes
 * the graph and the position; the validation hook writes the best score and the selected model; the
 * test hook writes the test outcome.
 */
final class TrainingRun {
  final TrainConfig config;
  final Path runDir;
  final Trainer.Options options;
  final TrainingData data;
  final CaptionEncoder captions;
  final DecodeFailures failures;
  final CheckpointStore store;
  final MetricsHistory history;
  final RunInfo info;

  /** Built-in and caller's listeners, in call order (the NaN guard first). */
  final List<TrainingListener> listeners = new ArrayList<>();

  private final DoubleSupplier trainingSeconds;
  private int failuresWritten;

  /** The current graph's model (null before the first stage of a fresh run). */
  TbpsModel model;

  /** The stage the current graph was built for (-1 before the first). */
  int graphStage = -1;

  /** Position of the next batch. */
  long iteration;

  int epoch;
  int batch;

  /** Best validation R@1 (percent) and its step, -1 when none. */
  double bestScore = -1;

  long bestIteration = -1;

  /** Set by {@link TrainerHook#finish}: the selected model and its file. */
  TbpsModel selected;

  Path release;

  /** Set by {@link TrainerHook#finish}: the test-split evaluation, or null. */
  SplitEvaluator.Outcome test;

  TrainingRun(
      TrainConfig config,
      Path runDir,
      Trainer.Options options,
      TrainingData data,
      CaptionEncoder captions,
      DecodeFailures failures,
      CheckpointStore store,
      MetricsHistory history,
      RunInfo info,
      DoubleSupplier trainingSeconds) {
    this.config = config;
    this.runDir = runDir;
    this.options = options;
    this.data = data;
    this.captions = captions;
    this.failures = failures;
    this.store = store;
    this.history = history;
    this.info = info;
    this.trainingSeconds = trainingSeconds;
  }

  /**
   * The run's state at the current position, with the training time so far.
   *
   * @param finished whether the run has completed all stages
   * @return the state a checkpoint stores
   */
  TrainState state(boolean finished) {
    return new TrainState(
        iteration, graphStage, epoch, batch, bestScore, bestIteration, finished, trainingSeconds());
  }

  /**
   * Wall time of the training loop over every process of the run.
   *
   * @return seconds
   */
  double trainingSeconds() {
    return trainingSeconds.getAsDouble();
  }

  /**
   * The caption encoder the iterators need: the tower's, or null for the word path (the iterators
   * then emit token ids).
   *
   * @return the tower encoder or null
   */
  CaptionEncoder tower() {
    return "words".equals(captions.name()) ? null : captions;
  }

  /**
   * Whether images failed to decode since {@code run.json} was last written.
   *
   * @return true when {@link #writeInfo} has news to write
   */
  boolean newDecodeFailures() {
    return failures.count() != failuresWritten;
  }

  /** Writes {@code run.json} with the images that failed to decode so far. */
  void writeInfo() {
    info.decodeFailures(failures.files());
    failuresWritten = failures.count();
    info.write(runDir.resolve(Trainer.RUN_JSON));
  }
}
