package org.tbps4j.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;
import org.tbps4j.ui.DashboardServer;
import org.tbps4j.ui.RunStatsFollower;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tbps ui}: serve the training dashboard of a finished or running run. */
@Command(
    name = "ui",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the training dashboard (DL4J UI) of a recorded run.",
      "The run was recorded with tbps train --ui or --ui-stats; it may be finished or still",
      "training in another process (new steps",
      "appear every few seconds). Listens on 127.0.0.1 unless --host says otherwise;",
      "runs until Ctrl-C."
    })
public final class UiCommand implements Callable<Integer> {

  /** How often the stats file is checked for new records. */
  static final Duration POLL = Duration.ofSeconds(2);

  @Spec CommandSpec spec;

  @Option(
      names = "--stats",
      required = true,
      paramLabel = "RUN_DIR",
      description = "Run directory (or its ui-stats.bin).")
  Path stats;

  @Option(
      names = "--port",
      paramLabel = "P",
      defaultValue = "9000",
      description = "Port (default ${DEFAULT-VALUE}; 0 = any free port).")
  int port;

  @Option(
      names = "--host",
      paramLabel = "H",
      defaultValue = DashboardServer.LOOPBACK,
      description =
          "Loopback address to listen on (default ${DEFAULT-VALUE}; the dashboard has no login, so"
              + " other addresses are refused: forward the port with ssh -L instead).")
  String host;

  @Option(
      names = "--stop-after",
      paramLabel = "SECONDS",
      defaultValue = "0",
      description = "Stop after SECONDS (default 0: run until Ctrl-C).")
  double stopAfter;

  @Override
  public Integer call() throws Exception {
    if (stopAfter < 0) {
      throw new IllegalArgumentException("--stop-after must be >= 0, got " + stopAfter);
    }
    Dashboard.requireLoopback(host, "--host", port);
    Path file = RunStatsFollower.statsFileOf(stats);
    InMemoryStatsStorage shown = new InMemoryStatsStorage();
    RunStatsFollower follower = new RunStatsFollower(file, shown);
    firstLoad(follower);
    CountDownLatch stop = new CountDownLatch(1);
    DashboardServer server = DashboardServer.start(host, port);
    try {
      server.attach(shown);
      follower.startPolling(POLL);
      Thread hook =
          new Thread(
              () -> {
                follower.close();
                server.close();
                stop.countDown();
              },
              "tbps-ui-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      var out = spec.commandLine().getOut();
      out.println("serving " + file + " at " + server.url() + " (Ctrl-C to stop)");
      out.flush();
      if (stopAfter > 0) {
        stop.await(Math.round(stopAfter * 1000), TimeUnit.MILLISECONDS);
      } else {
        stop.await();
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutting down already: the hook does the rest
      }
    } finally {
      follower.close();
      server.close();
    }
    return CliErrors.EXIT_OK;
  }

  /** Loads the file; a copy taken during a write of a running run is retried a few times. */
  private static void firstLoad(RunStatsFollower follower) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        follower.poll();
        return;
      } catch (IllegalArgumentException e) {
        if (attempt >= 5) {
          throw e;
        }
        Thread.sleep(250);
      }
    }
  }
}
