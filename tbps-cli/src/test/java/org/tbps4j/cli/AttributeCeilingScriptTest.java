package org.tbps4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench/attribute_ceiling.py}, the supervised readability bound of the synthetic attributes
 * (BENCHMARKS.md): its oracle scorer reproduces {@code tbps synth}'s exact expected R@1, and bad
 * input gets exit code 2 with the file named.
 */
class AttributeCeilingScriptTest {
  static final Path SCRIPT = Path.of("../bench/attribute_ceiling.py");

  @TempDir Path dir;

  @Test
  void theOracleScorerMatchesTheGeneratorsAndEveryAttributeIsReported() throws Exception {
    assumeTrue(
        BenchPython.available(SCRIPT, "torch, PIL"),
        "needs /usr/bin/python3 with torch and PIL (Debian)");
    Path data = dir.resolve("synth");
    CliRun gen =
        CliRun.of("synth", "--out", data.toString(), "--ids", "200", "--size", "64x32", "--json");
    assertEquals(0, gen.exitCode(), gen.err());
    CliRun r =
        BenchPython.run(
            SCRIPT, "--data", data.toString(), "--steps", "4", "--threads", "1", "--json");
    assertEquals(0, r.exitCode(), r.err());
    JsonNode out = Json.MAPPER.readTree(r.out());
    double exact =
        Json.MAPPER
            .readTree(data.resolve("oracle.json").toFile())
            .path("expected_R@1_exact")
            .asDouble();
    // an independent implementation of the oracle's scorer and tie rule, on the true attributes
    assertEquals(exact, out.path("oracle_expected_R@1").asDouble(), 1e-9);
    double reader = out.path("reader_oracle_expected_R@1").asDouble();
    assertTrue(reader >= 0 && reader <= 100, "reader oracle " + reader);
    JsonNode last = out.path("curve").get(out.path("curve").size() - 1);
    assertEquals(4, last.path("step").asInt());
    assertEquals(13, last.path("accuracy").size(), last.toString());
    last.path("accuracy")
        .fields()
        .forEachRemaining(
            e -> {
              double a = e.getValue().asDouble();
              assertTrue(a >= 0 && a <= 1, e.toString());
              double base = out.path("baseline").path(e.getKey()).asDouble();
              assertTrue(base > 0 && base <= 1, e.getKey() + " baseline " + base);
            });
    // part-based pooling: another feature size, the same scorer
    CliRun rows =
        BenchPython.run(
            SCRIPT,
            "--data",
            data.toString(),
            "--steps",
            "2",
            "--threads",
            "1",
            "--pool",
            "rows",
            "--json");
    assertEquals(0, rows.exitCode(), rows.err());
    JsonNode rowsOut = Json.MAPPER.readTree(rows.out());
    assertEquals("rows", rowsOut.path("pool").asText());
    assertEquals(exact, rowsOut.path("oracle_expected_R@1").asDouble(), 1e-9);
  }

  @Test
  void itReadsTheStreetWorldsPngsAndReproducesItsOracle() throws Exception {
    assumeTrue(
        BenchPython.available(SCRIPT, "torch, PIL"),
        "needs /usr/bin/python3 with torch and PIL (Debian)");
    Path data = dir.resolve("street");
    CliRun gen =
        CliRun.of(
            "synth",
            "--out",
            data.toString(),
            "--world",
            "street",
            "--ids",
            "200",
            "--size",
            "64x32",
            "--json");
    assertEquals(0, gen.exitCode(), gen.err());
    CliRun r =
        BenchPython.run(
            SCRIPT, "--data", data.toString(), "--steps", "2", "--threads", "1", "--json");
    assertEquals(0, r.exitCode(), r.err());
    JsonNode out = Json.MAPPER.readTree(r.out());
    double exact =
        Json.MAPPER
            .readTree(data.resolve("oracle.json").toFile())
            .path("expected_R@1_exact")
            .asDouble();
    assertEquals(exact, out.path("oracle_expected_R@1").asDouble(), 1e-9);
    assertEquals("64x32", out.path("size").asText());
    double unmatched = out.path("oracle_hidden_unmatched_expected_R@1").asDouble(-1);
    assertTrue(unmatched > 0 && unmatched <= 100, "hidden attributes never matching: " + unmatched);
    // the street's occluders get their own error breakdown
    JsonNode byOccluder = out.path("error_rate_by_occluder").path("shoe_colour");
    assertTrue(byOccluder.has("none") && byOccluder.has("low"), byOccluder.toString());
  }

  @Test
  void aDirectoryWithoutAttributesIsRejectedWithItsPath() throws Exception {
    assumeTrue(
        BenchPython.available(SCRIPT, "torch, PIL"),
        "needs /usr/bin/python3 with torch and PIL (Debian)");
    CliRun r = BenchPython.run(SCRIPT, "--data", dir.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(
        r.err().contains(dir.resolve("attributes.json") + ": not found"),
        "message names the file: " + r.err());
  }
}
