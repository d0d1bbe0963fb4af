package org.tbps4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.data.synth.SynthConfig;
import org.tbps4j.data.synth.SyntheticDataset;
import org.tbps4j.train.config.ConfigLoader;
import org.tbps4j.train.config.TrainConfig;

/** {@code tbps sweep} on a micro model and 20 synthetic people; bad sweep files exit with 2. */
class SweepCommandTest {
  @TempDir static Path dir;
  static Path sweep;

  static final String BASE =
      """
      name: micro
      seed: 5
      data: {root: %s, image_height: 32, image_width: 16, max_length: 12, min_word_count: 1,
             p: 4, k: 2, workers: 1}
      model: {preset: micro}
      loss: [{name: cmpm, weight: 1}, {name: mam, weight: 0.2}, {name: psw, weight: 1}]
      optimizer: {lr: 0.01}
      stages: [{name: joint, epochs: 1}]
      eval: {batch_size: 16}
      """;

  static final String SWEEP =
      """
      # two grid candidates over the MAM margin
      name: cli
      base: base.yaml
      search: grid
      space:
        - {path: loss.mam.params.m, type: discrete, values: [1, 3]}
      """;

  @BeforeAll
  static void setUp() throws Exception {
    Path data = dir.resolve("synthetic");
    SyntheticDataset.generate(new SynthConfig(20, 2, 3, 9, 32, 16, 1), data);
    Files.writeString(dir.resolve("base.yaml"), BASE.formatted(data.toString().replace('\\', '/')));
    sweep = dir.resolve("sweep.yaml");
    Files.writeString(sweep, SWEEP);
  }

  private static void assertBadInput(CliRun r, String... fragments) {
    assertEquals(2, r.exitCode(), r.err());
    for (String f : fragments) {
      assertTrue(r.err().contains(f), "expected '" + f + "' in: " + r.err());
    }
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  @Test
  void aTinyGridSweepRunsResumesAndNamesItsBestConfig() throws Exception {
    Path out = dir.resolve("out");
    CliRun r = CliRun.of("sweep", "--config", sweep.toString(), "--out", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("sweep cli: grid search over loss.mam.params.m; 2 to train"));
    assertTrue(r.out().contains("[1/2] candidate 0: loss.mam.params.m=1"), r.out());
    assertTrue(r.out().contains("[2/2] candidate 1: loss.mam.params.m=3"), r.out());
    assertTrue(r.out().contains("best config: " + out.resolve("best-config.yaml")), r.out());
    JsonNode json = Json.MAPPER.readTree(out.resolve("results.json").toFile());
    assertEquals(2, json.get("candidates").size());
    int best = json.get("best_index").asInt();
    assertTrue(r.out().contains("best:        candidate " + best), r.out());
    assertEquals(3, Files.readAllLines(out.resolve("results.csv")).size());
    assertTrue(Files.isRegularFile(out.resolve("report.html")));
    assertTrue(Files.size(out.resolve("sweep.log")) > 0);

    // the best config trains as it is
    TrainConfig bestCfg = ConfigLoader.load(out.resolve("best-config.yaml"), List.of());
    double m =
        json.get("candidates").get(best).get("parameters").get("loss.mam.params.m").asDouble();
    assertEquals(m, ((Number) bestCfg.loss().get(1).params().get("m")).doubleValue());

    // a second run into the same folder is refused; --resume has nothing left to train
    assertBadInput(
        CliRun.of("sweep", "--config", sweep.toString(), "--out", out.toString()),
        "already holds a sweep",
        "--resume");
    CliRun again =
        CliRun.of("sweep", "--config", sweep.toString(), "--out", out.toString(), "--resume");
    assertEquals(0, again.exitCode(), again.err());
    assertTrue(again.out().contains("0 to train, 2 complete ones skipped"), again.out());
    assertTrue(again.out().contains("0 trained now, 2 skipped, 2 recorded"), again.out());
  }

  @Test
  void badSweepFilesExitWithTwoAndNameFileLineAndPath() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(
        bad,
        SWEEP.replace(
            "{path: loss.mam.params.m, type: discrete, values: [1, 3]}",
            "{path: loss.mam.weight, type: uniform, min: 0.5, max: 0.1}"));
    assertBadInput(
        CliRun.of("sweep", "--config", bad.toString(), "--out", dir.resolve("x").toString()),
        "bad.yaml:6:",
        "loss.mam.weight",
        "min 0.5 > max 0.1");
    Files.writeString(bad, SWEEP.replace("loss.mam.params.m", "loss.mam.params.margin"));
    assertBadInput(
        CliRun.of("sweep", "--config", bad.toString(), "--out", dir.resolve("x").toString()),
        "bad.yaml:6: space[0] 'loss.mam.params.margin'",
        "unknown parameter 'margin' for loss 'mam'");
    Files.writeString(bad, SWEEP.replace("search: grid", "search: grid\nmax_candidats: 2"));
    assertBadInput(
        CliRun.of("sweep", "--config", bad.toString()),
        "bad.yaml:5:",
        "unknown key 'max_candidats'");
    assertBadInput(
        CliRun.of("sweep", "--config", dir.resolve("none.yaml").toString()), "file not found");
    assertBadInput(
        CliRun.of("sweep", "--config", sweep.toString(), "--max-candidates", "0"),
        "--max-candidates must be >= 1");
    assertBadInput(
        CliRun.of(
            "sweep",
            "--config",
            sweep.toString(),
            "--out",
            dir.resolve("y").toString(),
            "--resume"),
        "holds no sweep");
    assertBadInput(CliRun.of("sweep"), "--config");
  }
}
