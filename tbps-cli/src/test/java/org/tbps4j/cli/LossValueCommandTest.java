package org.tbps4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code tbps loss-value} on hand-made cases; expected values computed independently (see
 * tbps-loss/src/test/python/loss_reference.py, cases A and C).
 */
class LossValueCommandTest {
  @TempDir Path dir;

  /** Unequal identity groups (7 ×3, 3, 9), raw 2-D embeddings. */
  static final String CASE_A =
      """
      {"image": [[2.0, 0.0], [0.8, 0.6], [0.3, 0.4], [0.0, 1.5], [-1.0, 0.0]],
       "text":  [[0.6, 0.8], [1.0, 0.0], [0.8, -0.6], [-0.6, 0.8], [0.0, -2.0]],
       "ids": [7, 7, 7, 3, 9]}
      """;

  /** Classifier losses: C = 3, class indices 0, 2, 2, 1. */
  static final String CASE_C =
      """
      {"image": [[1.0, 0.5], [-0.5, 1.0], [0.2, -1.0], [2.0, 2.0]],
       "text":  [[0.8, 0.1], [-1.0, 0.8], [0.5, -0.5], [1.0, 3.0]],
       "ids": [0, 2, 2, 1],
       "class_weights": [[1.0, -0.5, 0.3], [0.2, 1.0, -0.8]],
       "class_bias": [0.1, -0.2, 0.05]}
      """;

  private Path write(String name, String json) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, json);
    return f;
  }

  private JsonNode run(String... args) throws Exception {
    CliRun r = CliRun.of(args);
    assertEquals(0, r.exitCode(), r.err());
    return Json.MAPPER.readTree(r.out());
  }

  @ParameterizedTest
  @CsvSource({
    "ranking, A, 1.616, i2t, 0.896",
    "psw, A, 1.3042240000000002, t2i, 0.7292000000000002",
    "cmpm, A, 12.485476553016197, i2t, 6.317220279764566",
    "sdm, A, 8.335597777046617, t2i, 2.2895591700866507",
    "asm, A, 0.6480000000000001, i2t, 0.4152",
    "sn, A, 5.590969155602975, squeeze, 1.158482139146119",
    "instance, C, 2.2660933559968412, text, 0.9986986111535587",
    "cmpc, C, 2.3394426242911234, image, 0.944782335821658",
    "mam, C, 7.999563801377189, image, 3.057340530556575",
  })
  void everyLossGivesItsReferenceValueWithBothEngines(
      String loss, String caseName, double expected, String part, double partValue)
      throws Exception {
    Path f = write("case.json", caseName.equals("A") ? CASE_A : CASE_C);
    for (String engine : new String[] {"eager", "samediff"}) {
      JsonNode j = run("loss-value", "--loss", loss, "--input", f.toString(), "--engine", engine);
      assertEquals(expected, j.get("loss").asDouble(), 1e-9, loss + " " + engine);
      assertEquals(partValue, j.get(part).asDouble(), 1e-9, loss + " " + part);
      assertEquals(loss, j.get("name").asText());
      assertEquals(engine, j.get("engine").asText());
    }
  }

  @Test
  void parametersComeFromTheCommandLine() throws Exception {
    Path a = write("a.json", CASE_A);
    JsonNode r =
        run("loss-value", "--loss", "ranking", "--input", a.toString(), "--param", "margin=0.2");
    assertEquals(0.416, r.get("loss").asDouble(), 1e-9);
    assertEquals(0.2, r.get("parameters").get("margin").asDouble(), 0);
    Path c = write("c.json", CASE_C);
    JsonNode m =
        run(
            "loss-value",
            "--loss",
            "mam",
            "--input",
            c.toString(),
            "--param",
            "m=2",
            "--param",
            "lambda=0");
    assertEquals(1.622931647436113 + 2.7070828199883383, m.get("loss").asDouble(), 1e-9);
    JsonNode sn =
        run(
            "loss-value",
            "--loss",
            "sn",
            "--input",
            a.toString(),
            "--param",
            "k=2",
            "--param",
            "alpha=5",
            "--param",
            "w=0.5",
            "--param",
            "squeeze=nearest");
    assertEquals(0.9059108038021991 + 0.45452320437446225, sn.get("loss").asDouble(), 1e-9);
  }

  @Test
  void aGivenSimilarityReplacesTheCosine() throws Exception {
    Path d =
        write(
            "d.json",
            """
            {"image": [[1, 0], [0, 1], [1, 1], [-1, 0.5]],
             "text": [[1, 0], [0, 1], [1, 1], [-1, 0.5]],
             "ids": [1, 1, 2, 2],
             "similarity": [[0.9, 0.2, -0.1, 0.4], [0.3, 0.7, 0.5, 0.0],
                            [0.1, 0.6, 0.8, -0.2], [0.5, -0.3, 0.1, 0.6]]}
            """);
    JsonNode r = run("loss-value", "--loss", "asm", "--input", d.toString());
    assertEquals(0.0947213595499958 + 0.10408738004066423, r.get("loss").asDouble(), 1e-9);
    assertBadInput(
        CliRun.of("loss-value", "--loss", "cmpm", "--input", d.toString()),
        "d.json: loss 'cmpm' does not use \"similarity\"");
  }

  private static void assertBadInput(CliRun r, String... fragments) {
    assertEquals(2, r.exitCode(), r.out() + r.err());
    for (String f : fragments) {
      assertTrue(r.err().contains(f), "expected '" + f + "' in: " + r.err());
    }
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  private CliRun runCase(String loss, String json, String... extra) throws Exception {
    Path f = write("bad.json", json);
    String[] args = new String[4 + extra.length];
    args[0] = "loss-value";
    args[1] = "--loss";
    args[2] = loss;
    args[3] = "--input=" + f;
    System.arraycopy(extra, 0, args, 4, extra.length);
    return CliRun.of(args);
  }

  @Test
  void unknownLossesAndParametersExitTwo() throws Exception {
    assertBadInput(
        runCase("mamm", CASE_C),
        "unknown loss 'mamm' (valid: instance, ranking, cmpm, cmpc, mam, psw, sn, asm, sdm)");
    assertBadInput(
        runCase("mam", CASE_C, "--param", "margin=1"),
        "unknown parameter 'margin' for loss 'mam' (valid: m, lambda)");
    assertBadInput(
        runCase("mam", CASE_C, "--param", "m=9"),
        "parameter 'm' of loss 'mam' is 9; valid: an integer in 1..5");
    assertBadInput(
        runCase("sdm", CASE_A, "--param", "tau=abc"),
        "parameter 'tau' of loss 'sdm' is 'abc', expected a number");
  }

  @Test
  void missingOrMisshapenArraysExitTwoNamingThem() throws Exception {
    assertBadInput(
        runCase("psw", "{\"image\": [[1, 2]], \"ids\": [1]}"), "bad.json: missing array \"text\"");
    assertBadInput(
        runCase("psw", "{\"image\": [[1, 2], [3, 4]], \"text\": [[1, 2], [3, 4]]}"),
        "bad.json: missing array \"ids\"");
    assertBadInput(
        runCase(
            "psw",
            "{\"image\": [[1, 2], [3, 4]], \"text\": [[1, 2, 3], [3, 4, 5]], \"ids\": [1, 2]}"),
        "bad.json: text has shape [2, 3] but image has [2, 2]; both must be [N,D]");
    assertBadInput(
        runCase("psw", "{\"image\": [[1, 2], [3]], \"text\": [[1, 2], [3, 4]], \"ids\": [1, 2]}"),
        "bad.json: ragged \"image\": row 1 has 1 values, row 0 has 2");
    assertBadInput(
        runCase(
            "psw", "{\"image\": [[1, 2], [3, 4]], \"text\": [[1, 2], [3, 4]], \"ids\": [1, 2, 3]}"),
        "bad.json: ids has 3 entries but image has N = 2 rows");
    assertBadInput(
        runCase("psw", "{\"image\": [[1, \"x\"]], \"text\": [[1, 2]], \"ids\": [1]}"),
        "bad.json: image[0][1] is the string \"x\", expected a number");
    assertBadInput(
        runCase("psw", "{\"image\": [[1, 2]], \"text\": [[1, 2]], \"ids\": [1.5]}"),
        "bad.json: ids[0] is 1.5, expected an integer id");
    assertBadInput(
        runCase("psw", "{\"image\": [[1, 2]], \"text\": [[1, 2]], \"ids\": [1], \"labels\": [1]}"),
        "bad.json: unknown field \"labels\" (valid: image, text, ids, class_weights, class_bias,"
            + " similarity)");
    assertBadInput(runCase("psw", "{\"image\": [[1, 2]],"), "bad.json:1:", "malformed JSON");
    assertBadInput(
        CliRun.of("loss-value", "--loss", "psw", "--input", dir.resolve("none.json").toString()),
        "file not found",
        "none.json");
  }

  @Test
  void classifierLossesNeedWeightsBiasAndClassIndices() throws Exception {
    assertBadInput(runCase("cmpc", CASE_A), "bad.json: loss 'cmpc' needs class_weights W [D,C]");
    String withoutBias =
        "{\"image\": [[1, 0]], \"text\": [[0, 1]], \"ids\": [0], \"class_weights\": [[1, 2], [3, 4]]}";
    assertBadInput(
        runCase("instance", withoutBias), "bad.json: loss 'instance' needs class_bias b [C]");
    assertBadInput(
        runCase("mam", CASE_C.replace("[0, 2, 2, 1]", "[0, 2, 3, 1]")),
        "bad.json: ids[2] = 3 is not a class index in 0..2");
    assertBadInput(
        runCase(
            "mam",
            "{\"image\": [[1, 0]], \"text\": [[0, 1]], \"ids\": [0], \"class_weights\": [[1, 2]]}"),
        "bad.json: class_weights has shape [1, 2] but the embeddings have D = 2");
  }

  @Test
  void helpListsTheCommand() {
    CliRun r = CliRun.of("--help");
    assertTrue(r.out().contains("loss-value"), r.out());
    assertEquals(0, CliRun.of("loss-value", "--help").exitCode());
  }
}
