package org.tbps4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.tbps4j.train.sweep.SeedSpread;
import org.tbps4j.train.sweep.Sweep;
import org.tbps4j.train.sweep.SweepConfig;
import org.tbps4j.train.sweep.SweepPlan;
import org.tbps4j.train.sweep.SweepPoint;
import org.tbps4j.train.sweep.SweepResults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tbps sweep}: an Arbiter random or grid search over numeric training-config settings. */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    description = {
      "Random or grid search (Arbiter) over numeric training-config values.",
      "Searches loss margins and scales, PSW coefficients, loss weights, learning rate...",
      "(see configs/sweeps/).",
      "Each candidate trains into DIR/candidates/candidate-NNN and is scored by its best",
      "validation R@1; the test split is never evaluated. Writes DIR/results.csv and",
      "DIR/results.json as candidates finish, DIR/best-config.yaml (run it with",
      "tbps train --config) and DIR/report.html. A killed sweep continues with --resume."
    })
public final class SweepCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      required = true,
      paramLabel = "SWEEP.yaml",
      description = "Sweep file (YAML or JSON).")
  Path config;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Sweep folder (default: sweeps/<name>).")
  Path out;

  @Option(
      names = "--resume",
      description = "Continue the sweep in the folder: skip its complete candidates.")
  boolean resume;

  @Option(
      names = "--max-candidates",
      paramLabel = "N",
      description = "Override max_candidates (the total, finished ones included).")
  Integer maxCandidates;

  @Option(
      names = "--max-minutes",
      paramLabel = "M",
      description = "Override max_minutes: no candidate starts after M minutes.")
  Double maxMinutes;

  @Override
  public Integer call() throws Exception {
    if (maxCandidates != null && maxCandidates < 1) {
      throw new IllegalArgumentException("--max-candidates must be >= 1, got " + maxCandidates);
    }
    if (maxMinutes != null && !(maxMinutes > 0)) {
      throw new IllegalArgumentException("--max-minutes must be > 0, got " + maxMinutes);
    }
    SweepPlan plan = SweepPlan.load(config).withBudget(maxCandidates, maxMinutes);
    Path dir = out != null ? out : Path.of("sweeps", plan.config().name());
    if (resume && !Files.isRegularFile(dir.resolve(SweepResults.JSON_FILE))) {
      throw new IllegalArgumentException(
          "--resume: " + dir + " holds no sweep (no " + SweepResults.JSON_FILE + ")");
    }
    PrintWriter o = spec.commandLine().getOut();
    Files.createDirectories(dir);
    Sweep.Result r;
    try (RunLogging log = RunLogging.toFile(dir.resolve("sweep.log"))) {
      r =
          new Sweep(
                  plan,
                  dir,
                  Sweep.Options.defaults().withResume(resume).withListener(new Progress(o)))
              .run();
    }
    o.printf(
        Locale.ROOT,
        "%nsweep %s done in %.0f s: %d trained now, %d skipped, %d recorded%n",
        plan.config().name(),
        r.seconds(),
        r.trained().size(),
        r.skipped().size(),
        r.rows().size());
    o.println("results:     " + dir.resolve(SweepResults.CSV_FILE));
    o.println("report:      " + r.report());
    if (r.best() == null) {
      o.flush();
      spec.commandLine()
          .getErr()
          .println(
              "tbps sweep: no candidate completed; see the errors in "
                  + dir.resolve(SweepResults.CSV_FILE));
      return CliErrors.EXIT_INTERNAL;
    }
    o.printf(
        Locale.ROOT,
        "best:        candidate %d, val R@1 %.2f: %s%n",
        r.best().index(),
        r.best().score(),
        r.best().point());
    SeedSpread.of(plan.config().paths(), r.rows())
        .ifPresent(
            sp -> {
              SeedSpread.Group top = sp.groups().get(0);
              o.printf(
                  Locale.ROOT,
                  "best setting over %d seeds: %s, mean val R@1 %.2f ± %.2f%n",
                  top.scores().size(),
                  SweepPoint.of(top.setting()),
                  top.mean(),
                  top.halfRange());
              o.println("seeds:       " + sp.verdict());
            });
    o.println("best config: " + r.bestConfig());
    o.println("train it:    tbps train --config " + r.bestConfig());
    o.flush();
    return CliErrors.EXIT_OK;
  }

  /** One line per candidate start and end. */
  static final class Progress implements Sweep.Listener {
    private final PrintWriter out;
    private int total;
    private int started;
    private int done;

    Progress(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void sweepStarted(SweepPlan plan, Path dir, int toRun, List<Integer> skipped) {
      SweepConfig c = plan.config();
      total = toRun;
      out.printf(
          Locale.ROOT,
          "sweep %s: %s search over %s; %s in %s%n",
          c.name(),
          c.search(),
          String.join(", ", c.paths()),
          (toRun == Integer.MAX_VALUE ? "candidates until the time budget" : toRun + " to train")
              + (c.maxMinutes() == null ? "" : " (at most " + c.maxMinutes() + " min)")
              + (skipped.isEmpty() ? "" : ", " + skipped.size() + " complete ones skipped"),
          dir);
      out.flush();
    }

    @Override
    public synchronized void candidateStarted(int index, SweepPoint point) {
      started++;
      out.printf(Locale.ROOT, "[%s] candidate %d: %s%n", count(started), index, point);
      out.flush();
    }

    @Override
    public synchronized void candidateFinished(
        SweepResults.Row row, Optional<SweepResults.Row> best) {
      done++;
      String what =
          row.complete()
              ? String.format(Locale.ROOT, "val R@1 %.2f", row.score())
              : "FAILED: " + row.error();
      out.printf(
          Locale.ROOT,
          "[%s] candidate %d %s in %.0f s%s%n",
          count(done),
          row.index(),
          what,
          row.seconds(),
          best.map(
                  b ->
                      String.format(
                          Locale.ROOT, "; best so far %.2f (candidate %d)", b.score(), b.index()))
              .orElse(""));
      out.flush();
    }

    private String count(int n) {
      return total == Integer.MAX_VALUE ? Integer.toString(n) : n + "/" + total;
    }
  }
}
