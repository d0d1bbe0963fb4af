package org.tbps4j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.schedule.ISchedule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tbps4j.data.image.ImageFiles;
import org.tbps4j.data.iter.DecodeFailures;
import org.tbps4j.data.iter.PkTrainingIterator;
import org.tbps4j.data.iter.TrainingBatch;
import org.tbps4j.data.sample.Seeds;
import org.tbps4j.data.text.CaptionEncoder;
import org.tbps4j.data.text.TokenShift;
import org.tbps4j.loss.LossNames;
import org.tbps4j.model.AtomicFiles;
import org.tbps4j.model.ModelAttachments;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.Quiet;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.model.pretrained.PretrainedBackbone;
import org.tbps4j.train.config.ConfigLoader;
import org.tbps4j.train.config.TrainConfig;
import org.tbps4j.train.listeners.IterationReport;
import org.tbps4j.train.listeners.LossTermsListener;
import org.tbps4j.train.listeners.MetricsHistory;
import org.tbps4j.train.listeners.NanGuard;
import org.tbps4j.train.listeners.TrainingListener;
import org.tbps4j.train.run.CheckpointStore;
import org.tbps4j.train.run.RunInfo;
import org.tbps4j.train.run.RunLock;
import org.tbps4j.train.run.TrainState;
import org.tbps4j.train.schedule.BudgetSchedule;

/**
 * The training loop: stages × epochs × P×K batches, one {@code SameDiff.fit} step per batch, and
 * the stage schedule (a stage switch is one {@link TrainingGraph#build}). Everything else happens
 * in {@link TrainerHook}s, called in this order at each event: the {@link TrainingListener}s (NaN
 * guard, metrics history, the caller's progress bar and dashboard), {@link ValidationHook}
 * (batch-norm recalibration, validation, best-model selection, {@code model.zip}), {@link
 * CheckpointHook} and {@link TestHook}.
 *
 * <p><b>Run directory.</b> {@code run.json} (provenance), {@code config.yaml} (the resolved
 * config), {@code metrics.json}, {@code checkpoints/} ({@code ckpt-<iteration>.zip/.json}, {@code
 * best.zip/.json}) and, at the end, {@code model.zip} (the selected model without optimiser state)
 * and the test metrics.
 *
 * <p><b>Determinism and resume.</b> The sampler, the augmentation and the text shift are seeded by
 * position (epoch, batch), the random ops of the graph by step ({@link LossTermsListener}), and a
 * checkpoint holds the weights with the optimiser state and the next batch's position. A run killed
 * at any point and resumed with {@link Options#resume} therefore ends with the same weights as an
 * uninterrupted one (CPU, same machine).
 *
 * <p><b>Stages.</b> A stage switch rebuilds the graph with the new stage's loss mix, copies every
 * weight and batch-norm statistic, and starts a fresh optimiser state; a stage may hold the image
 * backbone constant ({@code freeze_image}).
 *
 * <p><b>Model selection.</b> Validation runs on the <em>val</em> split every {@code
 * eval.interval_epochs} and at the end; the best R@1 is kept. The test split is evaluated once, at
 * the end, with the selected model.
 */
public final class Trainer {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

  /** File names inside a run directory. */
  public static final String RUN_JSON = "run.json",
      CONFIG_YAML = "config.yaml",
      METRICS_JSON = "metrics.json",
      MODEL_ZIP = "model.zip";

  /**
   * How to run.
   *
   * @param resume continue from the newest checkpoint of the run directory
   * @param listeners extra listeners (progress bars, UI stats)
   * @param maxSeconds stop training after this much wall time and finish normally (0 = no limit)
   * @param calibrationBatches batches used to recalibrate batch-norm statistics before evaluation
   * @param evaluateTest evaluate the test split at the end
   * @param stopAfterIterations stop (as if killed, without finishing) after this many steps in this
   *     process, 0 = never (tests of resume)
   */
  public record Options(
      boolean resume,
      List<TrainingListener> listeners,
      double maxSeconds,
      int calibrationBatches,
      boolean evaluateTest,
      long stopAfterIterations) {
    /**
     * Defaults: fresh run, no extra listeners, no time limit, 10 calibration batches, test at the
     * end.
     *
     * @return default options
     */
    public static Options defaults() {
      return new Options(false, List.of(), 0, 10, true, 0);
    }

    /**
     * With resume on or off.
     *
     * @param on resume
     * @return a copy
     */
    public Options withResume(boolean on) {
      return new Options(
          on, listeners, maxSeconds, calibrationBatches, evaluateTest, stopAfterIterations);
    }

    /**
     * With extra listeners.
     *
     * @param l listeners
     * @return a copy
     */
    public Options withListeners(List<TrainingListener> l) {
      return new Options(
          resume,
          List.copyOf(l),
          maxSeconds,
          calibrationBatches,
          evaluateTest,
          stopAfterIterations);
    }

    /**
     * With a wall-time budget.
     *
     * @param seconds budget (0 = none)
     * @return a copy
     */
    public Options withMaxSeconds(double seconds) {
      return new Options(
          resume, listeners, seconds, calibrationBatches, evaluateTest, stopAfterIterations);
    }

    /**
     * With test evaluation on or off.
     *
     * @param on evaluate test at the end
     * @return a copy
     */
    public Options withEvaluateTest(boolean on) {
      return new Options(
          resume, listeners, maxSeconds, calibrationBatches, on, stopAfterIterations);
    }

    /**
     * Simulated interruption after {@code n} steps (tests).
     *
     * @param n steps in this process
     * @return a copy
     */
    public Options withStopAfterIterations(long n) {
      return new Options(resume, listeners, maxSeconds, calibrationBatches, evaluateTest, n);
    }
  }

  /**
   * The outcome of a run.
   *
   * @param runDir the run directory
   * @param model the selected model ({@code model.zip})
   * @param iterations steps done
   * @param bestValidation best validation R@1 (percent) or -1
   * @param test test-split evaluation, or null when not evaluated
   * @param finished false when the run was interrupted ({@link Options#stopAfterIterations})
   */
  public record Result(
      Path runDir,
      Path model,
      long iterations,
      double bestValidation,
      SplitEvaluator.Outcome test,
      boolean finished) {}

  private final TrainConfig config;
  private final Path runDir;
  private final Options options;

  /**
   * Prepares a run.
   *
   * @param config the validated config
   * @param runDir the run directory (created if missing)
   * @param options how to run
   */
  public Trainer(TrainConfig config, Path runDir, Options options) {
    this.config = config;
    this.runDir = runDir;
    this.options = options;
  }

  /**
   * The config stored in a run directory (for resume).
   *
   * @param runDir the run directory
   * @return its config
   * @throws IOException when the run directory has no config
   */
  public static TrainConfig configOf(Path runDir) throws IOException {
    Path f = runDir.resolve(CONFIG_YAML);
    if (!Files.isRegularFile(f)) {
      throw new IllegalArgumentException(
          runDir + " is not a run directory (no " + CONFIG_YAML + "); start a run with --config");
    }
    return ConfigLoader.load(f, List.of());
  }

  // ------------------------------------------------------------------------------------ state

  private TrainingRun run;
  private final List<TrainerHook> hooks = new ArrayList<>();
  private PkTrainingIterator trainIt;
  private PretrainedBackbone pretrained;
  private CaptionEncoder captions;
  private TbpsModel announcedModel; // the model the hooks were last told about
  private LossTermsListener terms;
  private ISchedule schedule;
  private ModelConfig modelConfig;
  private LongSupplier clockSource = System::nanoTime;
  private final TrainingClock clock = new TrainingClock(() -> clockSource.getAsLong());
  private IterationPlan plan;
  private long trainedIterations; // steps of this process

  /**
   * Runs (or resumes) training, then selects and saves the model and evaluates the test split,
   * holding the run directory's {@link RunLock} throughout.
   *
   * @return the outcome
   * @throws IOException on I/O failures
   * @throws IllegalArgumentException on bad data or config
   * @throws RunLock.InUseException when another run holds the directory
   */
  public Result run() throws IOException {
    try (RunLock lock = RunLock.acquire(runDir)) {
      return runLocked();
    } finally {
      if (captions != null) {
        captions.close();
        captions = null;
      }
    }
  }

  private Result runLocked() throws IOException {
    CheckpointStore.removeLeftoverTemporaries(runDir);
    TrainingData data = TrainingData.load(config);
    DecodeFailures failures =
        new DecodeFailures(
            (path, why) ->
                LOG.warn(
                    "skipping image {}: it cannot be decoded ({}); its samples use another image"
                        + " of the same person",
                    ImageFiles.printable(path),
                    ImageFiles.printable(why)));
    if (options.resume()) {
      failures.addKnown(RunInfo.decodeFailuresIn(runDir.resolve(RUN_JSON)));
    }
    CheckpointStore store = new CheckpointStore(runDir, config.checkpoint().keepLast());
    TrainState state = TrainState.start();
    Optional<CheckpointStore.Checkpoint> ckpt =
        options.resume()
            ? store.latestIntact(
                (zip, why) ->
                    LOG.warn(
                        "{}: {}; set aside as {}.damaged, trying the previous checkpoint",
                        runDir.relativize(zip),
                        why,
                        zip.getFileName()))
            : Optional.empty();
    if (options.resume() && ckpt.isEmpty()) {
      LOG.info("no checkpoint in {}: starting from the beginning", runDir);
    }
    if (ckpt.isPresent()) {
      state = ckpt.get().state();
      clock.resumeFrom(state.trainingSeconds());
      LOG.info(
          "resuming from {} at iteration {} (epoch {}, batch {})",
          runDir.relativize(ckpt.get().model()),
          state.iteration(),
          state.epoch() + 1,
          state.batchInEpoch());
    }
    AtomicFiles.writeString(runDir.resolve(CONFIG_YAML), ConfigLoader.toYaml(config));
    captions = data.openCaptionEncoder(config);
    ModelConfig mc =
        ModelFactory.modelConfig(config, data.classes().size(), data.vocabulary().size());
    modelConfig = mc;
    trainIt =
        data.trainIterator(
            Seeds.derive(config.seed(), "sampler"),
            failures,
            towerOrNull(captions),
            textShift(config, mc));
    plan = IterationPlan.of(config, trainIt);
    schedule = plan.schedule(options.maxSeconds(), this::budgetFraction);
    MetricsHistory history =
        new MetricsHistory(
            // from the beginning (no checkpoint, e.g. killed during the first checkpoint write):
            // what an earlier process logged is redone, so none of it is kept
            runDir.resolve(METRICS_JSON), 10, ckpt.isPresent() ? state.iteration() : 0);
    RunInfo info = RunInfo.create(config, data, mc, runDir);
    if (ckpt.isPresent()) {
      info.put("resumed_from", runDir.relativize(ckpt.get().model()).toString().replace('\\', '/'));
    }
    run =
        new TrainingRun(
            config,
            runDir,
            options,
            data,
            captions,
            failures,
            store,
            history,
            info,
            clock::elapsedSeconds);
    run.listeners.add(new NanGuard());
    run.listeners.add(history);
    run.listeners.addAll(options.listeners());
    run.bestScore = state.bestScore();
    run.bestIteration = state.bestIteration();
    // the order is the order of each event's work: listeners (the NaN guard first), validation
    // and model selection, checkpoint, test
    hooks.add(new ListenerHook());
    hooks.add(new ValidationHook());
    hooks.add(new CheckpointHook());
    if (options.evaluateTest()) {
      hooks.add(new TestHook());
    }
    run.writeInfo();
    if (state.finished()) {
      LOG.info("the run in {} has already finished", runDir);
      return finish(state, true);
    }
    if (ckpt.isPresent()) { // a resumed run has the weights, loss and optimiser state in it
      TbpsModel model = TbpsModel.load(ckpt.get().model(), true);
      BudgetSchedule.attach(model.sameDiff(), this::budgetFraction);
      TrainingGraph g = TrainingGraph.restored(config, config.stages().get(state.stage()), model);
      run.model = model;
      run.graphStage = state.stage();
      terms = g.terms();
    } else {
      pretrained = ModelFactory.pretrainedBackbone(config, data.images());
    }
    TrainState end = loop(state);
    if (end == null) { // interrupted on purpose (tests)
      return new Result(runDir, null, trainedIterations, run.bestScore, null, false);
    }
    return finish(end, false);
  }

  private static CaptionEncoder towerOrNull(CaptionEncoder e) {
    return "words".equals(e.name()) ? null : e;
  }

  /** The text shift of the run: on for token ids when the model asks for it (never for a tower). */
  private static TokenShift textShift(TrainConfig config, ModelConfig mc) {
    return mc.textShift() && !mc.text().tower()
        ? TokenShift.seeded(Seeds.derive(config.seed(), "shift"))
        : TokenShift.NONE;
  }

  /** Runs epochs from the state; returns the final state, or null when stopped on purpose. */
  private TrainState loop(TrainState start) throws IOException {
    run.iteration = start.iteration();
    run.epoch = start.epoch();
    run.batch = start.batchInEpoch();
    clock.start();
    for (TrainerHook h : hooks) {
      h.beforeTrain(run, plan.totalIterations());
    }
    boolean timeUp = false;
    while (run.epoch < plan.epochs() && !timeUp) {
      int epoch = run.epoch;
      int stage = plan.stageOfEpoch(epoch);
      if (stage != run.graphStage) {
        switchStage(stage);
      }
      if (run.model != announcedModel) {
        for (TrainerHook h : hooks) {
          h.graphChanged(run);
        }
        announcedModel = run.model;
      }
      TrainConfig.Stage st = config.stages().get(stage);
      trainIt.resetTo(epoch, run.batch);
      while (trainIt.hasNext()) {
        IterationReport r = step(stage, st.name());
        boolean lastOfEpoch = !trainIt.hasNext();
        for (TrainerHook h : hooks) {
          h.afterStep(run, r, lastOfEpoch);
        }
        if (options.stopAfterIterations() > 0
            && trainedIterations >= options.stopAfterIterations()) {
          return null;
        }
        if (options.maxSeconds() > 0 && clock.elapsedSeconds() > options.maxSeconds()) {
          LOG.info(
              "time budget of {} s reached after iteration {}: finishing",
              options.maxSeconds(),
              run.iteration);
          timeUp = true;
          break;
        }
      }
      boolean lastEpoch = epoch + 1 >= plan.epochs() || timeUp;
      boolean stageEnd = lastEpoch || plan.stageOfEpoch(epoch + 1) != stage;
      TrainerHook.EpochEnd end =
          new TrainerHook.EpochEnd(epoch, run.iteration, stageEnd, lastEpoch, timeUp);
      for (TrainerHook h : hooks) {
        h.afterEpoch(run, end);
      }
      run.epoch = epoch + 1;
      run.batch = 0;
    }
    for (TrainerHook h : hooks) {
      h.afterTrain(run, run.iteration);
    }
    return new TrainState(
        run.iteration,
        run.graphStage,
        run.epoch,
        0,
        run.bestScore,
        run.bestIteration,
        true,
        clock.elapsedSeconds());
  }

  /** One optimiser step on the next batch; advances the run's position. */
  private IterationReport step(int stage, String stageName) {
    long s0 = System.nanoTime();
    long iteration = run.iteration;
    TbpsModel model = run.model;
    TrainingBatch batch = trainIt.next(); // augmented (image and text) by the iterator
    MultiDataSet b = model.trainingBatch(batch.images(), batch.tokens(), batch.labels());
    if (trainedIterations == 0) {
      Quiet.run(() -> model.sameDiff().fit(b, terms)); // see docs/samediff-m2.1.md, note 9
      // the time budget (and a schedule that follows it) counts from the end of this
      // process's first step: building the gradient graph is a one-off cost, not training
      clock.start();
    } else {
      // the same step with a session kept across steps (docs/samediff-executor.md)
      org.tbps4j.model.exec.FastExecution.fit(model.sameDiff(), b, terms);
    }
    double seconds = (System.nanoTime() - s0) / 1e9;
    Map<String, Double> values = terms.lastValues(LossNames.TOTAL);
    IterationReport r =
        new IterationReport(
            iteration,
            stage,
            stageName,
            run.epoch,
            run.batch,
            plan.batchesIn(run.epoch),
            plan.totalIterations(),
            batch.size(),
            schedule.valueAt(Math.toIntExact(iteration), run.epoch),
            values,
            seconds);
    run.iteration++;
    run.batch++;
    trainedIterations++;
    return r;
  }

  private void switchStage(int stage) {
    TrainConfig.Stage st = config.stages().get(stage);
    LOG.info(
        "stage {} '{}': {} epochs, loss {}{}",
        stage + 1,
        st.name(),
        st.epochs(),
        config.lossOf(st),
        st.freezeImage() ? ", image backbone frozen" : "");
    TrainingGraph.Recipe recipe =
        new TrainingGraph.Recipe(config, modelConfig, schedule, pretrained, this::attachMetadata);
    TrainingGraph g = TrainingGraph.build(recipe, st, run.model, run.iteration);
    run.model = g.model();
    run.graphStage = stage;
    terms = g.terms();
  }

  private void attachMetadata(TbpsModel m) {
    m.putAttachment(ModelAttachments.VOCABULARY, run.data.vocabulary().toJson());
    m.putAttachment(ModelAttachments.CLASSES, run.data.classes().toJson());
    m.putAttachment(ModelAttachments.PREPROCESSING, run.data.images().toJson());
    m.putAttachment(ModelAttachments.CONFIG, ConfigLoader.toYaml(config));
    m.putAttachment(ModelAttachments.RUN, run.info.json());
    captions.attachments().forEach(m::putAttachment);
  }

  /** Selects and saves the model, evaluates the test split (the hooks' finish), closes the run. */
  private Result finish(TrainState end, boolean alreadyFinished) throws IOException {
    for (TrainerHook h : hooks) {
      h.finish(run, end, alreadyFinished);
    }
    if (run.selected != run.model) {
      run.selected.close(); // loaded for selection and the test only
    }
    run.info.finished();
    run.writeInfo();
    return new Result(runDir, run.release, end.iteration(), run.bestScore, run.test, true);
  }

  /**
   * Replaces the wall clock of the time budget (tests: a clock that advances a fixed amount per
   * step makes a budgeted run deterministic).
   *
   * @param nanos a monotonic time source in nanoseconds
   * @return this trainer
   */
  Trainer withClock(LongSupplier nanos) {
    this.clockSource = nanos;
    return this;
  }

  /** Elapsed share of the time budget (0 without a budget). */
  private double budgetFraction() {
    return options.maxSeconds() > 0 ? clock.elapsedSeconds() / options.maxSeconds() : 0;
  }

  /**
   * The model's graph (for tests and listeners that need it).
   *
   * @return the current graph, or null before the first stage
   */
  SameDiff sameDiff() {
    return run == null || run.model == null ? null : run.model.sameDiff();
  }
}
