package org.tbps4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image bombs and running out of memory on the command line: an image above the pixel limit is bad
 * input (exit 2, naming the file and the limit); a JVM out of memory ends with one line of advice
 * (exit 1), not a stack trace.
 */
class ImageBombCliTest {
  @TempDir Path dir;

  private Path datasetWith(String name, int w, int h) throws Exception {
    Path root = dir.resolve(name);
    Files.createDirectories(root.resolve("imgs/cam"));
    BigPng.write(root.resolve("imgs/cam/big.png"), w, h);
    Files.writeString(
        root.resolve("reid_raw.json"),
        """
        [{"id": 1, "split": "train", "file_path": "cam/big.png", "captions": ["a man"]}]
        """);
    return root;
  }

  @Test
  void anImageAboveThePixelLimitIsBadInputNamingFileAndLimit() throws Exception {
    Path root = datasetWith("bomb", 30000, 30000);
    CliRun r = CliRun.of("data", "validate", "--format", "cuhk-pedes", "--root", root.toString());
    assertEquals(2, r.exitCode(), r.out() + r.err());
    String all = r.out() + r.err();
    assertTrue(all.contains("big.png"), all);
    assertTrue(all.contains("30000x30000"), all);
    assertTrue(all.contains("TBPS_MAX_IMAGE_PIXELS"), all);
    assertFalse(all.contains("internal error"), all);
    assertFalse(all.contains("\tat "), all);
  }

  @Test
  void runningOutOfHeapIsOneLineOfAdviceNotAStackTrace() throws Exception {
    // 8000 x 8000 grey is under the pixel limit, but its 64 MB raster does not fit a 48 MB heap
    Path root = datasetWith("heap", 8000, 8000);
    Path log = dir.resolve("child.log");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx48m",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "data",
                "validate",
                "--format",
                "cuhk-pedes",
                "--root",
                root.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child finishes");
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(1, p.exitValue(), out);
    assertTrue(out.contains("out of memory"), out);
    assertTrue(out.contains("TBPS_HEAP"), out);
    assertFalse(out.contains("\tat "), "no stack trace: " + out);
    assertFalse(out.contains("Exception in thread"), out);
  }
}
