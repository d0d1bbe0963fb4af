package org.tbps4j.train.sweep;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.api.TaskCreator;
import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;
import org.deeplearning4j.arbiter.optimize.api.data.DataSource;
import org.deeplearning4j.arbiter.optimize.api.score.ScoreFunction;
import org.deeplearning4j.arbiter.optimize.runner.CandidateInfo;
import org.deeplearning4j.arbiter.optimize.runner.CandidateStatus;
import org.deeplearning4j.arbiter.optimize.runner.IOptimizationRunner;
import org.deeplearning4j.arbiter.optimize.runner.listener.StatusListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tbps4j.train.Trainer;
import org.tbps4j.train.config.ConfigLoader;
import org.tbps4j.train.config.TrainConfig;
import org.tbps4j.train.listeners.ProgressListener;
import org.tbps4j.train.listeners.TrainingListener;

/**
 * Arbiter's task creator for sweeps: a candidate's task builds its training config (base + the
 * candidate's values, via {@link ConfigLoader#override}), trains it with the {@link Trainer} into
 * its own run directory {@code <sweep>/candidates/candidate-NNN} with the test split switched off,
 * scores it with the score function (best validation R@1) and hands it to the result saver.
 *
 * <p>A candidate whose run directory holds checkpoints of the same config (a sweep killed while
 * training it) continues from its newest checkpoint; any other leftover directory is cleared. A
 * failure of one candidate becomes a {@code failed} row and the sweep goes on, except running out
 * of memory (or another {@link VirtualMachineError}): that stops the sweep ({@link #fatal()}).
 */
@SuppressWarnings("deprecation") // Arbiter's TaskCreator/ScoreFunction signatures use DataProvider
final class SweepTaskCreator implements TaskCreator {
  private static final Logger LOG = LoggerFactory.getLogger(SweepTaskCreator.class);

  /** Folder of the candidates' run directories, inside the sweep folder. */
  static final String CANDIDATES = "candidates";

  private final SweepPlan plan;
  private final Path sweepDir;
  private final SweepResults table;
  private final Sweep.Listener listener;
  private final List<TrainingListener> trainingListeners;
  private final TableSaver.AfterSave afterFailure;
  private final List<Integer> trained = new ArrayList<>();
  private volatile VirtualMachineError fatal;

  SweepTaskCreator(
      SweepPlan plan,
      Path sweepDir,
      SweepResults table,
      Sweep.Listener listener,
      List<TrainingListener> trainingListeners,
      TableSaver.AfterSave afterFailure) {
    this.plan = plan;
    this.sweepDir = sweepDir;
    this.table = table;
    this.listener = listener;
    this.trainingListeners = List.copyOf(trainingListeners);
    this.afterFailure = afterFailure;
  }

  /**
   * The run directory of a candidate.
   *
   * @param sweepDir the sweep folder
   * @param index candidate number
   * @return {@code sweepDir/candidates/candidate-NNN}
   */
  static Path runDir(Path sweepDir, int index) {
    return sweepDir.resolve(CANDIDATES).resolve(String.format("candidate-%03d", index));
  }

  /**
   * The first out-of-memory (or other virtual-machine) error a candidate hit: the sweep stops and
   * rethrows it rather than recording it as one failed candidate and running into it again.
   *
   * @return the error, or null
   */
  VirtualMachineError fatal() {
    return fatal;
  }

  /** Indices trained (started) by this creator's tasks, in start order. */
  synchronized List<Integer> trained() {
    return List.copyOf(trained);
  }

  @Override
  @SuppressWarnings("rawtypes") // Arbiter's interface
  public Callable<OptimizationResult> create(
      Candidate candidate,
      DataProvider dataProvider,
      ScoreFunction scoreFunction,
      List<StatusListener> statusListeners,
      IOptimizationRunner runner) {
    return () -> run(candidate, dataProvider, scoreFunction, statusListeners, runner);
  }

  @Override
  @SuppressWarnings("rawtypes") // Arbiter's interface
  public Callable<OptimizationResult> create(
      Candidate candidate,
      Class<? extends DataSource> dataSource,
      Properties dataSourceProperties,
      ScoreFunction scoreFunction,
      List<StatusListener> statusListeners,
      IOptimizationRunner runner) {
    return () -> run(candidate, null, scoreFunction, statusListeners, runner);
  }

  private OptimizationResult run(
      Candidate<?> candidate,
      DataProvider data,
      ScoreFunction score,
      List<StatusListener> statusListeners,
      IOptimizationRunner runner) {
    int index = candidate.getIndex();
    SweepPoint point = (SweepPoint) candidate.getValue();
    Path runDir = runDir(sweepDir, index);
    String relRunDir = sweepDir.relativize(runDir).toString().replace('\\', '/');
    long start = System.currentTimeMillis();
    CandidateInfo info =
        new CandidateInfo(
            index,
            CandidateStatus.Running,
            null,
            start,
            start,
            null,
            candidate.getFlatParameters(),
            null);
    synchronized (this) {
      trained.add(index);
    }
    notify(statusListeners, info, runner, null);
    try {
      table.put(
          new SweepResults.Row(
              index, SweepResults.RUNNING, point.asMap(), null, 0, relRunDir, null));
      listener.candidateStarted(index, point);
      TrainConfig config = plan.configFor(point);
      Trainer.Result r = train(config, runDir);
      double s = score.score(r, data, candidate.getDataParameters());
      info.setCandidateStatus(CandidateStatus.Complete);
      info.setScore(s);
      info.setEndTime(System.currentTimeMillis());
      OptimizationResult result = new OptimizationResult(candidate, s, index, null, info, null);
      result.setResultReference(runner.getConfiguration().getResultSaver().saveModel(result, r));
      notify(statusListeners, info, runner, result);
      return result;
    } catch (Throwable e) {
      if (e instanceof VirtualMachineError vme && fatal == null) {
        fatal = vme; // not swallowed: Sweep.run stops and rethrows it
      }
      LOG.warn("candidate {} ({}) failed: {}", index, point, e.toString());
      LOG.debug("candidate failure", e);
      info.setCandidateStatus(CandidateStatus.Failed);
      info.setEndTime(System.currentTimeMillis());
      info.setExceptionStackTrace(stackTrace(e));
      SweepResults.Row row =
          new SweepResults.Row(
              index,
              SweepResults.FAILED,
              point.asMap(),
              null,
              (info.getEndTime() - start) / 1000.0,
              relRunDir,
              describe(e));
      try {
        table.put(row);
        afterFailure.saved(row);
      } catch (IOException io) {
        LOG.error("cannot record the failure of candidate {}: {}", index, io.toString());
      }
      OptimizationResult result = new OptimizationResult(candidate, null, index, null, info, null);
      notify(statusListeners, info, runner, result);
      return result;
    } finally {
      System.gc(); // native memory of the candidate's graphs (docs/samediff-m2.1.md, note 8)
    }
  }

  private Trainer.Result train(TrainConfig config, Path runDir) throws IOException {
    boolean resume = sameRun(runDir, config);
    if (!resume && Files.exists(runDir)) {
      deleteTree(runDir);
    }
    Files.createDirectories(runDir);
    try (PrintStream log =
        new PrintStream(
            new FileOutputStream(runDir.resolve("train.log").toFile(), true),
            true,
            StandardCharsets.UTF_8)) {
      List<TrainingListener> ls = new ArrayList<>();
      ls.add(new ProgressListener(log, false, 10));
      ls.addAll(trainingListeners);
      Trainer.Options opts =
          Trainer.Options.defaults()
              .withResume(resume)
              .withEvaluateTest(false) // selection never sees the test split
              .withListeners(ls);
      return new Trainer(config, runDir, opts).run();
    }
  }

  /** Whether runDir holds checkpoints of exactly this config (a candidate interrupted earlier). */
  private static boolean sameRun(Path runDir, TrainConfig config) throws IOException {
    Path cfg = runDir.resolve(Trainer.CONFIG_YAML);
    Path ckpt = runDir.resolve("checkpoints");
    if (!Files.isRegularFile(cfg) || !Files.isDirectory(ckpt)) {
      return false;
    }
    try {
      return ConfigLoader.load(cfg, List.of()).equals(config);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void notify(
      List<StatusListener> ls, CandidateInfo info, IOptimizationRunner r, OptimizationResult res) {
    for (StatusListener l : ls) {
      l.onCandidateStatusChange(info, r, res);
    }
  }

  /** One line: the innermost message worth showing, with the exception type when it helps. */
  static String describe(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null
        && t.getCause() != t
        && (t.getMessage() == null || t.getMessage().equals(t.getCause().toString()))) {
      t = t.getCause();
    }
    String msg = t.getMessage();
    String text =
        msg == null || msg.isBlank()
            ? t.getClass().getSimpleName()
            : (t instanceof IllegalArgumentException || t instanceof IllegalStateException
                ? msg
                : t.getClass().getSimpleName() + ": " + msg);
    return text.replace('\n', ' ').replace('\r', ' ');
  }

  private static String stackTrace(Throwable e) {
    java.io.StringWriter w = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(w));
    return w.toString();
  }
}
