package org.tbps4j.train.sweep;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.arbiter.optimize.api.termination.MaxCandidatesCondition;
import org.deeplearning4j.arbiter.optimize.api.termination.MaxTimeCondition;
import org.deeplearning4j.arbiter.optimize.api.termination.TerminationCondition;
import org.deeplearning4j.arbiter.optimize.config.OptimizationConfiguration;
import org.deeplearning4j.arbiter.optimize.runner.LocalOptimizationRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tbps4j.model.AtomicFiles;
import org.tbps4j.train.config.ConfigLoader;
import org.tbps4j.train.config.TrainConfig;
import org.tbps4j.train.listeners.TrainingListener;

/**
 * Runs a hyperparameter sweep with Arbiter: candidates from {@link SweepCandidates} (random or grid
 * search over a {@link SweepSpace}), trained by {@link SweepTaskCreator} on a {@link
 * LocalOptimizationRunner} ({@code parallelism} at a time), scored by {@link ValidationScore} (best
 * val R@1), recorded by the result saver into {@link SweepResults}, and stopped by {@link
 * MaxCandidatesCondition} / {@link MaxTimeCondition}.
 *
 * <p><b>Sweep folder.</b> {@code results.json}, {@code results.csv} (one row per candidate,
 * rewritten atomically as candidates finish), {@code best-config.yaml} (the best candidate's
 * training config, runnable with {@code tbps train --config}), {@code report.html} (score against
 * each parameter and the table), {@code base-config.yaml} and {@code sweep.yaml} (what was run),
 * and {@code candidates/candidate-NNN/} (each candidate's run directory).
 *
 * <p><b>Resume.</b> With {@link Options#resume}, candidates recorded as complete are skipped (the
 * same seed gives the same candidate list, and each skipped candidate's values are checked against
 * it); candidates recorded as running or failed are trained again. The budget counts all
 * candidates, so a sweep run with 2 and resumed with 3 trains only the third.
 *
 * <p><b>Time budget.</b> {@code max_minutes} stops the sweep from starting new candidates; a
 * candidate already training finishes, so that every score comes from a complete run.
 */
public final class Sweep {
  private static final Logger LOG = LoggerFactory.getLogger(Sweep.class);

  /** File names in the sweep folder (besides {@link SweepResults}'). */
  public static final String BEST_CONFIG = "best-config.yaml",
      REPORT_HTML = "report.html",
      BASE_CONFIG = "base-config.yaml",
      SWEEP_YAML = "sweep.yaml";

  /** Progress callbacks (may be called from candidate threads, one at a time). */
  public interface Listener {
    /**
     * The sweep starts.
     *
     * @param plan the sweep
     * @param dir its folder
     * @param toRun candidates this run will train at most ({@link Integer#MAX_VALUE}: until time)
     * @param skipped candidates completed earlier and skipped
     */
    default void sweepStarted(SweepPlan plan, Path dir, int toRun, List<Integer> skipped) {}

    /**
     * A candidate starts training.
     *
     * @param index candidate number
     * @param point its values
     */
    default void candidateStarted(int index, SweepPoint point) {}

    /**
     * A candidate finished (complete or failed).
     *
     * @param row its row
     * @param best the best row so far
     */
    default void candidateFinished(SweepResults.Row row, Optional<SweepResults.Row> best) {}
  }

  /**
   * How to run.
   *
   * @param resume continue the sweep in the folder (skip its complete candidates)
   * @param listener progress callbacks
   * @param trainingListeners extra listeners for every candidate's training
   */
  public record Options(
      boolean resume, Listener listener, List<TrainingListener> trainingListeners) {
    /** Copies the list. */
    public Options {
      trainingListeners = List.copyOf(trainingListeners);
    }

    /**
     * Fresh sweep, no callbacks.
     *
     * @return default options
     */
    public static Options defaults() {
      return new Options(false, new Listener() {}, List.of());
    }

    /**
     * With resume on or off.
     *
     * @param on resume
     * @return a copy
     */
    public Options withResume(boolean on) {
      return new Options(on, listener, trainingListeners);
    }

    /**
     * With progress callbacks.
     *
     * @param l the listener
     * @return a copy
     */
    public Options withListener(Listener l) {
      return new Options(resume, l, trainingListeners);
    }

    /**
     * With extra training listeners for every candidate.
     *
     * @param l listeners
     * @return a copy
     */
    public Options withTrainingListeners(List<TrainingListener> l) {
      return new Options(resume, listener, l);
    }
  }

  /**
   * The outcome.
   *
   * @param dir the sweep folder
   * @param rows every recorded candidate, by index
   * @param best the best complete candidate, or null when none completed
   * @param bestConfig {@code best-config.yaml}, or null when none completed
   * @param report {@code report.html}
   * @param trained candidates trained by this run, in start order
   * @param skipped candidates skipped because an earlier run completed them
   * @param seconds wall time of this run
   */
  public record Result(
      Path dir,
      List<SweepResults.Row> rows,
      SweepResults.Row best,
      Path bestConfig,
      Path report,
      List<Integer> trained,
      List<Integer> skipped,
      double seconds) {}

  private final SweepPlan plan;
  private final Path dir;
  private final Options options;
  private SweepResults table;

  /**
   * Prepares a sweep.
   *
   * @param plan the checked sweep
   * @param dir the sweep folder (created if missing)
   * @param options how to run
   */
  public Sweep(SweepPlan plan, Path dir, Options options) {
    this.plan = plan;
    this.dir = dir;
    this.options = options;
  }

  /**
   * The run directory of a candidate.
   *
   * @param sweepDir the sweep folder
   * @param index candidate number
   * @return {@code sweepDir/candidates/candidate-NNN}
   */
  public static Path runDir(Path sweepDir, int index) {
    return SweepTaskCreator.runDir(sweepDir, index);
  }

  /**
   * Runs (or resumes) the sweep.
   *
   * @return the outcome
   * @throws IllegalArgumentException when the folder holds another sweep, or a different one
   * @throws IOException on I/O failures
   */
  public Result run() throws IOException {
    long t0 = System.nanoTime();
    SweepConfig c = plan.config();
    Files.createDirectories(dir);
    if (!options.resume() && Files.exists(dir.resolve(SweepResults.JSON_FILE))) {
      throw new IllegalArgumentException(
          dir
              + " already holds a sweep ("
              + SweepResults.JSON_FILE
              + "): continue it with --resume or choose another output folder");
    }
    String baseYaml = ConfigLoader.toYaml(plan.base());
    Path baseFile = dir.resolve(BASE_CONFIG);
    if (options.resume()
        && Files.isRegularFile(baseFile)
        && !Files.readString(baseFile).equals(baseYaml)) {
      throw new IllegalArgumentException(
          "the base training config differs from the one the sweep in "
              + dir
              + " started with ("
              + baseFile
              + "): resume with the same sweep file or choose another output folder");
    }
    AtomicFiles.writeString(baseFile, baseYaml);
    AtomicFiles.writeString(dir.resolve(SWEEP_YAML), ConfigLoader.mapper().writeValueAsString(c));

    table =
        options.resume()
            ? SweepResults.load(dir, c.name(), c.paths())
            : new SweepResults(dir, c.name(), c.paths());
    Map<Integer, SweepPoint> recorded = new TreeMap<>();
    table.rows().forEach(row -> recorded.put(row.index(), row.point()));
    SweepCandidates.verify(plan, recorded);
    int budget = plan.budget();
    Map<Integer, SweepPoint> done = new TreeMap<>(table.completed());
    done.keySet().removeIf(i -> i >= budget);
    List<Integer> skipped = new ArrayList<>(done.keySet());
    boolean bounded = budget < Integer.MAX_VALUE;
    int toRun = bounded ? budget - done.size() : Integer.MAX_VALUE;
    table.write();
    refresh();
    options.listener().sweepStarted(plan, dir, toRun, skipped);

    SweepTaskCreator tasks =
        new SweepTaskCreator(
            plan, dir, table, options.listener(), options.trainingListeners(), this::finished);
    if (toRun > 0) {
      SweepCandidates candidates = new SweepCandidates(SweepCandidates.arbiter(plan), budget, done);
      List<TerminationCondition> stop = new ArrayList<>();
      if (bounded) {
        stop.add(new MaxCandidatesCondition(toRun));
      }
      if (c.maxMinutes() != null) {
        stop.add(
            new MaxTimeCondition(Math.max(1, Math.round(c.maxMinutes() * 60)), TimeUnit.SECONDS));
      }
      stop.add(new StopOnFatal(tasks)); // out of memory: no further candidate
      OptimizationConfiguration oc =
          new OptimizationConfiguration.Builder()
              .candidateGenerator(candidates)
              .scoreFunction(new ValidationScore())
              .modelSaver(new TableSaver(table, dir, this::finished))
              .terminationConditions(stop)
              .build();
      LocalOptimizationRunner runner = new LocalOptimizationRunner(c.parallelism(), oc, tasks);
      PrintStream stdout = System.out; // graph builds swap System.out (Quiet); keep ours
      try {
        runner.execute();
      } finally {
        System.setOut(stdout);
      }
      if (tasks.fatal() != null) {
        refresh();
        throw tasks.fatal();
      }
    }
    refresh();
    Optional<SweepResults.Row> best = table.best();
    LOG.info(
        "sweep {} finished: {} candidates recorded, best {}",
        c.name(),
        table.rows().size(),
        best.map(b -> "candidate " + b.index() + " (val R@1 " + b.score() + ")").orElse("none"));
    return new Result(
        dir,
        table.rows(),
        best.orElse(null),
        best.isPresent() ? dir.resolve(BEST_CONFIG) : null,
        dir.resolve(REPORT_HTML),
        tasks.trained(),
        skipped,
        (System.nanoTime() - t0) / 1e9);
  }

  /** Ends the search once a candidate ran out of memory. */
  private record StopOnFatal(SweepTaskCreator tasks)
      implements org.deeplearning4j.arbiter.optimize.api.termination.TerminationCondition {
    @Override
    public void initialize(org.deeplearning4j.arbiter.optimize.runner.IOptimizationRunner r) {}

    @Override
    public boolean terminate(org.deeplearning4j.arbiter.optimize.runner.IOptimizationRunner r) {
      return tasks.fatal() != null;
    }
  }

  /** After each recorded candidate: best config, report, progress. */
  private synchronized void finished(SweepResults.Row row) throws IOException {
    refresh();
    options.listener().candidateFinished(row, table.best());
  }

  private synchronized void refresh() throws IOException {
    Optional<SweepResults.Row> best = table.best();
    if (best.isPresent()) {
      AtomicFiles.writeString(dir.resolve(BEST_CONFIG), bestConfigYaml(best.get()));
    }
    SweepReport.write(plan, table.rows(), dir.resolve(REPORT_HTML));
  }

  /**
   * The best candidate's training config as YAML, with a comment header saying where it comes from.
   *
   * @param best the best row
   * @return YAML text that {@code tbps train --config} runs
   */
  String bestConfigYaml(SweepResults.Row best) {
    TrainConfig cfg = plan.configFor(best.point());
    return "# Best candidate of sweep '"
        + plan.config().name()
        + "' ("
        + plan.source()
        + "): candidate "
        + best.index()
        + ", best validation R@1 "
        + String.format(java.util.Locale.ROOT, "%.2f", best.score())
        + " %.\n# Searched values: "
        + best.point()
        + "\n# Selected on the val split only (the test split was never evaluated).\n"
        + "# Train it with: tbps train --config "
        + dir.resolve(BEST_CONFIG)
        + "\n"
        + ConfigLoader.toYaml(cfg);
  }
}
