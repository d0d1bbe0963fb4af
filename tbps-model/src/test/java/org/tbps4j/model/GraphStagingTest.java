package org.tbps4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saving and loading a model stage nothing in the system temporary folder: a process whose {@code
 * java.io.tmpdir} is missing (a full or tiny tmpfs behaves alike) still saves checkpoints, and
 * nothing is left beside the model file.
 */
class GraphStagingTest {
  @TempDir Path dir;

  @Test
  void saveAndLoadDoNotNeedTheSystemTemporaryFolder() throws Exception {
    Path runDir = Files.createDirectories(dir.resolve("run"));
    Path model = runDir.resolve("ckpt-1.zip");
    Path log = dir.resolve("child.log");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-Djava.io.tmpdir=" + dir.resolve("no-such-tmp"),
                "-cp",
                System.getProperty("java.class.path"),
                SaveModelMain.class.getName(),
                model.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    assertTrue(p.waitFor(300, TimeUnit.SECONDS));
    String out = Files.readString(log);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("saved and loaded"), out);
    try (Stream<Path> s = Files.list(runDir)) {
      assertEquals(java.util.List.of(model), s.toList(), "nothing but the model in the folder");
    }
  }
}
