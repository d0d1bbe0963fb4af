package org.tbps4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tbps4j.train.config.TrainConfig;

/**
 * An image whose header reads but whose body is cut short: training skips it (warning, count in
 * run.json) instead of failing at its first batch forever, and a resumed run still ends with the
 * uninterrupted run's weights; {@code data.image_check: decode} finds it before training.
 */
class BadImagesInTrainingTest {
  @TempDir static Path shared;
  @TempDir Path dir;
  static Path data;
  static String badPath;

  @BeforeAll
  static void data() throws Exception {
    data = TinyRuns.dataset(shared);
    JsonNode all = new ObjectMapper().readTree(data.resolve("reid_raw.json").toFile());
    JsonNode victim = null;
    for (JsonNode e : all) {
      if (e.get("split").asText().equals("train")) {
        victim = e;
        break;
      }
    }
    badPath = "imgs/" + victim.get("file_path").asText();
    // a noisy PNG (big IDAT) cut in the middle of its pixel data: header fine, body truncated
    BufferedImage img = new BufferedImage(16, 32, BufferedImage.TYPE_INT_RGB);
    Random r = new Random(1);
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 16; x++) {
        img.setRGB(x, y, r.nextInt(1 << 24));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    byte[] png = out.toByteArray();
    Files.write(data.resolve(badPath), Arrays.copyOf(png, png.length / 2));
  }

  @AfterEach
  void gc() {
    System.gc();
  }

  private static Trainer.Options quiet() {
    return Trainer.Options.defaults().withEvaluateTest(false);
  }

  @Test
  void aTruncatedImageIsSkippedCountedAndResumeStaysDeterministic() throws Exception {
    TrainConfig c = TinyRuns.config(data, TinyRuns.MIX, List.of("stages.joint.epochs=1"));
    Path full = dir.resolve("full");
    Trainer.Result r = new Trainer(c, full, quiet()).run();
    assertTrue(r.finished());
    JsonNode info = new ObjectMapper().readTree(full.resolve("run.json").toFile());
    JsonNode failures = info.get("data").get("decode_failures");
    assertEquals(1, failures.get("count").asInt(), info.toString());
    assertEquals(badPath, failures.get("files").get(0).asText());

    Path killed = dir.resolve("killed");
    Trainer.Result stopped = new Trainer(c, killed, quiet().withStopAfterIterations(4)).run();
    assertTrue(!stopped.finished());
    new Trainer(c, killed, quiet().withResume(true)).run();
    Map<String, INDArray> a = TinyRuns.parameters(full.resolve("model.zip"));
    Map<String, INDArray> b = TinyRuns.parameters(killed.resolve("model.zip"));
    assertEquals(a.keySet(), b.keySet());
    for (String k : a.keySet()) {
      assertEquals(a.get(k), b.get(k), k);
    }
    JsonNode resumed = new ObjectMapper().readTree(killed.resolve("run.json").toFile());
    assertEquals(1, resumed.get("data").get("decode_failures").get("count").asInt());
  }

  @Test
  void decodingEveryImageUpFrontFindsItBeforeTraining() throws Exception {
    TrainConfig strict = TinyRuns.config(data, TinyRuns.MIX, List.of("data.image_check=decode"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Trainer(strict, dir.resolve("strict"), quiet()).run());
    assertTrue(e.getMessage().contains(badPath), e.getMessage());
    assertTrue(e.getMessage().contains("cannot be decoded"), e.getMessage());
    TrainConfig skipping =
        TinyRuns.config(
            data,
            TinyRuns.MIX,
            List.of(
                "data.image_check=decode", "data.skip_bad_images=true", "stages.joint.epochs=1"));
    Trainer.Result r = new Trainer(skipping, dir.resolve("skipping"), quiet()).run();
    assertTrue(r.finished());
    JsonNode info = new ObjectMapper().readTree(dir.resolve("skipping/run.json").toFile());
    assertEquals(1, info.get("data").get("skipped").get("badImages").asInt(), info.toString());
  }
}
