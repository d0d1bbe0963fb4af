package org.tbps4j.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.schedule.ISchedule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tbps4j.data.Split;
import org.tbps4j.data.image.ImageFiles;
import org.tbps4j.data.iter.DecodeFailures;
import org.tbps4j.data.iter.PkTrainingIterator;
import org.tbps4j.data.text.CaptionEncoder;
import org.tbps4j.data.text.CaptionEncoderProvider;
import org.tbps4j.loss.LossMix;
import org.tbps4j.loss.LossNames;
import org.tbps4j.model.BatchNormStatistics;
import org.tbps4j.model.ModelAttachments;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.Quiet;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.model.TokenShift;
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
import org.tbps4j.train.schedule.WarmupSchedule;

/**
 * The training loop: stages × epochs × P×K batches, one {@code SameDiff.fit} step per batch.
 * Everything else — progress, NaN guard, metrics history, checkpoints, validation and best-model
 * selection — happens around it through {@link TrainingListener}s and the {@link CheckpointStore}.
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

  private TrainingData data;
  private PkTrainingIterator trainIt;
  private CheckpointStore store;
  private MetricsHistory history;
  private final List<TrainingListener> listeners = new ArrayList<>();
  private TbpsModel model;
  private PretrainedBackbone pretrained;
  private CaptionEncoder captions;
  private TbpsModel announcedModel; // the model listeners were last told about
  private LossMix mix;
  private LossTermsListener terms;
  private int graphStage = -1;
  private ISchedule schedule;
  private java.util.function.LongSupplier clockSource = System::nanoTime;
  private final TrainingClock clock = new TrainingClock(() -> clockSource.getAsLong());
  private int[] epochBatches; // batches per epoch, whole run
  private long totalIterations;
  private double bestScore = -1;
  private long bestIteration = -1;
  private DecodeFailures failures;
  private RunInfo info;
  private int failuresWritten;

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
    removeLeftoverTemporaries();
    data = TrainingData.load(config.data());
    failures =
        new DecodeFailures(
            (path, why) ->
                LOG.warn(
                    "skipping image {}: it cannot be decoded ({}); its samples use another image"
                        + " of the same person",
                    ImageFiles.printable(path),
                    ImageFiles.printable(why)));
    if (options.resume()) {
      failures.addKnown(previousDecodeFailures(runDir.resolve(RUN_JSON)));
    }
    store = new CheckpointStore(runDir, config.checkpoint().keepLast());
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
      bestScore = state.bestScore();
      bestIteration = state.bestIteration();
      LOG.info(
          "resuming from {} at iteration {} (epoch {}, batch {})",
          runDir.relativize(ckpt.get().model()),
          state.iteration(),
          state.epoch() + 1,
          state.batchInEpoch());
    }
    AtomicWrite.text(runDir.resolve(CONFIG_YAML), ConfigLoader.toYaml(config));
    captions = openCaptionEncoder(config, data);
    trainIt =
        data.trainIterator(Seeds.derive(config.seed(), "sampler"), failures, towerOrNull(captions));
    planIterations();
    history =
        new MetricsHistory(
            // from the beginning (no checkpoint, e.g. killed during the first checkpoint write):
            // what an earlier process logged is redone, so none of it is kept
            runDir.resolve(METRICS_JSON), 10, ckpt.isPresent() ? state.iteration() : 0);
    listeners.add(new NanGuard());
    listeners.add(history);
    listeners.addAll(options.listeners());
    ModelConfig mc =
        ModelFactory.modelConfig(config, data.classes().size(), data.vocabulary().size());
    RunInfo info = RunInfo.create(config, data, mc, runDir);
    if (ckpt.isPresent()) {
      info.put("resumed_from", runDir.relativize(ckpt.get().model()).toString().replace('\\', '/'));
    }
    this.info = info;
    writeInfo();
    if (state.finished()) {
      LOG.info("the run in {} has already finished", runDir);
      return finish(state, info, true);
    }
    if (!ckpt.isPresent()) { // a resumed run has the weights in its checkpoint
      pretrained = ModelFactory.pretrainedBackbone(config, data.images());
    }
    if (ckpt.isPresent()) {
      model = TbpsModel.load(ckpt.get().model(), true);
      BudgetSchedule.attach(model.sameDiff(), this::budgetFraction);
      graphStage = state.stage();
      mix = ModelFactory.lossMix(config.lossOf(config.stages().get(graphStage)));
      model.sameDiff().setLossVariables(LossNames.TOTAL);
      terms =
          new LossTermsListener(ModelFactory.termWeights(mix), Seeds.derive(config.seed(), "step"));
    }
    TrainState end = loop(state, info, mc);
    if (end == null) { // interrupted on purpose (tests)
      return new Result(runDir, null, trainedIterations, bestScore, null, false);
    }
    return finish(end, info, false);
  }

  private long trainedIterations;

  /**
   * The caption encoder of a run: the word path, or the tower of {@code model.text} with its
   * feature cache under the dataset root filled for every caption of the dataset before the first
   * step (progress in the log).
   *
   * @param config the run config
   * @param data the run's data
   * @return the encoder (close it)
   * @throws IOException when the feature cache cannot be written
   */
  public static CaptionEncoder openCaptionEncoder(TrainConfig config, TrainingData data)
      throws IOException {
    TrainConfig.Text t = config.model().text();
    if (!t.tower()) {
      return CaptionEncoder.words(data.vocabulary(), config.data().maxLength());
    }
    CaptionEncoder enc =
        CaptionEncoderProvider.openTower(
            new CaptionEncoderProvider.Spec(
                t.encoder(),
                t.maxLength(),
                t.onnx() == null ? null : Path.of(t.onnx()),
                t.tokenizer() == null ? null : Path.of(t.tokenizer()),
                null,
                null,
                data.dataset().root(),
                t.threads()));
    try {
      java.util.Set<String> all = new java.util.LinkedHashSet<>();
      for (Split sp : Split.values()) {
        data.dataset().captions(sp).forEach(c -> all.add(c.caption()));
      }
      long[] lastLog = {System.nanoTime()};
      int computed =
          enc.prepare(
              all,
              (done, total, seconds) -> {
                long now = System.nanoTime();
                if (done == total || now - lastLog[0] > 10_000_000_000L) {
                  lastLog[0] = now;
                  LOG.info(
                      "text features ({}): {}/{} captions, {} s",
                      t.encoder(),
                      done,
                      total,
                      String.format(java.util.Locale.ROOT, "%.1f", seconds));
                }
              });
      LOG.info(
          "text features ({}): {} captions ready ({} computed now, the rest cached)",
          t.encoder(),
          all.size(),
          computed);
      return enc;
    } catch (IOException | RuntimeException e) {
      enc.close();
      throw e;
    }
  }

  private static CaptionEncoder towerOrNull(CaptionEncoder e) {
    return "words".equals(e.name()) ? null : e;
  }

  private void planIterations() {
    int epochs = config.totalEpochs();
    epochBatches = new int[epochs];
    totalIterations = 0;
    for (int e = 0; e < epochs; e++) {
      epochBatches[e] = trainIt.batchesInEpoch(e);
      totalIterations += epochBatches[e];
    }
    TrainConfig.Schedule s = config.schedule();
    long warmup = Math.round(s.warmupEpochs() * epochBatches[0]);
    long[] milestones = new long[s.milestones().size()];
    for (int i = 0; i < milestones.length; i++) {
      milestones[i] = iterationAtEpoch(s.milestones().get(i));
    }
    double lr = config.optimizer().lr();
    if (options.maxSeconds() > 0 && s.followBudget() && !s.type().equals("step")) {
      // warm-up and decay over the time budget: the run ends annealed whatever the step rate
      schedule =
          new BudgetSchedule(
                  s.type().equals("cosine")
                      ? BudgetSchedule.Kind.COSINE
                      : BudgetSchedule.Kind.CONSTANT,
                  lr,
                  Math.min(s.minLr(), lr),
                  s.warmupFraction())
              .attach(this::budgetFraction);
      return;
    }
    WarmupSchedule.Kind kind =
        switch (s.type()) {
          case "cosine" -> WarmupSchedule.Kind.COSINE;
          case "step" -> WarmupSchedule.Kind.STEP;
          default -> WarmupSchedule.Kind.CONSTANT;
        };
    schedule =
        new WarmupSchedule(
            kind,
            config.optimizer().lr(),
            Math.min(s.minLr(), config.optimizer().lr()),
            Math.min(warmup, Math.max(0, totalIterations - 1)),
            Math.max(1, totalIterations),
            milestones,
            s.gamma());
  }

  private long iterationAtEpoch(double epoch) {
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

  private int stageOfEpoch(int epoch) {
    int e = 0;
    for (int s = 0; s < config.stages().size(); s++) {
      e += config.stages().get(s).epochs();
      if (epoch < e) {
        return s;
      }
    }
    return config.stages().size() - 1;
  }

  /** Runs epochs from the state; returns the final state, or null when stopped on purpose. */
  private TrainState loop(TrainState start, RunInfo info, ModelConfig mc) throws IOException {
    long iteration = start.iteration();
    int epoch = start.epoch();
    int batch = start.batchInEpoch();
    clock.start();
    for (TrainingListener l : listeners) {
      l.runStarted(iteration, totalIterations);
    }
    long doneHere = 0;
    boolean timeUp = false;
    while (epoch < epochBatches.length && !timeUp) {
      int stage = stageOfEpoch(epoch);
      if (stage != graphStage) {
        switchStage(stage, mc, info, iteration);
      }
      if (model != announcedModel) {
        for (TrainingListener l : listeners) {
          l.modelChanged(model);
        }
        announcedModel = model;
      }
      TrainConfig.Stage st = config.stages().get(stage);
      trainIt.resetTo(epoch, batch);
      while (trainIt.hasNext()) {
        long s0 = System.nanoTime();
        MultiDataSet raw = trainIt.next();
        INDArray tokens = raw.getFeatures(1);
        if (mc.textShift() && !mc.text().tower()) {
          tokens = new TokenShift(Seeds.derive(config.seed(), "shift", iteration)).apply(tokens);
        }
        MultiDataSet b = model.trainingBatch(raw.getFeatures(0), tokens, raw.getLabels(0));
        if (iteration == start.iteration() || doneHere == 0) {
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
                st.name(),
                epoch,
                batch,
                epochBatches[epoch],
                totalIterations,
                (int) raw.getFeatures(0).size(0),
                schedule.valueAt(Math.toIntExact(iteration), epoch),
                values,
                seconds);
        for (TrainingListener l : listeners) {
          l.iterationDone(r); // NanGuard throws here, before anything is saved
        }
        iteration++;
        batch++;
        doneHere++;
        trainedIterations = doneHere;
        int every = config.checkpoint().everyIterations();
        boolean epochEnd = !trainIt.hasNext();
        if (every > 0 && iteration % every == 0 && !epochEnd) {
          checkpoint(
              new TrainState(
                  iteration,
                  graphStage,
                  epoch,
                  batch,
                  bestScore,
                  bestIteration,
                  false,
                  clock.elapsedSeconds()));
        }
        if (options.stopAfterIterations() > 0 && doneHere >= options.stopAfterIterations()) {
          return null;
        }
        if (options.maxSeconds() > 0 && clock.elapsedSeconds() > options.maxSeconds()) {
          LOG.info(
              "time budget of {} s reached after iteration {}: finishing",
              options.maxSeconds(),
              iteration);
          timeUp = true;
          break;
        }
      }
      boolean lastEpoch = epoch + 1 >= epochBatches.length || timeUp;
      boolean stageEnd = lastEpoch || stageOfEpoch(epoch + 1) != stage;
      if (!timeUp) {
        for (TrainingListener l : listeners) {
          l.epochDone(epoch, iteration);
        }
      }
      if (shouldValidate(epoch, stageEnd, lastEpoch)) {
        validate(epoch, iteration);
      }
      epoch++;
      batch = 0;
      checkpoint(
          new TrainState(
              iteration,
              graphStage,
              epoch,
              0,
              bestScore,
              bestIteration,
              lastEpoch,
              clock.elapsedSeconds()));
    }
    for (TrainingListener l : listeners) {
      l.runFinished(iteration);
    }
    return new TrainState(
        iteration, graphStage, epoch, 0, bestScore, bestIteration, true, clock.elapsedSeconds());
  }

  private boolean shouldValidate(int epoch, boolean stageEnd, boolean lastEpoch) {
    if (data.dataset().images(Split.VAL).isEmpty()) {
      return false;
    }
    double every = config.eval().intervalEpochs();
    if (lastEpoch) {
      return true;
    }
    if (every <= 0) {
      return stageEnd;
    }
    int n = (int) Math.max(1, Math.round(every));
    return (epoch + 1) % n == 0;
  }

  private void switchStage(int stage, ModelConfig mc, RunInfo info, long iteration) {
    TrainConfig.Stage st = config.stages().get(stage);
    LOG.info(
        "stage {} '{}': {} epochs, loss {}{}",
        stage + 1,
        st.name(),
        st.epochs(),
        config.lossOf(st),
        st.freezeImage() ? ", image backbone frozen" : "");
    LossMix next = ModelFactory.lossMix(config.lossOf(st));
    TbpsModel previous = model;
    model = TbpsModel.create(mc);
    byte[] backbone = null;
    if (previous != null) {
      int n = ModelFactory.copyWeights(previous.sameDiff(), model.sameDiff());
      LOG.debug("copied {} arrays into the stage {} graph", n, stage + 1);
      backbone = previous.attachment(ModelAttachments.BACKBONE).orElse(null);
      previous.close(); // its native memory now, not at some later GC
    } else if (pretrained != null) {
      int n =
          pretrained.applyTo(model, "model.image.pretrained (" + config.model().pretrained() + ")");
      LOG.info(
          "image backbone from {} ({} arrays, {} parameters, from {})",
          config.model().pretrained(),
          n,
          pretrained.parameterCount(),
          pretrained.source());
      backbone =
          pretrained.metadata(false).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    attachMetadata(model, info);
    if (backbone != null) {
      model.putAttachment(ModelAttachments.BACKBONE, backbone);
    }
    mix = next;
    ModelFactory.attach(model, mix);
    if (st.freezeImage()) {
      model.freezeImageBackbone();
    }
    model
        .sameDiff()
        .setTrainingConfig(ModelFactory.trainingConfig(config, model, schedule, iteration));
    terms =
        new LossTermsListener(ModelFactory.termWeights(mix), Seeds.derive(config.seed(), "step"));
    graphStage = stage;
  }

  private void attachMetadata(TbpsModel m, RunInfo info) {
    m.putAttachment(ModelAttachments.VOCABULARY, data.vocabulary().toJson());
    m.putAttachment(ModelAttachments.CLASSES, data.classes().toJson());
    m.putAttachment(ModelAttachments.PREPROCESSING, data.images().toJson());
    m.putAttachment(ModelAttachments.CONFIG, ConfigLoader.toYaml(config));
    m.putAttachment(ModelAttachments.RUN, info.json());
    captions.attachments().forEach(m::putAttachment);
  }

  private void checkpoint(TrainState s) throws IOException {
    if (failures.count() != failuresWritten) {
      writeInfo();
    }
    history.write(); // the history is never behind a checkpoint a run may resume from
    store.save(s, tmp -> model.save(tmp, true));
  }

  private void validate(int epoch, long iteration) throws IOException {
    recalibrate();
    SplitEvaluator.Outcome o =
        SplitEvaluator.evaluate(
            model,
            data.dataset(),
            Split.VAL,
            captions,
            data.loader(),
            config.eval().batchSize(),
            config.eval().chunk(),
            config.eval().valQueries(),
            config.data().workers(),
            failures);
    Map<String, Double> m = new LinkedHashMap<>();
    o.metrics().asPercentMap().forEach((k, v) -> m.put(k, ((Number) v).doubleValue()));
    double r1 = m.get("R@1");
    boolean best = r1 > bestScore;
    if (best) {
      bestScore = r1;
      bestIteration = iteration;
      store.saveBest(
          new TrainState(iteration, graphStage, epoch + 1, 0, bestScore, bestIteration, false),
          tmp -> model.save(tmp, false));
    }
    for (TrainingListener l : listeners) {
      l.validationDone(epoch, iteration, m, best);
    }
  }

  private void recalibrate() {
    int n = options.calibrationBatches();
    if (n <= 0) {
      return;
    }
    List<Map<String, INDArray>> batches = new ArrayList<>();
    try (PkTrainingIterator it =
        data.calibrationIterator(
            Seeds.derive(config.seed(), "calibration"), failures, towerOrNull(captions))) {
      for (int i = 0; i < n && it.hasNext(); i++) {
        MultiDataSet b = it.next();
        Map<String, INDArray> in = new LinkedHashMap<>(model.imageInputs(b.getFeatures(0)));
        in.putAll(model.textInputs(b.getFeatures(1)));
        batches.add(in);
      }
    }
    BatchNormStatistics.recalibrate(model, batches);
  }

  private Result finish(TrainState end, RunInfo info, boolean alreadyFinished) throws IOException {
    Path release = runDir.resolve(MODEL_ZIP);
    TbpsModel selected;
    Optional<Path> best = store.best();
    if (best.isPresent()) {
      selected = TbpsModel.load(best.get(), false);
      LOG.info(
          "selected the best validation model: R@1 {} at iteration {}", bestScore, bestIteration);
    } else if (model != null) {
      recalibrate();
      selected = model;
    } else {
      selected = TbpsModel.load(store.latest().orElseThrow().model(), false);
    }
    if (!alreadyFinished || !Files.isRegularFile(release)) {
      selected.save(release, false);
    }
    checkpointFinished(end);
    SplitEvaluator.Outcome test = null;
    if (options.evaluateTest() && !data.dataset().images(Split.TEST).isEmpty()) {
      test =
          SplitEvaluator.evaluate(
              selected,
              data.dataset(),
              Split.TEST,
              captions,
              data.loader(),
              config.eval().batchSize(),
              config.eval().chunk(),
              0,
              config.data().workers(),
              failures);
      Map<String, Object> m = new LinkedHashMap<>(test.metrics().asPercentMap());
      m.put("selected_iteration", bestIteration);
      m.put("seconds", test.seconds());
      history.testDone(m);
      LOG.info("test: {}", test.metrics().asPercentMap());
    }
    if (selected != model) {
      selected.close(); // loaded for selection and the test only
    }
    info.finished();
    writeInfo();
    return new Result(runDir, release, end.iteration(), bestScore, test, true);
  }

  private void checkpointFinished(TrainState end) throws IOException {
    if (model != null) {
      Optional<CheckpointStore.Checkpoint> last = store.latest();
      if (last.isEmpty() || !last.get().state().finished()) {
        checkpoint(
            new TrainState(
                end.iteration(), graphStage, end.epoch(), 0, bestScore, bestIteration, true));
      }
    }
  }

  /**
   * Replaces the wall clock of the time budget (tests: a clock that advances a fixed amount per
   * step makes a budgeted run deterministic).
   *
   * @param nanos a monotonic time source in nanoseconds
   * @return this trainer
   */
  Trainer withClock(java.util.function.LongSupplier nanos) {
    this.clockSource = nanos;
    return this;
  }

  /** Elapsed share of the time budget (0 without a budget). */
  private double budgetFraction() {
    return options.maxSeconds() > 0 ? clock.elapsedSeconds() / options.maxSeconds() : 0;
  }

  /**
   * Wall time of the training loop over every process of a run: what a resumed run inherits from
   * its checkpoint plus what this process has run since {@link #start()} (called after the
   * process's first step, so building the gradient graph does not count).
   */
  static final class TrainingClock {
    private final java.util.function.LongSupplier nanos;
    private double prior;
    private long startedNanos = -1;

    TrainingClock(java.util.function.LongSupplier nanos) {
      this.nanos = nanos;
    }

    void resumeFrom(double seconds) {
      prior = Math.max(0, seconds);
    }

    void start() {
      startedNanos = nanos.getAsLong();
    }

    double elapsedSeconds() {
      return prior + (startedNanos < 0 ? 0 : (nanos.getAsLong() - startedNanos) / 1e9);
    }
  }

  /**
   * Deletes the temporary files of writes a killed process left in the run directory and its
   * checkpoints ({@code .<name>NNN.tmp}, {@link org.tbps4j.model.AtomicFiles}). Safe: the run's
   * lock is held, so no other process is writing here.
   */
  private void removeLeftoverTemporaries() throws IOException {
    int n = 0;
    for (Path d : List.of(runDir, runDir.resolve("checkpoints"))) {
      if (!Files.isDirectory(d)) {
        continue;
      }
      try (var s = Files.list(d)) {
        for (Path p : s.toList()) {
          String name = p.getFileName().toString();
          if (name.startsWith(".") && name.endsWith(".tmp") && Files.isRegularFile(p)) {
            Files.deleteIfExists(p);
            n++;
          }
        }
      }
    }
    if (n > 0) {
      LOG.info("removed {} temporary file(s) of an interrupted write in {}", n, runDir);
    }
  }

  /** Writes run.json with the images that failed to decode so far. */
  private void writeInfo() {
    info.decodeFailures(failures.files());
    failuresWritten = failures.count();
    info.write(runDir.resolve(RUN_JSON));
  }

  /** The failures recorded by an earlier process of this run (resume), or none. */
  private static List<String> previousDecodeFailures(Path runJson) {
    if (!Files.isRegularFile(runJson)) {
      return List.of();
    }
    try {
      com.fasterxml.jackson.databind.JsonNode files =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(runJson.toFile())
              .path("data")
              .path("decode_failures")
              .path("files");
      List<String> out = new ArrayList<>();
      files.forEach(f -> out.add(f.asText()));
      return out;
    } catch (IOException e) {
      LOG.debug("cannot read {}: {}", runJson, e.toString());
      return List.of();
    }
  }

  /** Small helper so the trainer never leaves half-written text files. */
  static final class AtomicWrite {
    private AtomicWrite() {}

    static void text(Path p, String s) {
      try {
        org.tbps4j.model.AtomicFiles.writeString(p, s);
      } catch (IOException e) {
        throw new UncheckedIOException(p + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * The model's graph (for tests and listeners that need it).
   *
   * @return the current graph, or null before the first stage
   */
  SameDiff sameDiff() {
    return model == null ? null : model.sameDiff();
  }
}
