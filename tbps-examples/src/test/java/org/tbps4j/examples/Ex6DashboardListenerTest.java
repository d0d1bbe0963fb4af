package org.tbps4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.data.synth.SynthConfig;
import org.tbps4j.data.synth.SyntheticDataset;

/** Runs example 6 with the micro network: every step is in the stats file, with its loss. */
class Ex6DashboardListenerTest {
  @TempDir Path dir;

  @AfterEach
  void gc() {
    System.gc();
  }

  @Test
  void everyStepIsRecordedWithItsScoreAndLossTerms() throws Exception {
    Path data = dir.resolve("data");
    SyntheticDataset.generate(SynthConfig.of(12, 13), data);
    Path run = dir.resolve("my-run");
    Ex6DashboardListener.Result r = Ex6DashboardListener.run(data, run, "micro");

    assertTrue(r.iterations() > 0);
    assertEquals("my-run", r.session());
    assertTrue(Files.size(r.statsFile()) > 0);
    assertTrue(Files.isRegularFile(run.resolve("ui-graph.bin")));
    assertEquals(r.iterations(), r.steps().size(), "one stats report per step");
    for (int i = 0; i < r.steps().size(); i++) {
      Ex6DashboardListener.Step s = r.steps().get(i);
      assertEquals(i, s.iteration());
      assertEquals(
          java.util.Set.of("loss/cmpm", "loss/cmpc", "loss/mam", "loss/psw", "loss/total"),
          s.terms().keySet());
      double weighted =
          s.terms().get("loss/cmpm")
              + 0.8 * s.terms().get("loss/cmpc")
              + 0.2 * s.terms().get("loss/mam")
              + s.terms().get("loss/psw");
      assertEquals(weighted, s.terms().get("loss/total"), 1e-4 * Math.abs(weighted));
      assertEquals(s.terms().get("loss/total"), s.score(), 1e-6 * Math.abs(s.score()));
      assertTrue(Double.isFinite(s.score()) && s.score() > 0);
      assertTrue(s.learningRate() > 0 && s.learningRate() <= 0.003 + 1e-12);
    }
  }
}
