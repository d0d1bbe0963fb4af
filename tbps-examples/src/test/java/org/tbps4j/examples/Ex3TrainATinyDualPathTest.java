package org.tbps4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.data.synth.SynthConfig;
import org.tbps4j.data.synth.SyntheticDataset;
import org.tbps4j.model.ModelConfig;

/** Runs example 3 on 12 synthetic people: the tiny network trains and its loss falls. */
class Ex3TrainATinyDualPathTest {
  @TempDir Path dir;

  @AfterEach
  void gc() {
    System.gc(); // native memory of the graph (docs/samediff-m2.1.md, note 8)
  }

  @Test
  void theLossOfTheFirstBatchFalls() throws Exception {
    SyntheticDataset.generate(SynthConfig.of(12, 5), dir);
    Ex3TrainATinyDualPath.Result r = Ex3TrainATinyDualPath.run(dir, 15);
    ModelConfig tiny = ModelConfig.preset("tiny", 2, 2);
    assertEquals(15, r.seconds().size());
    assertTrue(r.parameters() > 100_000, "tiny, not micro: " + r.parameters());
    assertTrue(Double.isFinite(r.lossBefore()) && Double.isFinite(r.lossAfter()));
    // measured 30.6 -> 22.1 (15 steps, Adam 1e-3)
    assertTrue(
        r.lossAfter() < 0.85 * r.lossBefore(),
        "loss/total of the first batch: " + r.lossBefore() + " -> " + r.lossAfter());
    assertEquals(tiny.embeddingDim(), r.embeddingDim());
  }
}
