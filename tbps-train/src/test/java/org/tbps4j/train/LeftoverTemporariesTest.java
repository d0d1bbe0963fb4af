package org.tbps4j.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.train.config.TrainConfig;

/**
 * A process killed while writing leaves the temporary file of that write ({@code .<name>NNN.tmp});
 * the next run in the directory removes such files from the run directory and its checkpoints, and
 * nothing else.
 */
class LeftoverTemporariesTest {
  @TempDir Path dir;

  @Test
  void temporariesOfAKilledWriteAreRemovedOnStart() throws Exception {
    Path data = TinyRuns.dataset(dir);
    TrainConfig c = TinyRuns.config(data, TinyRuns.MIX, List.of("stages.joint.epochs=1"));
    Path run = Files.createDirectories(dir.resolve("run/checkpoints")).getParent();
    List<Path> leftovers =
        List.of(
            run.resolve("checkpoints/.ckpt-4.zip8812345.tmp"),
            run.resolve("checkpoints/.ckpt-4.zip.graph99.tmp"),
            run.resolve(".metrics.json123.tmp"));
    for (Path p : leftovers) {
      Files.writeString(p, "half written");
    }
    Path mine = Files.writeString(run.resolve("notes.tmp"), "the user's own file");
    new Trainer(
            c, run, Trainer.Options.defaults().withEvaluateTest(false).withStopAfterIterations(1))
        .run();
    for (Path p : leftovers) {
      assertFalse(Files.exists(p), p + " is left");
    }
    assertTrue(Files.exists(mine), "files that are not our temporaries stay");
  }
}
