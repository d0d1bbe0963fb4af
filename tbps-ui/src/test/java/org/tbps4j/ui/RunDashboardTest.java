package org.tbps4j.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.graph.UIEventType;
import org.nd4j.graph.UIInfoType;
import org.nd4j.graph.ui.LogFileWriter;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.train.listeners.IterationReport;

/** The run directory's files across processes: sessions, the graph log, the file lock. */
class RunDashboardTest {
  @TempDir Path dir;

  @AfterEach
  void gc() {
    System.gc();
  }

  /** One "process": a new session, the model, {@code steps} fake steps from {@code start}. */
  static String process(Path run, TbpsModel model, long start, int steps) throws Exception {
    try (RunDashboard d = RunDashboard.open(run, DashboardListener.Options.defaults())) {
      DashboardListener l = d.listener();
      l.runStarted(start, start + steps);
      l.modelChanged(model);
      for (long i = start; i < start + steps; i++) {
        Map<String, Double> t = new LinkedHashMap<>();
        t.put("loss/x", 1.0 / (i + 1));
        t.put("loss/total", 2.0 / (i + 1));
        l.iterationDone(new IterationReport(i, 0, "s", 0, (int) i, 9, 9, 4, 0.1, t, 0.05));
      }
      return l.sessionId();
    }
  }

  @Test
  void eachProcessIsASessionAndTheGraphLogIsContinued() throws Exception {
    Path run = dir.resolve("my run");
    TbpsModel model = TbpsModel.create(ModelConfig.preset("micro", 5, 20));
    assertEquals("my_run", process(run, model, 0, 3));
    assertEquals("my_run-2", process(run, model, 2, 4)); // resumed from a checkpoint at step 2

    InMemoryStatsStorage copy = new InMemoryStatsStorage();
    new RunStatsFollower(run.resolve(RunDashboard.STATS_FILE), copy).poll();
    assertEquals(
        3,
        copy.getAllUpdatesAfter("my_run", StatsListener.TYPE_ID, DashboardListener.WORKER_ID, 0)
            .size());
    assertEquals(
        List.of(2L, 3L, 4L, 5L),
        copy
            .getAllUpdatesAfter("my_run-2", LossTermsReport.TYPE_ID, DashboardListener.WORKER_ID, 0)
            .stream()
            .map(p -> ((LossTermsReport) p).iteration())
            .toList());

    LogFileWriter log = new LogFileWriter(run.resolve(RunDashboard.GRAPH_FILE).toFile());
    long graphs =
        log.readStatic().getData().stream()
            .filter(r -> r.getFirst().infoType() == UIInfoType.GRAPH_STRUCTURE)
            .count();
    assertEquals(1, graphs, "the graph is written once");
    long scalars =
        log.readEvents().stream()
            .filter(e -> e.getFirst().eventType() == UIEventType.SCALAR)
            .count();
    assertEquals((3 + 4) * 3, scalars, "two terms and the learning rate per step");
  }

  @Test
  void aRunsFilesCannotBeOpenedTwiceAtOnce() throws Exception {
    Path run = dir.resolve("run");
    try (RunDashboard first = RunDashboard.open(run, DashboardListener.Options.defaults())) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> RunDashboard.open(run, DashboardListener.Options.defaults()));
      assertTrue(e.getMessage().contains("is in use by another training process"), e.getMessage());
      assertTrue(e.getMessage().contains(RunDashboard.STATS_FILE), e.getMessage());
    }
  }
}
