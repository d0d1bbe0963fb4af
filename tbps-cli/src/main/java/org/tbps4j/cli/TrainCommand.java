package org.tbps4j.cli;

import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.tbps4j.train.Trainer;
import org.tbps4j.train.config.ConfigLoader;
import org.tbps4j.train.config.TrainConfig;
import org.tbps4j.train.listeners.NonFiniteLossException;
import org.tbps4j.train.listeners.ProgressListener;
import org.tbps4j.train.listeners.TrainingListener;
import org.tbps4j.train.run.RunLock;
import org.tbps4j.ui.DashboardListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tbps train}: train from a YAML/JSON config, or resume a run. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Train a dual-path model from a YAML/JSON config (see configs/).",
      "Progress bar, atomic checkpoints, validation on the val split, best-model selection and a",
      "final test.",
      "A run killed at any point continues with --resume RUN_DIR and ends with the same weights."
    })
public final class TrainCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "Training config (YAML or JSON).")
  Path config;

  @Option(
      names = "--out",
      paramLabel = "RUN_DIR",
      description = "Run directory (default: runs/<name>-<time>).")
  Path out;

  @Option(
      names = "--resume",
      paramLabel = "RUN_DIR",
      description = "Continue the run in RUN_DIR from its newest checkpoint.")
  Path resume;

  @Option(
      names = "--set",
      paramLabel = "PATH=VALUE",
      description = "Override a config value, e.g. optimizer.lr=3e-4, loss.mam.params.m=2.")
  List<String> overrides = new ArrayList<>();

  @Option(
      names = "--max-minutes",
      paramLabel = "M",
      description = "Stop training after M minutes and finish normally (validation, test).")
  Double maxMinutes;

  @Option(names = "--no-test", description = "Do not evaluate the test split at the end.")
  boolean noTest;

  @Option(
      names = "--ui",
      description = {
        "Serve the training dashboard (DL4J UI) while training, at http://127.0.0.1:9000/ by"
            + " default; records RUN_DIR/ui-stats.bin and ui-graph.bin."
      })
  boolean ui;

  @Option(
      names = "--ui-stats",
      description =
          "Record the dashboard files without serving them (view them with tbps ui --stats"
              + " RUN_DIR, also while training).")
  boolean uiStats;

  @Option(
      names = "--ui-port",
      paramLabel = "P",
      description = "Dashboard port (with --ui; default 9000, 0 = any free port).")
  Integer uiPort;

  @Option(
      names = "--ui-host",
      paramLabel = "H",
      description =
          "Dashboard loopback address (with --ui; default 127.0.0.1; the dashboard has no login,"
              + " so other addresses are refused: forward the port with ssh -L instead).")
  String uiHost;

  @Option(
      names = "--ui-sample-every",
      paramLabel = "N",
      description = "Dashboard: update:parameter statistics every N steps (default 10).")
  int uiSampleEvery = DashboardListener.Options.defaults().sampleEvery(); // also when built in code

  /** Extra listeners (the dashboard adds its own); set by wrapping commands. */
  List<TrainingListener> extraListeners = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    if ((config == null) == (resume == null)) {
      throw new IllegalArgumentException("give exactly one of --config FILE or --resume RUN_DIR");
    }
    if (maxMinutes != null && (!(maxMinutes > 0) || Double.isInfinite(maxMinutes))) {
      throw new IllegalArgumentException(
          "--max-minutes must be > 0 (and finite), got " + maxMinutes);
    }
    Dashboard.requireLoopback(uiHost, "--ui-host", uiPort);
    TrainConfig cfg;
    Path runDir;
    if (resume != null) {
      if (!overrides.isEmpty()) {
        throw new IllegalArgumentException(
            "--set cannot be combined with --resume: a resumed run keeps its config");
      }
      runDir = resume;
      cfg = Trainer.configOf(runDir);
      try (RunLock lock = RunLock.acquire(runDir)) {
        return run(cfg, runDir, true);
      }
    } else {
      cfg = ConfigLoader.load(config, overrides);
      runDir = out != null ? out : defaultRunDir(cfg.name(), LocalDateTime.now());
      try (RunLock lock = RunLock.acquire(runDir)) {
        if (Files.isDirectory(runDir.resolve("checkpoints"))) {
          throw new IllegalArgumentException(
              runDir
                  + " already holds a run: continue it with --resume "
                  + runDir
                  + " or choose another --out");
        }
        return run(cfg, runDir, false);
      }
    }
  }

  /**
   * The default run directory {@code runs/<name>-<yyyyMMdd-HHmmss>}: the config name is a label, so
   * anything but letters, digits, '.', '_' and '-' becomes '_' and a leading dot gets a '_' in
   * front; the result is always a direct child of {@code runs/}.
   *
   * @param name the config's name
   * @param time the start time
   * @return the directory
   */
  static Path defaultRunDir(String name, LocalDateTime time) {
    String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
    if (safe.isEmpty() || safe.startsWith(".")) {
      safe = "_" + safe;
    }
    Path runs = Path.of("runs");
    Path dir =
        runs.resolve(safe + "-" + time.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    if (!runs.equals(dir.normalize().getParent())) {
      throw new IllegalStateException("run directory " + dir + " is not inside runs/");
    }
    return dir;
  }

  /** Trains into {@code runDir}, holding its {@link RunLock} (re-entrant for the caller's). */
  int run(TrainConfig cfg, Path runDir, boolean isResume) throws Exception {
    try (RunLock lock = RunLock.acquire(runDir)) {
      return runLocked(cfg, runDir, isResume);
    }
  }

  private int runLocked(TrainConfig cfg, Path runDir, boolean isResume) throws Exception {
    if (!ui && (uiPort != null || uiHost != null)) {
      throw new IllegalArgumentException("--ui-port and --ui-host need --ui");
    }
    if (uiSampleEvery < 1) {
      throw new IllegalArgumentException("--ui-sample-every must be >= 1, got " + uiSampleEvery);
    }
    DashboardListener.Options dashOptions =
        new DashboardListener.Options(
            uiSampleEvery, DashboardListener.Options.defaults().sampledVariables());
    Files.createDirectories(runDir);
    var out = spec.commandLine().getOut();
    try (Dashboard dash = Dashboard.open(ui || uiStats, ui, runDir, dashOptions, uiHost, uiPort);
        RunLogging log = RunLogging.toFile(runDir.resolve("train.log"));
        PrintStream logFile =
            new PrintStream(
                new FileOutputStream(runDir.resolve("train.log").toFile(), true),
                true,
                StandardCharsets.UTF_8)) {
      List<TrainingListener> listeners = new ArrayList<>();
      double budget = maxMinutes == null ? 0 : maxMinutes * 60;
      listeners.add(
          new ProgressListener(System.err, System.console() != null, 0.5).withBudget(budget));
      listeners.add(new ProgressListener(logFile, false, 10).withBudget(budget));
      listeners.addAll(extraListeners);
      dash.listener().ifPresent(listeners::add);
      dash.announce(out, spec.commandLine().getErr());
      Trainer.Options opts =
          Trainer.Options.defaults()
              .withResume(isResume)
              .withListeners(listeners)
              .withMaxSeconds(maxMinutes == null ? 0 : maxMinutes * 60)
              .withEvaluateTest(!noTest);
      Trainer.Result r;
      try {
        r = new Trainer(cfg, runDir, opts).run();
      } catch (NonFiniteLossException e) {
        spec.commandLine()
            .getErr()
            .println(
                "tbps train: stopped: "
                    + e.getMessage()
                    + System.lineSeparator()
                    + "the last good checkpoint is kept in "
                    + runDir.resolve("checkpoints"));
        return CliErrors.EXIT_INTERNAL;
      }
      out.println("run directory: " + r.runDir());
      out.println("model:         " + r.model());
      if (r.bestValidation() >= 0) {
        out.printf("best val R@1:  %.2f%n", r.bestValidation());
      }
      if (r.test() != null) {
        out.println("test (" + r.test().metrics().queries() + " queries):");
        out.print(r.test().metrics().toTable());
      }
      out.flush();
    }
    return CliErrors.EXIT_OK;
  }
}
