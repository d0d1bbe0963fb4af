package org.tbps4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tbps4j.train.config.ConfigLoader;
import org.tbps4j.train.config.TrainConfig;
import org.tbps4j.train.run.CheckpointStore;

/** A training process killed with SIGKILL and resumed ends with the uninterrupted run's weights. */
class KillAndResumeTest {
  @TempDir Path dir;

  @Test
  void sigkilledRunResumesBitIdentically() throws Exception {
    Path data = TinyRuns.dataset(dir);
    TrainConfig c =
        TinyRuns.config(
            data, TinyRuns.MIX, List.of("stages.joint.epochs=3", "checkpoint.every_iterations=4"));
    Path configFile = dir.resolve("config.yaml");
    Files.writeString(configFile, ConfigLoader.toYaml(c));

    Path killed = dir.resolve("killed");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-Dorg.bytedeco.javacpp.maxphysicalbytes=4G",
                "-cp",
                System.getProperty("java.class.path"),
                TrainProcessMain.class.getName(),
                configFile.toString(),
                killed.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile())
            .start();
    CheckpointStore store = new CheckpointStore(killed, 3);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline && p.isAlive()) {
      List<Long> its = store.iterations();
      if (!its.isEmpty() && its.get(its.size() - 1) >= 8) {
        break;
      }
      Thread.sleep(20);
    }
    assertTrue(
        p.isAlive(),
        "the child should still be training: " + Files.readString(dir.resolve("child.log")));
    p.destroyForcibly(); // SIGKILL on Linux
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(137, p.exitValue(), "killed by SIGKILL");
    assertTrue(!Files.exists(killed.resolve("model.zip")), "the run must not have finished");

    new Trainer(c, killed, Trainer.Options.defaults().withEvaluateTest(false).withResume(true))
        .run();
    Path full = dir.resolve("full");
    new Trainer(c, full, Trainer.Options.defaults().withEvaluateTest(false)).run();

    Map<String, INDArray> a = TinyRuns.parameters(full.resolve("model.zip"));
    Map<String, INDArray> b = TinyRuns.parameters(killed.resolve("model.zip"));
    assertEquals(a.keySet(), b.keySet());
    for (String k : a.keySet()) {
      assertEquals(a.get(k), b.get(k), k);
    }
  }
}
