package org.tbps4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

class ScoreCommandTest {
  @TempDir Path dir;

  /**
   * Query 0 (id 5): relevant items 7, 3, 11 at ranks 2, 5, 12 (AP 0.38333, INP 0.25). Query 1 (id
   * 6): relevant item 0 at rank 1 (AP 1, INP 1). Query 2 (id 99): no relevant item, skipped.
   */
  static String handCase() {
    int[] rankOrder = {0, 7, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14};
    double[] row0 = new double[15];
    for (int p = 0; p < rankOrder.length; p++) {
      row0[rankOrder[p]] = 1.0 - p / 100.0;
    }
    StringBuilder sb = new StringBuilder("{\"similarity\": [");
    sb.append(java.util.Arrays.toString(row0)).append(",\n");
    double[] row1 = new double[15];
    row1[0] = 0.9; // the rest 0: item 0 first
    sb.append(java.util.Arrays.toString(row1)).append(",\n");
    sb.append(java.util.Arrays.toString(new double[15])).append("],\n");
    long[] g = new long[15];
    java.util.Arrays.fill(g, 1);
    g[7] = 5;
    g[3] = 5;
    g[11] = 5;
    g[0] = 6;
    sb.append("\"query_ids\": [5, 6, 99],\n\"gallery_ids\": ").append(java.util.Arrays.toString(g));
    return sb.append("}").toString();
  }

  @Test
  void helpListsTheSubcommands() {
    CliRun r = CliRun.of("--help");
    assertEquals(0, r.exitCode());
    assertTrue(r.out().contains("score"), r.out());
    assertTrue(r.out().contains("bench"), r.out());
    assertTrue(r.out().contains("synth"), r.out());
    assertTrue(r.out().contains("data"), r.out());
    assertEquals(0, CliRun.of("data", "validate", "--help").exitCode());
    assertTrue(CliRun.of("bench", "--help").out().contains("data"));
    assertEquals(0, CliRun.of("score", "--help").exitCode());
  }

  @Test
  void jsonOutputHasTheProtocolValues() throws Exception {
    Path f = dir.resolve("case.json");
    Files.writeString(f, handCase());
    CliRun r = CliRun.of("score", "--input", f.toString(), "--json");
    assertEquals(0, r.exitCode(), r.err());
    JsonNode j = Json.MAPPER.readTree(r.out());
    assertEquals(50.0, j.get("R@1").asDouble(), 1e-9); // query 1 hits, query 0 does not
    assertEquals(100.0, j.get("R@5").asDouble(), 1e-9);
    assertEquals(100.0, j.get("R@10").asDouble(), 1e-9);
    assertEquals(100 * (0.383333333 + 1) / 2, j.get("mAP").asDouble(), 1e-5);
    assertEquals(100 * (0.25 + 1) / 2, j.get("mINP").asDouble(), 1e-9);
    assertEquals(2, j.get("queries").asInt());
    assertEquals(1, j.get("skipped_queries").asInt());
  }

  @Test
  void tableOutputAndNpyInputAgree() throws Exception {
    Path f = dir.resolve("case.json");
    Files.writeString(f, handCase());
    JsonNode j = Json.MAPPER.readTree(handCase());
    double[][] s = Json.MAPPER.convertValue(j.get("similarity"), double[][].class);
    Path npy = dir.resolve("s.npy");
    Nd4j.writeAsNumpy(
        Nd4j.createFromArray(s).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT), npy.toFile());
    Files.writeString(dir.resolve("q.json"), j.get("query_ids").toString());
    Files.writeString(dir.resolve("g.json"), j.get("gallery_ids").toString());
    CliRun a = CliRun.of("score", "--input", f.toString());
    CliRun b =
        CliRun.of(
            "score",
            "--similarity",
            npy.toString(),
            "--query-ids",
            dir.resolve("q.json").toString(),
            "--gallery-ids",
            dir.resolve("g.json").toString());
    assertEquals(0, a.exitCode(), a.err());
    assertEquals(0, b.exitCode(), b.err());
    assertTrue(a.out().contains("mAP      69.17"), a.out());
    assertEquals(a.out(), b.out());
  }

  private CliRun scoreText(String json) throws Exception {
    Path f = dir.resolve("bad.json");
    Files.writeString(f, json);
    return CliRun.of("score", "--input", f.toString());
  }

  private static void assertBadInput(CliRun r, String... fragments) {
    assertEquals(2, r.exitCode(), r.err());
    for (String f : fragments) {
      assertTrue(r.err().contains(f), "expected '" + f + "' in: " + r.err());
    }
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  @Test
  void raggedRowsAreRejectedWithTheRow() throws Exception {
    assertBadInput(
        scoreText(
            "{\"similarity\": [[1, 2],\n [3]], \"query_ids\": [1, 2], \"gallery_ids\": [1, 2]}"),
        "bad.json:2:",
        "similarity row 1 has 1 values, row 0 has 2");
  }

  @Test
  void idCountsMustMatchTheMatrix() throws Exception {
    assertBadInput(
        scoreText("{\"similarity\": [[1, 2]], \"query_ids\": [1, 2], \"gallery_ids\": [1, 2]}"),
        "1 rows but there are 2 query ids");
    assertBadInput(
        scoreText("{\"similarity\": [[1, 2]], \"query_ids\": [1], \"gallery_ids\": [1, 2, 3]}"),
        "2 columns but there are 3 gallery ids");
  }

  @Test
  void nanAndNonNumbersAreRejectedWithTheEntry() throws Exception {
    assertBadInput(
        scoreText("{\"similarity\": [[1, NaN]], \"query_ids\": [1], \"gallery_ids\": [1, 2]}"),
        "similarity[0][1] is NaN");
    assertBadInput(
        scoreText("{\"similarity\": [[1, \"x\"]], \"query_ids\": [1], \"gallery_ids\": [1, 2]}"),
        "similarity[0][1] is the string \"x\"");
    assertBadInput(
        scoreText("{\"similarity\": [[1, 2]], \"query_ids\": [1.5], \"gallery_ids\": [1, 2]}"),
        "query_ids[0] is 1.5, expected an integer person id");
  }

  @Test
  void malformedJsonNamesLineAndColumn() throws Exception {
    assertBadInput(
        scoreText("{\"similarity\": [[1, 2]],\n \"query_ids\": [1,"),
        "bad.json:2:",
        "malformed JSON");
    assertBadInput(scoreText("{\"similarity\": [[1, 2]]}"), "missing field \"query_ids\"");
    assertBadInput(
        scoreText(
            "{\"similarity\": [[1]], \"query_ids\": [1], \"gallery_ids\": [1], \"extra\": 1}"),
        "unknown field \"extra\"");
  }

  @Test
  void missingFileAndBadUsageExitWithTwo() {
    assertBadInput(
        CliRun.of("score", "--input", dir.resolve("nope.json").toString()), "file not found");
    assertEquals(2, CliRun.of("score").exitCode());
    assertEquals(2, CliRun.of("no-such-command").exitCode());
  }

  @Test
  void noRelevantItemAnywhereIsBadInput() throws Exception {
    assertBadInput(
        scoreText("{\"similarity\": [[1, 2]], \"query_ids\": [7], \"gallery_ids\": [1, 2]}"),
        "no query has a relevant gallery item");
  }
}
