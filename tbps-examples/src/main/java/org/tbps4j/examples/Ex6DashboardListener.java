package org.tbps4j.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.stats.api.StatsReport;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;
import org.tbps4j.train.Trainer;
import org.tbps4j.train.config.ConfigLoader;
import org.tbps4j.train.config.TrainConfig;
import org.tbps4j.ui.DashboardListener;
import org.tbps4j.ui.LossTermsReport;
import org.tbps4j.ui.RunDashboard;
import org.tbps4j.ui.RunStatsFollower;

/**
 * Example 6: record the Deeplearning4j training dashboard of a run — what {@code tbps train
 * --ui-stats} does — and read back what was recorded. No browser is needed; to look at it, serve
 * the run with {@code tbps ui --stats RUN_DIR} (loopback only, {@code http://127.0.0.1:9000/}).
 *
 * <ol>
 *   <li>{@link RunDashboard#open} creates the run's dashboard files ({@code ui-stats.bin}, a DL4J
 *       {@code FileStatsStorage}, and {@code ui-graph.bin}, the SameDiff graph log) and a {@link
 *       DashboardListener}, the bridge from SameDiff training to DL4J's stats reports.
 *   <li>The listener goes into the trainer's listeners: every step it posts a stats report (score,
 *       learning rate, memory, throughput; parameter statistics every few steps) and every loss
 *       term.
 *   <li>{@link RunStatsFollower} copies the file's records into a storage, as the dashboard server
 *       does; here we print them.
 * </ol>
 */
public final class Ex6DashboardListener {
  private Ex6DashboardListener() {}

  /** A small training run ({@code %s}: data root, then preset). */
  static final String CONFIG =
      """
      name: dashboard-example
      seed: 7
      data: {root: "%s", image_height: 32, image_width: 16, max_length: 16, min_word_count: 1,
             p: 4, k: 2, workers: 1}
      model: {preset: %s, drop_fraction: 0}
      loss:
        - {name: cmpm, weight: 1.0}
        - {name: cmpc, weight: 0.8}
        - {name: mam, weight: 0.2}
        - {name: psw, weight: 1.0}
      optimizer: {type: adam, lr: 0.003}
      stages: [{name: joint, epochs: 1}]
      eval: {interval_epochs: 1, batch_size: 32}
      checkpoint: {every_iterations: 0, keep_last: 1}
      """;

  /**
   * One recorded step.
   *
   * @param iteration the step
   * @param score the score the dashboard plots (the weighted total loss)
   * @param learningRate the learning rate of the step
   * @param terms every loss term of the step, and the total ({@code loss/total})
   */
  public record Step(
      long iteration, double score, double learningRate, Map<String, Double> terms) {}

  /**
   * What the example did.
   *
   * @param iterations training steps done
   * @param session the session ID of the run in the stats file
   * @param steps what the stats file holds for each step
   * @param statsFile the stats file
   */
  public record Result(long iterations, String session, List<Step> steps, Path statsFile) {}

  /**
   * Trains with the dashboard listener and reads the recorded stats back.
   *
   * @param root dataset root in CUHK-PEDES layout
   * @param runDir the run directory
   * @param preset the network preset ({@code micro} for a test, {@code tiny} for a real run)
   * @return the recorded steps
   * @throws IOException when files cannot be read or written
   */
  public static Result run(Path root, Path runDir, String preset) throws IOException {
    TrainConfig config =
        ConfigLoader.parse(
            CONFIG.formatted(root.toAbsolutePath().toString().replace('\\', '/'), preset),
            "Ex6 config");

    // 1 + 2: the dashboard files and their listener, handed to the trainer.
    Trainer.Result trained;
    String session;
    DashboardListener.Options collect = new DashboardListener.Options(2, 4); // every 2 steps, 4 W
    try (RunDashboard dashboard = RunDashboard.open(runDir, collect)) {
      session = dashboard.listener().sessionId();
      Trainer.Options options =
          Trainer.Options.defaults()
              .withEvaluateTest(false)
              .withListeners(List.of(dashboard.listener()));
      trained = new Trainer(config, runDir, options).run();
      // to watch it live instead:
      //   DashboardServer server = DashboardServer.start(DashboardServer.LOOPBACK, 9000);
      //   server.attach(dashboard.storage());
    }

    // 3. Read the records back, as `tbps ui` does.
    Path statsFile = runDir.resolve(RunDashboard.STATS_FILE);
    InMemoryStatsStorage stats = new InMemoryStatsStorage();
    try (RunStatsFollower follower = new RunStatsFollower(statsFile, stats)) {
      follower.poll();
    }
    List<Persistable> reports =
        stats.getAllUpdatesAfter(session, StatsListener.TYPE_ID, DashboardListener.WORKER_ID, 0);
    Map<Long, LossTermsReport> terms = new HashMap<>();
    for (Persistable p :
        stats.getAllUpdatesAfter(
            session, LossTermsReport.TYPE_ID, DashboardListener.WORKER_ID, 0)) {
      LossTermsReport t = (LossTermsReport) p;
      terms.put(t.iteration(), t);
    }
    List<Step> steps = new ArrayList<>();
    for (Persistable p : reports) {
      StatsReport r = (StatsReport) p;
      LossTermsReport t = terms.get((long) r.getIterationCount());
      steps.add(new Step(r.getIterationCount(), r.getScore(), t.learningRate(), t.terms()));
      System.out.printf(
          "step %d: score %.4f, lr %.5f, %s%n",
          r.getIterationCount(), r.getScore(), t.learningRate(), t.terms());
    }
    System.out.printf(
        "%d steps trained, %d recorded in %s (session %s)%n",
        trained.iterations(), steps.size(), statsFile, session);
    return new Result(trained.iterations(), session, steps, statsFile);
  }

  /**
   * Trains the tiny network for one epoch with the dashboard listener.
   *
   * @param args optional dataset root (default: 30 generated synthetic people)
   * @throws IOException when files cannot be read or written
   */
  public static void main(String[] args) throws IOException {
    Path root = ExampleData.rootFrom(args, 30);
    run(root, Files.createTempDirectory("tbps-dashboard-run"), "tiny");
  }
}
