package org.tbps4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** {@code tbps bench dashboard} on a micro model: both arms run, the report is complete. */
class DashboardBenchTest {
  @Test
  void bothArmsRunAndTheReportCountsTheirSteps() throws Exception {
    CliRun r =
        CliRun.of(
            "bench",
            "dashboard",
            "--preset",
            "micro",
            "--batch",
            "8",
            "--block",
            "2",
            "--rounds",
            "2",
            "--warmup",
            "0",
            "--classes",
            "4",
            "--vocab",
            "30",
            "--sample-every",
            "1");
    assertEquals(0, r.exitCode(), r.err());
    JsonNode out = Json.MAPPER.readTree(r.out());
    assertEquals("dashboard", out.path("benchmark").asText());
    assertEquals(4, out.path("steps_per_arm").asInt());
    assertTrue(out.path("median_step_with_s").asDouble() > 0, r.out());
    assertTrue(out.path("median_step_without_s").asDouble() > 0, r.out());
    assertTrue(out.path("record_bytes_per_step").asLong() > 0, "stats were written: " + r.out());
  }

  @Test
  void badSizesExitWithTwo() {
    CliRun r = CliRun.of("bench", "dashboard", "--batch", "1");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--batch must be >= 2"), r.err());
  }
}
