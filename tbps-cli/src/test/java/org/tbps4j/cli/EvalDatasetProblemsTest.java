package org.tbps4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.data.synth.SynthConfig;
import org.tbps4j.data.synth.SyntheticDataset;

/**
 * {@code tbps eval} and {@code tbps probe} read the dataset under the same rules as {@code train}
 * and {@code data validate}: a truncated annotation file or a bad entry is refused (exit 2, naming
 * it); {@code --lenient} skips bad entries and says how many.
 */
class EvalDatasetProblemsTest {
  @TempDir static Path dir;
  static Path model;
  static Path good;

  @BeforeAll
  static void setUp() throws Exception {
    model = SearchFixture.model(dir.resolve("model.zip"));
    good = dir.resolve("synthetic");
    SyntheticDataset.generate(new SynthConfig(20, 2, 3, 9, 32, 16, 1), good);
  }

  /** A copy of the dataset with another annotation file. */
  private static Path variant(String name, String annotations) throws Exception {
    Path root = Files.createDirectories(dir.resolve(name));
    Files.writeString(root.resolve("reid_raw.json"), annotations);
    Files.createSymbolicLink(root.resolve("imgs"), good.resolve("imgs"));
    Files.copy(good.resolve("attributes.json"), root.resolve("attributes.json"));
    return root;
  }

  private static CliRun eval(Path data, String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "eval",
                "--model",
                model.toString(),
                "--data",
                data.toString(),
                "--no-report",
                "--json"));
    a.addAll(List.of(more));
    return CliRun.of(a.toArray(new String[0]));
  }

  private static void assertBadInput(CliRun r, String... fragments) {
    assertEquals(2, r.exitCode(), "exit code; out: " + r.out() + " err: " + r.err());
    for (String f : fragments) {
      assertTrue(r.err().contains(f), "expected '" + f + "' in: " + r.err());
    }
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void aTruncatedAnnotationFileIsRefusedNotHalfEvaluated() throws Exception {
    String text = Files.readString(good.resolve("reid_raw.json"));
    Path cut = variant("truncated", text.substring(0, (int) (text.length() * 0.6)));
    CliRun r = eval(cut, "--split", "train");
    assertBadInput(r, "reid_raw.json", "not usable", "malformed JSON");
    assertBadInput(eval(cut, "--split", "train", "--lenient"), "malformed JSON");
  }

  @Test
  void aBadEntryIsRefusedAndLenientSkipsItAndSaysSo() throws Exception {
    JsonNode all = Json.MAPPER.readTree(good.resolve("reid_raw.json").toFile());
    int firstTest = 0;
    while (!all.get(firstTest).get("split").asText().equals("test")) {
      firstTest++;
    }
    ((com.fasterxml.jackson.databind.node.ObjectNode) all.get(firstTest)).remove("file_path");
    Path bad = variant("bad-entry", Json.MAPPER.writeValueAsString(all));
    assertBadInput(eval(bad), "entry " + firstTest, "missing field", "--lenient");
    CliRun lenient = eval(bad, "--lenient");
    assertEquals(0, lenient.exitCode(), lenient.err());
    assertTrue(lenient.err().contains("skipped 1 entry"), lenient.err());
    CliRun clean = eval(good);
    assertEquals(0, clean.exitCode(), clean.err());
    assertEquals(
        Json.MAPPER.readTree(clean.out()).get("queries").asInt() - 2,
        Json.MAPPER.readTree(lenient.out()).get("queries").asInt(),
        "the skipped entry's two captions are not queries");
  }

  @Test
  void theQuickstartsTestEvaluationSaysWhatItSkipped() throws Exception {
    JsonNode all = Json.MAPPER.readTree(good.resolve("reid_raw.json").toFile());
    int firstTest = 0;
    while (!all.get(firstTest).get("split").asText().equals("test")) {
      firstTest++;
    }
    ((com.fasterxml.jackson.databind.node.ObjectNode) all.get(firstTest)).remove("file_path");
    Path out = dir.resolve("qs");
    Path data = Files.createDirectories(out.resolve("data"));
    Files.writeString(data.resolve("reid_raw.json"), Json.MAPPER.writeValueAsString(all));
    Files.createSymbolicLink(data.resolve("imgs"), good.resolve("imgs"));
    Files.copy(good.resolve("oracle.json"), data.resolve("oracle.json"));
    Files.copy(good.resolve("attributes.json"), data.resolve("attributes.json"));
    Path config = dir.resolve("lenient.yaml");
    Files.writeString(
        config,
        TrainEvalQuickstartTest.CONFIG
            .formatted("unused")
            .replace("workers: 1}", "workers: 1, lenient: true}"));
    CliRun q =
        CliRun.of(
            "quickstart",
            "--out",
            out.toString(),
            "--ids",
            "20",
            "--config",
            config.toString(),
            "--minutes",
            "3");
    assertEquals(0, q.exitCode(), q.err());
    assertTrue(q.err().contains("tbps quickstart (test evaluation): skipped 1 entry"), q.err());
  }

  @Test
  void probeFollowsTheSameRules() throws Exception {
    String text = Files.readString(good.resolve("reid_raw.json"));
    Path cut = variant("probe-truncated", text.substring(0, (int) (text.length() * 0.6)));
    CliRun r =
        CliRun.of(
            "probe", "--model", model.toString(), "--data", cut.toString(), "--split", "test");
    assertBadInput(r, "malformed JSON");
  }
}
