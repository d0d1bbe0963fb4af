package org.tbps4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class SearchBenchTest {

  @Test
  void smallGalleriesReportLatencyAndThroughput() throws Exception {
    CliRun r =
        CliRun.of(
            "bench",
            "search",
            "--galleries",
            "500,3000",
            "--dim",
            "16",
            "--latency-queries",
            "4",
            "--batch",
            "8",
            "--repeats",
            "1");
    assertEquals(0, r.exitCode(), r.err());
    JsonNode j = Json.MAPPER.readTree(r.out());
    assertEquals("search", j.get("benchmark").asText());
    JsonNode rows = j.get("results");
    assertEquals(2, rows.size());
    assertEquals(500, rows.get(0).get("gallery").asInt());
    assertEquals(3000, rows.get(1).get("gallery").asInt());
    for (JsonNode row : rows) {
      assertTrue(row.get("latency_ms_median").asDouble() > 0, row.toString());
      assertTrue(
          row.get("latency_ms_p95").asDouble() >= row.get("latency_ms_median").asDouble(),
          row.toString());
      assertTrue(row.get("queries_per_second").asLong() > 0, row.toString());
      assertEquals(8, row.get("batch").asInt());
    }
    assertEquals(3000 * 16 * 4 / (1024.0 * 1024), rows.get(1).get("gallery_mib").asDouble(), 1e-3);
  }

  @Test
  void badSizesExit2WithTheOption() {
    CliRun r = CliRun.of("bench", "search", "--galleries", "100,0");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--galleries: every size must be >= 1, got 0"), r.err());
    r = CliRun.of("bench", "search", "--k", "0");
    assertEquals(2, r.exitCode());
    assertTrue(
        r.err().contains("--k, --latency-queries, --batch and --repeats must be >= 1"), r.err());
  }
}
