package org.tbps4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tbps bench index} at toy size: the report's fields, exact = ground truth, 0 errors. */
class IndexBenchTest {
  @TempDir Path tmp;

  @Test
  void aToyRunReportsEveryPartAndLosesNoRequest() throws Exception {
    CliRun r =
        CliRun.of(
            "bench",
            "index",
            "--vectors",
            "400",
            "--dim",
            "16",
            "--queries",
            "20",
            "--recall-queries",
            "20",
            "--embed-images",
            "6",
            "--preset",
            "micro",
            "--ef",
            "10,400",
            "--distribution",
            "clustered",
            "--serve",
            "--clients",
            "4",
            "--seconds",
            "2",
            "--garbage-every",
            "3",
            "--dir",
            tmp.toString());
    assertEquals(0, r.exitCode(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals(400, j.get("vectors").asInt());
    assertTrue(j.get("build").get("vectors_per_s").asDouble() > 0);
    assertTrue(j.get("build").get("disk_mib").asDouble() > 0);
    assertTrue(j.get("build_end_to_end").get("images_per_s").asDouble() > 0);
    JsonNode q = j.get("queries");
    assertTrue(q.get("exact").get("p95_ms").asDouble() >= q.get("exact").get("p50_ms").asDouble());
    JsonNode hnsw = q.get("hnsw");
    assertEquals(2, hnsw.size());
    // with ef = 400 the graph of 400 vectors is searched whole: HNSW finds the exact neighbours
    assertEquals(1.0, hnsw.get(1).get("recall_at_k_vs_exact").asDouble(), 1e-9);
    // the serving ef is the first one reaching the recall target
    assertTrue(q.get("serving_ef_meets_recall_target").asBoolean());
    assertEquals(
        hnsw.get(0).get("recall_at_k_vs_exact").asDouble() >= 0.95 ? 10 : 400,
        q.get("serving_ef").asInt());
    for (String run : new String[] {"clean", "with_garbage"}) {
      JsonNode s = j.get("serve").get(run);
      assertTrue(s.get("good_ok").asLong() > 0, run);
      assertEquals(s.get("good_requests").asLong(), s.get("good_ok").asLong(), run);
      assertEquals(0, s.get("good_errors").asLong(), run);
      assertEquals(0, s.get("dropped").asLong(), run);
    }
    JsonNode g = j.get("serve").get("with_garbage");
    assertTrue(g.get("garbage_requests").asLong() > 0);
    assertEquals(g.get("garbage_requests").asLong(), g.get("garbage_refused_4xx").asLong());
  }

  /**
   * {@code --no-merge} keeps the build's segments and says so; searched together with a width above
   * the gallery's size, the graphs still find exactly what exact search finds.
   */
  @Test
  void anUnmergedBuildKeepsItsSegmentsAndStillFindsTheExactNeighbours() throws Exception {
    CliRun r =
        CliRun.of(
            "bench",
            "index",
            "--vectors",
            "600",
            "--dim",
            "16",
            "--queries",
            "10",
            "--recall-queries",
            "20",
            "--embed-images",
            "0",
            "--preset",
            "micro",
            "--ef",
            "700",
            "--distribution",
            "clustered",
            "--threads",
            "2",
            "--no-merge",
            "--dir",
            tmp.resolve("unmerged").toString());
    assertEquals(0, r.exitCode(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals(false, j.get("merge").asBoolean());
    JsonNode b = j.get("build");
    assertEquals(false, b.get("merged").asBoolean());
    assertEquals(b.get("segments_before_merge").asInt(), b.get("segments").asInt());
    assertTrue(b.get("segments").asInt() >= 1);
    assertEquals(
        1.0, j.get("queries").get("hnsw").get(0).get("recall_at_k_vs_exact").asDouble(), 1e-9);
  }
}
