package org.tbps4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthCommandTest {
  @TempDir Path dir;

  @Test
  void writesTheDatasetAndReportsCountsAndOracle() throws Exception {
    Path out = dir.resolve("s");
    Path sheet = dir.resolve("sheet.png");
    CliRun r =
        CliRun.of(
            "synth",
            "--out",
            out.toString(),
            "--ids",
            "6",
            "--images-per-id",
            "2..3",
            "--size",
            "64x32",
            "--seed",
            "3",
            "--json",
            "--contact-sheet",
            sheet.toString(),
            "--contact-sheet-people",
            "2");
    assertEquals(0, r.exitCode(), r.err());
    JsonNode j = Json.MAPPER.readTree(r.out());
    assertEquals(4, j.get("splits").get("train").get("ids").asInt());
    assertEquals(1, j.get("splits").get("val").get("ids").asInt());
    assertEquals(1, j.get("splits").get("test").get("ids").asInt());
    int images = 0;
    for (String s : new String[] {"train", "val", "test"}) {
      JsonNode sp = j.get("splits").get(s);
      assertEquals(2 * sp.get("images").asInt(), sp.get("captions").asInt());
      images += sp.get("images").asInt();
    }
    assertTrue(images >= 12 && images <= 18, "2..3 images for each of 6 ids: " + images);
    assertTrue(Files.isRegularFile(out.resolve("reid_raw.json")));
    assertTrue(Files.isRegularFile(out.resolve("attributes.json")));
    JsonNode oracle = Json.MAPPER.readTree(out.resolve("oracle.json").toFile());
    assertEquals(oracle.get("R@1").asDouble(), j.get("oracle").get("R@1").asDouble(), 1e-9);
    try (var s = Files.list(out.resolve("imgs/synth"))) {
      assertEquals(images, s.count());
    }
    assertEquals(6 + 2 * (64 + 6), ImageIO.read(sheet.toFile()).getHeight());
  }

  @Test
  void tableOutputNamesTheSplitsAndOracle() {
    CliRun r =
        CliRun.of("synth", "--out", dir.resolve("t").toString(), "--ids", "3", "--size", "64x32");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().lines().anyMatch(l -> l.matches("train\\s+1\\s+\\d+\\s+\\d+")), r.out());
    assertTrue(r.out().contains("oracle (test, perfect attribute matcher): R@1 "), r.out());
  }

  @Test
  void theStreetWorldIsWrittenAsPngWithItsOwnSplitAndOracle() throws Exception {
    Path out = dir.resolve("street");
    CliRun r =
        CliRun.of(
            "synth",
            "--out",
            out.toString(),
            "--world",
            "street",
            "--ids",
            "20",
            "--images-per-id",
            "2",
            "--size",
            "64x32",
            "--json");
    assertEquals(0, r.exitCode(), r.err());
    JsonNode j = Json.MAPPER.readTree(r.out());
    assertEquals("street", j.get("world").asText());
    assertEquals(14, j.get("splits").get("train").get("ids").asInt()); // 70 / 15 / 15
    assertEquals(3, j.get("splits").get("val").get("ids").asInt());
    assertEquals(3, j.get("splits").get("test").get("ids").asInt());
    try (var s = Files.list(out.resolve("imgs/synth"))) {
      assertTrue(s.allMatch(f -> f.toString().endsWith(".png")));
    }
    JsonNode oracle = Json.MAPPER.readTree(out.resolve("oracle.json").toFile());
    assertEquals("street", oracle.get("world").asText());
    assertEquals(oracle.get("R@1").asDouble(), j.get("oracle").get("R@1").asDouble(), 1e-9);
    JsonNode attrs = Json.MAPPER.readTree(out.resolve("attributes.json").toFile());
    assertEquals("street", attrs.get("world").asText());
    // the reader and the validator take it as any CUHK-PEDES dataset
    CliRun v =
        CliRun.of("data", "validate", "--format", "cuhk-pedes", "--root", out.toString(), "--json");
    assertEquals(0, v.exitCode(), v.err());
    assertEquals(
        j.get("splits").get("test").get("images").asInt(),
        Json.MAPPER.readTree(v.out()).get("splits").get("test").get("images").asInt());
  }

  @Test
  void theDefaultWorldIsTheStudio() throws Exception {
    Path out = dir.resolve("default");
    CliRun r = CliRun.of("synth", "--out", out.toString(), "--ids", "3", "--size", "64x32");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("(world studio)"), r.out());
    assertEquals(
        "studio", Json.MAPPER.readTree(out.resolve("oracle.json").toFile()).get("world").asText());
    try (var s = Files.list(out.resolve("imgs/synth"))) {
      assertTrue(s.allMatch(f -> f.toString().endsWith(".jpg")));
    }
  }

  private static void assertBadInput(CliRun r, String fragment) {
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains(fragment), "expected '" + fragment + "' in: " + r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  @Test
  void badOptionsExitWithCode2AndTheReason() throws Exception {
    Files.writeString(dir.resolve("x.txt"), "something");
    assertBadInput(
        CliRun.of("synth", "--out", dir.toString(), "--ids", "3"),
        "is not empty; give a new or empty directory");
    assertBadInput(
        CliRun.of("synth", "--out", dir.resolve("n").toString(), "--size", "64by32"),
        "image size \"64by32\" is not HxW");
    assertBadInput(
        CliRun.of("synth", "--out", dir.resolve("n").toString(), "--images-per-id", "5..2"),
        "--images-per-id must be a..b with 1 <= a <= b <= 50, got 5..2");
    assertBadInput(
        CliRun.of("synth", "--out", dir.resolve("n").toString(), "--ids", "2"),
        "--ids must be >= 3");
    assertBadInput(
        CliRun.of("synth", "--out", dir.resolve("n").toString(), "--world", "nope"),
        "--world \"nope\" is not a synthetic world; valid worlds: studio, street");
    assertFalse(Files.exists(dir.resolve("n")), "bad input writes nothing");
  }
}
