package org.tbps4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.data.synth.SynthConfig;
import org.tbps4j.data.synth.SyntheticDataset;

class DataValidateCommandTest {
  @TempDir static Path dir;
  static Path good;
  static SyntheticDataset.Summary summary;

  @BeforeAll
  static void generate() throws Exception {
    good = dir.resolve("good");
    summary = SyntheticDataset.generate(new SynthConfig(8, 2, 3, 5, 64, 32, 2), good);
  }

  /** A copy of the good dataset with another reid_raw.json. */
  private static Path variant(String name, String annotations) throws Exception {
    Path root = dir.resolve(name);
    Files.createDirectories(root);
    copyTree(good.resolve("imgs"), root.resolve("imgs"));
    Files.writeString(root.resolve("reid_raw.json"), annotations);
    return root;
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (var s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  private static String goodJson() throws Exception {
    return Files.readString(good.resolve("reid_raw.json"));
  }

  @Test
  void aUsableDatasetExitsZeroWithTheReportShape() throws Exception {
    CliRun r =
        CliRun.of(
            "data", "validate", "--format", "cuhk-pedes", "--root", good.toString(), "--json");
    assertEquals(0, r.exitCode(), r.err());
    JsonNode j = Json.MAPPER.readTree(r.out());
    assertTrue(j.get("usable").asBoolean());
    for (var e : summary.splits().entrySet()) {
      JsonNode s = j.get("splits").get(e.getKey().jsonName());
      assertEquals(e.getValue().ids(), s.get("ids").asInt());
      assertEquals(e.getValue().images(), s.get("images").asInt());
      assertEquals(e.getValue().captions(), s.get("captions").asInt());
    }
    assertEquals(3, j.get("vocabulary").get("min_count").asInt());
    assertTrue(j.get("vocabulary").get("size").asInt() > 10);
    assertTrue(j.get("problems").isArray());
    assertEquals(0, j.get("problems").size());
    CliRun table =
        CliRun.of("data", "validate", "--format", "cuhk-pedes", "--root", good.toString());
    assertEquals(0, table.exitCode(), table.err());
    assertTrue(table.out().contains("usable: yes"), table.out());
    assertTrue(table.out().contains("vocabulary (train captions, min count 3): "), table.out());
  }

  @Test
  void malformedJsonIsReportedWithLineAndColumnAndExits2() throws Exception {
    String broken = goodJson().replaceFirst("\"captions\":", "\"captions\" ");
    Path root = variant("malformed", broken);
    CliRun r =
        CliRun.of(
            "data", "validate", "--format", "cuhk-pedes", "--root", root.toString(), "--json");
    assertEquals(2, r.exitCode(), r.err());
    JsonNode j = Json.MAPPER.readTree(r.out());
    assertFalse(j.get("usable").asBoolean());
    JsonNode p = j.get("problems").get(0);
    assertEquals("malformed_json", p.get("kind").asText());
    assertEquals("error", p.get("severity").asText());
    assertEquals(2, p.get("line").asInt());
    assertTrue(p.get("message").asText().contains("reid_raw.json:2:"), p.toString());
    assertTrue(r.err().contains("the dataset is not usable with these options (1 error)"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void missingImagesExit2UnlessSkipped() throws Exception {
    Path root = variant("missing", goodJson());
    String first = Json.MAPPER.readTree(goodJson()).get(0).get("file_path").asText();
    Files.delete(root.resolve("imgs").resolve(first));
    CliRun r = CliRun.of("data", "validate", "--format", "cuhk-pedes", "--root", root.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.out().contains("missing_image"), r.out());
    assertTrue(r.out().contains("entry 0: image file imgs/" + first + " does not exist"), r.out());
    CliRun skip =
        CliRun.of(
            "data",
            "validate",
            "--format",
            "cuhk-pedes",
            "--root",
            root.toString(),
            "--skip-bad-images",
            "--json");
    assertEquals(0, skip.exitCode(), skip.err());
    assertEquals(1, Json.MAPPER.readTree(skip.out()).get("skipped").get("bad_images").asInt());
  }

  @Test
  void aFileWithoutSplitsNeedsTheSplitRule() throws Exception {
    String noSplit = goodJson().replaceAll("\"split\":\"[a-z]+\",", "");
    Path root = variant("nosplit", "");
    Files.writeString(root.resolve("caption_all.json"), noSplit);
    Files.delete(root.resolve("reid_raw.json"));
    CliRun r = CliRun.of("data", "validate", "--format", "cuhk-pedes", "--root", root.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.out().contains("no_split"), r.out());
    assertTrue(r.out().contains("--split-rule TRAIN,VAL,TEST"), r.out());
    int train = summary.splits().get(org.tbps4j.data.Split.TRAIN).images();
    int val = summary.splits().get(org.tbps4j.data.Split.VAL).images();
    int test = summary.splits().get(org.tbps4j.data.Split.TEST).images();
    CliRun ruled =
        CliRun.of(
            "data",
            "validate",
            "--format",
            "cuhk-pedes",
            "--root",
            root.toString(),
            "--split-rule",
            train + "," + val + "," + test,
            "--json");
    assertEquals(0, ruled.exitCode(), ruled.err());
    assertEquals(
        summary.splits().get(org.tbps4j.data.Split.TEST).ids(),
        Json.MAPPER.readTree(ruled.out()).get("splits").get("test").get("ids").asInt());
  }

  @Test
  void unsafePathsAreRefusedEvenWhenLenient() throws Exception {
    String first = Json.MAPPER.readTree(goodJson()).get(0).get("file_path").asText();
    Path root = variant("unsafe", goodJson().replace("\"" + first + "\"", "\"../../etc/passwd\""));
    CliRun r =
        CliRun.of(
            "data",
            "validate",
            "--format",
            "cuhk-pedes",
            "--root",
            root.toString(),
            "--lenient",
            "--skip-bad-images");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.out().contains("unsafe_path"), r.out());
    assertTrue(r.out().contains("\"../../etc/passwd\" leaves the dataset root"), r.out());
  }

  @Test
  void imagesMayLiveInAnotherDirectory() throws Exception {
    Path root = dir.resolve("otherdir");
    copyTree(good.resolve("imgs"), root.resolve("pictures"));
    Files.writeString(root.resolve("reid_raw.json"), goodJson());
    CliRun wrong =
        CliRun.of("data", "validate", "--format", "cuhk-pedes", "--root", root.toString());
    assertEquals(2, wrong.exitCode());
    assertTrue(wrong.out().contains("missing_image"), wrong.out());
    CliRun right =
        CliRun.of(
            "data",
            "validate",
            "--format",
            "cuhk-pedes",
            "--root",
            root.toString(),
            "--image-dir",
            "pictures");
    assertEquals(0, right.exitCode(), right.out() + right.err());
    CliRun escape =
        CliRun.of(
            "data",
            "validate",
            "--format",
            "cuhk-pedes",
            "--root",
            root.toString(),
            "--image-dir",
            "../pictures");
    assertEquals(2, escape.exitCode());
    assertTrue(
        escape.err().contains("imageDir \"../pictures\": leaves the dataset root"), escape.err());
  }

  @Test
  void badOptionsAndMissingFilesExit2WithoutStackTrace() {
    CliRun r = CliRun.of("data", "validate", "--format", "market1501", "--root", good.toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("valid: cuhk-pedes, icfg-pedes, rstpreid"), r.err());
    r = CliRun.of("data", "validate", "--format", "rstpreid", "--root", good.toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("data_captions.json"), r.err());
    r =
        CliRun.of(
            "data", "validate", "--format", "cuhk-pedes", "--root", dir.resolve("nope").toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("file not found"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
    r =
        CliRun.of(
            "data",
            "validate",
            "--format",
            "cuhk-pedes",
            "--root",
            good.toString(),
            "--split-rule",
            "1,2");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("is not TRAIN,VAL,TEST entry counts"), r.err());
  }
}
