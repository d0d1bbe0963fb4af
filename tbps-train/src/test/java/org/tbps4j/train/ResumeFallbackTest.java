package org.tbps4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tbps4j.train.config.TrainConfig;
import org.tbps4j.train.run.CheckpointStore;

/**
 * {@code --resume} when the newest checkpoint is damaged (a disk that filled, a copy cut short):
 * the run continues from the newest intact one that {@code keep_last} kept, says which, and ends
 * with the uninterrupted run's weights.
 */
class ResumeFallbackTest {
  @TempDir Path dir;

  @Test
  void resumeFallsBackToTheNewestIntactCheckpointAndSaysWhich() throws Exception {
    Path data = TinyRuns.dataset(dir);
    TrainConfig c =
        TinyRuns.config(
            data,
            TinyRuns.MIX,
            List.of(
                "stages.joint.epochs=1",
                "checkpoint.every_iterations=2",
                "checkpoint.keep_last=3"));
    Trainer.Options quiet = Trainer.Options.defaults().withEvaluateTest(false);
    Path run = dir.resolve("run");
    new Trainer(c, run, quiet.withStopAfterIterations(6)).run();
    CheckpointStore store = new CheckpointStore(run, 3);
    assertEquals(List.of(2L, 4L, 6L), store.iterations());
    Path newest = store.dir().resolve("ckpt-6.zip");
    byte[] b = Files.readAllBytes(newest);
    Files.write(newest, Arrays.copyOf(b, b.length / 2)); // cut short

    Trainer.Result r = new Trainer(c, run, quiet.withResume(true)).run();
    assertTrue(r.finished());
    JsonNode info = new ObjectMapper().readTree(run.resolve("run.json").toFile());
    assertEquals("checkpoints/ckpt-4.zip", info.path("resumed_from").asText(), info.toString());
    assertFalse(Files.exists(newest), "the damaged checkpoint is set aside");
    assertTrue(Files.exists(store.dir().resolve("ckpt-6.zip.damaged")));

    Path full = dir.resolve("full");
    new Trainer(c, full, quiet).run();
    Map<String, INDArray> a = TinyRuns.parameters(full.resolve("model.zip"));
    Map<String, INDArray> z = TinyRuns.parameters(run.resolve("model.zip"));
    assertEquals(a.keySet(), z.keySet());
    for (String k : a.keySet()) {
      assertEquals(a.get(k), z.get(k), k);
    }
  }
}
