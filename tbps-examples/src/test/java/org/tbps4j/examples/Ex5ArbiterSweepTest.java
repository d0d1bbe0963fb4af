package org.tbps4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.data.synth.SynthConfig;
import org.tbps4j.data.synth.SyntheticDataset;
import org.tbps4j.train.config.ConfigLoader;
import org.tbps4j.train.config.TrainConfig;
import org.tbps4j.train.sweep.Sweep;
import org.tbps4j.train.sweep.SweepResults;

/** Runs example 5's two-candidate grid with the micro network on 12 synthetic people. */
class Ex5ArbiterSweepTest {
  @TempDir Path dir;

  @AfterEach
  void gc() {
    System.gc();
  }

  @Test
  void trainsBothCandidatesAndPicksTheBestByValidation() throws Exception {
    Path data = dir.resolve("data");
    SyntheticDataset.generate(SynthConfig.of(12, 11), data);
    Path out = dir.resolve("sweep");
    Sweep.Result r = Ex5ArbiterSweep.run(data, out, "micro");

    assertEquals(List.of(0, 1), r.trained());
    assertEquals(2, r.rows().size());
    double best = -1;
    for (SweepResults.Row row : r.rows()) {
      assertEquals(SweepResults.COMPLETE, row.status(), String.valueOf(row.error()));
      assertTrue(row.score() >= 0 && row.score() <= 100, "val R@1 in percent: " + row.score());
      best = Math.max(best, row.score());
    }
    assertEquals(
        List.of(2.0, 4.0),
        r.rows().stream().map(row -> row.parameters().get("loss.mam.params.m")).toList());
    assertEquals(best, r.best().score());

    // best-config.yaml trains the best candidate: the base with its margin
    TrainConfig bestConfig = ConfigLoader.load(r.bestConfig(), List.of());
    Object m =
        bestConfig.loss().stream()
            .filter(t -> t.name().equals("mam"))
            .findFirst()
            .orElseThrow()
            .params()
            .get("m");
    assertEquals(r.best().parameters().get("loss.mam.params.m"), ((Number) m).doubleValue());
    assertEquals(3, Files.readAllLines(out.resolve(SweepResults.CSV_FILE)).size());
    assertTrue(Files.isRegularFile(r.report()));
  }
}
