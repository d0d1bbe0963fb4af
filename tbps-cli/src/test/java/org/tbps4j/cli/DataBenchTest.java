package org.tbps4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class DataBenchTest {

  @Test
  void tinyRunReportsIteratorAndDecoderRates() throws Exception {
    CliRun r =
        CliRun.of(
            "bench",
            "data",
            "--ids",
            "6",
            "--size",
            "64x32",
            "--p",
            "2",
            "--k",
            "2",
            "--batches",
            "2",
            "--warmup",
            "1",
            "--decode-images",
            "5",
            "--repeats",
            "1",
            "--workers",
            "1");
    assertEquals(0, r.exitCode(), r.err());
    JsonNode j = Json.MAPPER.readTree(r.out());
    assertEquals("data", j.get("benchmark").asText());
    assertEquals(4, j.get("iterator").get("batch").asInt());
    assertTrue(j.get("iterator").get("images_per_second").get("imageio").asDouble() > 0);
    assertTrue(j.get("iterator").get("images_per_second").get("opencv").asDouble() > 0);
    assertEquals(5, j.get("decode").get("images").asInt());
    assertTrue(j.get("decode").get("opencv_over_imageio").asDouble() > 0);
    assertEquals("(temporary)", j.get("dataset").get("root").asText());
  }

  @Test
  void badCountsExit2() {
    CliRun r = CliRun.of("bench", "data", "--batches", "0");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--batches, --decode-images and --repeats must be >= 1"), r.err());
  }
}
