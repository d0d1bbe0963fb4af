package org.tbps4j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tbps4j.data.Split;
import org.tbps4j.data.iter.PkTrainingIterator;
import org.tbps4j.data.iter.TrainingBatch;
import org.tbps4j.data.sample.Seeds;
import org.tbps4j.model.BatchNormStatistics;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.train.listeners.TrainingListener;
import org.tbps4j.train.run.TrainState;

/**
 * Validation and model selection. After an epoch ({@code eval.interval_epochs}, each stage's end,
 * the run's end) the batch-norm statistics are recalibrated on a few training batches, the
 * <em>val</em> split is evaluated, a new best R@1 is saved as {@code checkpoints/best.zip} and the
 * listeners are told. At the end the best validated model (or, without a val split, the last one,
 * recalibrated) is saved as {@code model.zip}.
 */
final class ValidationHook implements TrainerHook {
  private static final Logger LOG = LoggerFactory.getLogger(ValidationHook.class);

  @Override
  public void afterEpoch(TrainingRun run, EpochEnd end) throws IOException {
    if (shouldValidate(run, end)) {
      validate(run, end.epoch(), end.iteration());
    }
  }

  @Override
  public void finish(TrainingRun run, TrainState end, boolean alreadyFinished) throws IOException {
    Path release = run.runDir.resolve(Trainer.MODEL_ZIP);
    TbpsModel selected;
    Optional<Path> best = run.store.best();
    if (best.isPresent()) {
      selected = TbpsModel.load(best.get(), false);
      LOG.info(
          "selected the best validation model: R@1 {} at iteration {}",
          run.bestScore,
          run.bestIteration);
    } else if (run.model != null) {
      recalibrate(run);
      selected = run.model;
    } else {
      selected = TbpsModel.load(run.store.latest().orElseThrow().model(), false);
    }
    if (!alreadyFinished || !Files.isRegularFile(release)) {
      selected.save(release, false);
    }
    run.selected = selected;
    run.release = release;
  }

  private static boolean shouldValidate(TrainingRun run, EpochEnd end) {
    if (run.data.dataset().images(Split.VAL).isEmpty()) {
      return false;
    }
    double every = run.config.eval().intervalEpochs();
    if (end.lastEpoch()) {
      return true;
    }
    if (every <= 0) {
      return end.stageEnd();
    }
    int n = (int) Math.max(1, Math.round(every));
    return (end.epoch() + 1) % n == 0;
  }

  private static void validate(TrainingRun run, int epoch, long iteration) throws IOException {
    recalibrate(run);
    SplitEvaluator.Outcome o =
        SplitEvaluator.evaluate(
            run.model,
            run.data.dataset(),
            Split.VAL,
            run.captions,
            run.data.loader(),
            EvalSettings.of(run.config)
                .withMaxQueries(run.config.eval().valQueries())
                .withFailures(run.failures));
    Map<String, Double> m = new LinkedHashMap<>();
    o.metrics().asPercentMap().forEach((k, v) -> m.put(k, ((Number) v).doubleValue()));
    double r1 = m.get("R@1");
    boolean best = r1 > run.bestScore;
    if (best) {
      run.bestScore = r1;
      run.bestIteration = iteration;
      run.store.saveBest(
          new TrainState(
              iteration, run.graphStage, epoch + 1, 0, run.bestScore, run.bestIteration, false),
          tmp -> run.model.save(tmp, false));
    }
    for (TrainingListener l : run.listeners) {
      l.validationDone(epoch, iteration, m, best);
    }
  }

  /** Batch-norm statistics from {@code Options.calibrationBatches} training batches. */
  private static void recalibrate(TrainingRun run) {
    int n = run.options.calibrationBatches();
    if (n <= 0) {
      return;
    }
    List<Map<String, INDArray>> batches = new ArrayList<>();
    try (PkTrainingIterator it =
        run.data.calibrationIterator(
            Seeds.derive(run.config.seed(), "calibration"), run.failures, run.tower())) {
      for (int i = 0; i < n && it.hasNext(); i++) {
        TrainingBatch b = it.next();
        Map<String, INDArray> in = new LinkedHashMap<>(run.model.imageInputs(b.images()));
        in.putAll(run.model.textInputs(b.tokens()));
        batches.add(in);
      }
    }
    BatchNormStatistics.recalibrate(run.model, batches);
  }
}
