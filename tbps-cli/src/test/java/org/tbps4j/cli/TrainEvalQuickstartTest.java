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

/** The train → eval path and the quickstart wiring, on a micro model and 20 synthetic people. */
class TrainEvalQuickstartTest {
  @TempDir static Path dir;
  static Path data;
  static Path config;

  static final String CONFIG =
      """
      name: micro
      seed: 5
      data: {root: %s, image_height: 32, image_width: 16, max_length: 12, min_word_count: 1,
             p: 4, k: 2, workers: 1}
      model: {preset: micro}
      loss: [{name: cmpm, weight: 1}, {name: cmpc, weight: 0.8}, {name: mam, weight: 0.2},
             {name: psw, weight: 1}]
      optimizer: {lr: 0.01}
      stages: [{name: joint, epochs: 1}]
      eval: {batch_size: 16}
      """;

  @BeforeAll
  static void setUp() throws Exception {
    data = dir.resolve("synthetic");
    SyntheticDataset.generate(new SynthConfig(20, 2, 3, 9, 32, 16, 1), data);
    config = dir.resolve("micro.yaml");
    Files.writeString(config, CONFIG.formatted(data.toString().replace('\\', '/')));
  }

  private static void assertBadInput(CliRun r, String fragment) {
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains(fragment), "expected '" + fragment + "' in: " + r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  private static CliRun probe(Path run, String data, String... more) {
    String[] args = new String[5 + more.length];
    args[0] = "probe";
    args[1] = "--model";
    args[2] = run.resolve("model.zip").toString();
    args[3] = "--data";
    args[4] = data;
    System.arraycopy(more, 0, args, 5, more.length);
    return CliRun.of(args);
  }

  @Test
  void trainThenEvalWritesModelMetricsAndReport() throws Exception {
    Path run = dir.resolve("run");
    CliRun t = CliRun.of("train", "--config", config.toString(), "--out", run.toString());
    assertEquals(0, t.exitCode(), t.err());
    assertTrue(t.out().contains("model:"), t.out());
    assertTrue(Files.isRegularFile(run.resolve("model.zip")));
    assertTrue(Files.size(run.resolve("train.log")) > 0);

    CliRun e =
        CliRun.of(
            "eval",
            "--model",
            run.resolve("model.zip").toString(),
            "--data",
            data.toString(),
            "--json");
    assertEquals(0, e.exitCode(), e.err());
    JsonNode j = Json.MAPPER.readTree(e.out());
    for (String k : new String[] {"R@1", "R@5", "R@10", "mAP", "mINP", "queries"}) {
      assertTrue(j.has(k), k);
    }
    // the test metrics the trainer stored for the same model agree with a fresh evaluation
    JsonNode stored = Json.MAPPER.readTree(run.resolve("metrics.json").toFile()).get("test");
    assertEquals(stored.get("R@1").asDouble(), j.get("R@1").asDouble(), 1e-9);
    assertEquals(stored.get("mAP").asDouble(), j.get("mAP").asDouble(), 1e-9);
    // probe: on the image side every image of the split is labelled with its person's gender
    CliRun p = probe(run, data.toString(), "--split", "test", "--json");
    assertEquals(0, p.exitCode(), p.err());
    assertTrue(p.err().contains("probe: embedding the train split"), p.err());
    long testImages = 0;
    for (JsonNode entry : Json.MAPPER.readTree(data.resolve("reid_raw.json").toFile())) {
      testImages += entry.get("split").asText().equals("test") ? 1 : 0;
    }
    JsonNode gender = null;
    for (JsonNode a : Json.MAPPER.readTree(p.out()).get("attributes")) {
      if (a.get("attribute").asText().equals("gender")) {
        gender = a;
      }
    }
    assertTrue(gender != null, p.out());
    assertEquals(testImages, gender.get("image").get("evaluated").asLong());
    for (String side : new String[] {"image", "text"}) {
      double acc = gender.get(side).get("accuracy").asDouble();
      double maj = gender.get(side).get("majority").asDouble();
      assertTrue(acc >= 0 && acc <= 100 && maj >= 0 && maj <= 100, gender.toString());
    }
    CliRun table = probe(run, data.toString(), "--split", "test");
    assertEquals(0, table.exitCode(), table.err());
    assertTrue(
        table.out().startsWith("linear probes fitted on train, evaluated on test"), table.out());
    assertTrue(table.out().contains("\ngender "), table.out());
    Path notSynthetic = Files.createDirectories(dir.resolve("not-synthetic"));
    Files.copy(data.resolve("reid_raw.json"), notSynthetic.resolve("reid_raw.json"));
    assertBadInput(
        probe(run, notSynthetic.toString()),
        "attributes.json not found: tbps probe needs a synthetic dataset");
    assertBadInput(probe(run, data.toString(), "--fit", "val"), "--fit and --split are both 'val'");

    String html = Files.readString(run.resolve("report.html"));
    assertTrue(html.contains("Sampled queries"));
    assertTrue(html.contains("Failures by attribute"));
    assertTrue(html.contains("<svg"), "training curves");
    assertTrue(html.contains("data:image/jpeg;base64,"), "thumbnails");

    // search: a folder is embedded once and cached; the cache is reused
    Path images = data.resolve("imgs");
    String caption =
        Json.MAPPER
            .readTree(data.resolve("reid_raw.json").toFile())
            .get(0)
            .get("captions")
            .get(0)
            .asText();
    Path page = dir.resolve("search.html");
    CliRun s1 =
        CliRun.of(
            "search",
            "--model",
            run.resolve("model.zip").toString(),
            "--gallery",
            images.toString(),
            "--query",
            caption,
            "--top",
            "5",
            "--html",
            page.toString());
    assertEquals(0, s1.exitCode(), s1.err());
    assertEquals(
        5,
        s1.out().lines().filter(l -> l.matches("\\s+\\d+\\. -?\\d\\.\\d{4}  .*")).count(),
        s1.out());
    Path cache = images.resolve(SearchCommand.CACHE);
    assertTrue(Files.isRegularFile(cache));
    var stamp = Files.getLastModifiedTime(cache);
    CliRun s2 =
        CliRun.of(
            "search",
            "--model",
            run.resolve("model.zip").toString(),
            "--gallery",
            images.toString(),
            "--query",
            caption);
    assertEquals(0, s2.exitCode(), s2.err());
    assertEquals(stamp, Files.getLastModifiedTime(cache), "the cached gallery is reused");
    assertEquals(10, s2.out().lines().filter(l -> l.matches("\\s+\\d+\\. .*")).count(), s2.out());
    assertTrue(Files.readString(page).contains("data:image/jpeg;base64,"));
    // the cached gallery file works as --gallery too, with the same ranking
    CliRun s3 =
        CliRun.of(
            "search",
            "--model",
            run.resolve("model.zip").toString(),
            "--gallery",
            cache.toString(),
            "--query",
            caption);
    assertEquals(s2.out(), s3.out());
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertBadInput(
        CliRun.of(
            "search",
            "--model",
            run.resolve("model.zip").toString(),
            "--gallery",
            empty.toString(),
            "--query",
            "a man"),
        "no images");
    assertBadInput(
        CliRun.of(
            "search",
            "--model",
            run.resolve("model.zip").toString(),
            "--gallery",
            dir.resolve("nope").toString(),
            "--query",
            "a man"),
        "nope");

    // a second train into the same directory is refused; resume of a finished run is fine
    assertBadInput(
        CliRun.of("train", "--config", config.toString(), "--out", run.toString()),
        "already holds a run");
    assertEquals(0, CliRun.of("train", "--resume", run.toString()).exitCode());
  }

  @Test
  void trainRejectsBadUsageWithExitTwo() throws Exception {
    assertBadInput(CliRun.of("train"), "exactly one of --config FILE or --resume RUN_DIR");
    assertBadInput(
        CliRun.of("train", "--config", dir.resolve("none.yaml").toString()), "file not found");
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, CONFIG.formatted(data).replace("p: 4", "p: 4, q: 1"));
    assertBadInput(CliRun.of("train", "--config", bad.toString()), "unknown key 'q' in data");
    assertBadInput(
        CliRun.of("train", "--config", config.toString(), "--set", "loss.nope.weight=1"),
        "no entry named 'nope'");
    assertBadInput(
        CliRun.of("train", "--resume", dir.toString(), "--set", "seed=1"),
        "--set cannot be combined with --resume");
    assertBadInput(CliRun.of("train", "--resume", dir.toString()), "is not a run directory");
    Path wrongLoss = dir.resolve("wrongloss.yaml");
    Files.writeString(wrongLoss, CONFIG.formatted(data).replace("name: psw", "name: pws"));
    assertBadInput(
        CliRun.of("train", "--config", wrongLoss.toString(), "--out", dir.resolve("x").toString()),
        "pws");
  }

  @Test
  void evalRejectsAMissingModelAndAWrongSplit() {
    assertBadInput(
        CliRun.of("eval", "--model", dir.resolve("none.zip").toString(), "--data", data.toString()),
        "none.zip");
    assertBadInput(
        CliRun.of(
            "eval",
            "--model",
            dir.resolve("none.zip").toString(),
            "--data",
            data.toString(),
            "--split",
            "dev"),
        "dev");
  }

  @Test
  void quickstartRefusesAnUnknownWorld() {
    CliRun q =
        CliRun.of("quickstart", "--out", dir.resolve("qs-nope").toString(), "--world", "nope");
    assertEquals(2, q.exitCode(), q.err());
    assertTrue(q.err().contains("valid worlds: studio, street"), q.err());
    assertFalse(Files.exists(dir.resolve("qs-nope").resolve("data")), "nothing generated");
  }

  @Test
  void quickstartWritesMetricsWithTheOracle() throws Exception {
    Path out = dir.resolve("qs");
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
    JsonNode m = Json.MAPPER.readTree(out.resolve("metrics.json").toFile());
    for (String k : new String[] {"R@1", "R@5", "R@10", "mAP", "mINP", "oracle_R@1"}) {
      assertTrue(m.has(k), k);
    }
    JsonNode oracle = Json.MAPPER.readTree(out.resolve("data").resolve("oracle.json").toFile());
    assertEquals("studio", oracle.get("world").asText(), "the quickstart's default world");
    assertEquals(oracle.get("R@1").asDouble(), m.get("oracle_R@1").asDouble(), 1e-12);
    assertEquals(
        m.get("R@1").asDouble() / m.get("oracle_R@1").asDouble(),
        m.get("R@1_fraction_of_oracle").asDouble(),
        1e-12);
    String html = Files.readString(out.resolve("report.html"));
    // the report carries the run's training curves (loss terms every 10 steps, validations)
    JsonNode history = Json.MAPPER.readTree(out.resolve("run").resolve("metrics.json").toFile());
    assertTrue(history.get("iterations").size() > 1, "the run recorded loss terms");
    assertTrue(html.contains("Training curves"), "training curves in the report");
    assertTrue(html.contains("loss terms (unweighted) and total"), "loss-term chart");
    if (history.get("validation").size() > 0) {
      assertTrue(html.contains("validation (percent)"), "validation chart");
    }
    assertTrue(Files.isRegularFile(out.resolve("model.zip")));
    assertTrue(q.out().contains("quickstart done"), q.out());
  }
}
