package org.tbps4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tbps4j.model.exec.FastExecution;
import org.tbps4j.train.config.TrainConfig;
import org.tbps4j.train.listeners.IterationReport;
import org.tbps4j.train.listeners.TrainingListener;

/**
 * A whole training run (quickstart mix, dropout, validation, checkpoints) with {@link
 * FastExecution} switched on ends with the same weights, bit for bit, and the same per-step loss
 * terms as with it switched off.
 */
class TrainerFastExecutionTest {
  @TempDir Path dir;

  @AfterEach
  void restore() {
    FastExecution.setEnabled(true);
    FastExecution.forget();
    System.gc();
  }

  private record Outcome(Map<String, INDArray> weights, List<Map<String, Double>> terms) {}

  private Outcome train(Path data, boolean fast) throws Exception {
    FastExecution.setEnabled(fast);
    TrainConfig c = TinyRuns.config(data, TinyRuns.MIX, List.of());
    List<Map<String, Double>> terms = new ArrayList<>();
    TrainingListener record =
        new TrainingListener() {
          @Override
          public void iterationDone(IterationReport r) {
            terms.add(r.terms());
          }
        };
    Trainer.Result r =
        new Trainer(
                c,
                dir.resolve(fast ? "fast" : "stock"),
                Trainer.Options.defaults().withEvaluateTest(false).withListeners(List.of(record)))
            .run();
    return new Outcome(TinyRuns.parameters(r.model()), terms);
  }

  @Test
  void aRunWithFastExecutionEndsWithTheSameWeights() throws Exception {
    Path data = TinyRuns.dataset(dir);
    long before = FastExecution.fastSteps();
    new Trainer( // two steps: the second takes the fast path if the trainer calls it
            TinyRuns.config(data, TinyRuns.MIX, List.of()),
            dir.resolve("probe"),
            Trainer.Options.defaults().withEvaluateTest(false).withStopAfterIterations(2))
        .run();
    assertTrue(FastExecution.fastSteps() > before, "the trainer takes the fast path");
    Outcome fast = train(data, true);
    Outcome stock = train(data, false);
    assertEquals(stock.terms(), fast.terms(), "per-step loss terms");
    assertEquals(stock.weights().keySet(), fast.weights().keySet());
    for (String k : stock.weights().keySet()) {
      assertArrayEquals(
          stock.weights().get(k).data().asBytes(), fast.weights().get(k).data().asBytes(), k);
    }
  }
}
