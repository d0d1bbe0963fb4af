package org.tbps4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainBenchTest {
  static final Path PEER = Path.of("../bench/torch_peer.py");
  static final String[] MICRO = {
    "bench",
    "train",
    "--presets",
    "micro",
    "--image",
    "16x8",
    "--batches",
    "8",
    "--warmup",
    "0",
    "--repeats",
    "1",
    "--steps",
    "1",
    "--embed-batch",
    "4",
    "--gemm-size",
    "64"
  };

  @TempDir Path dir;

  @AfterEach
  void gc() {
    System.gc();
  }

  private static String[] with(String[] base, String... more) {
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void badInputExitsWithTwoAndNamesTheOption() {
    CliRun r = CliRun.of("bench", "train", "--presets", "tiny,bogus");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--presets: unknown preset 'bogus'"), r.err());
    assertTrue(r.err().contains("micro, tiny, resnet18, resnet50"), r.err());

    r = CliRun.of("bench", "train", "--batches", "32,6");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--batches: 6 is not a multiple of 4"), r.err());

    r = CliRun.of("bench", "train", "--image", "128");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--image: expected HxW such as 128x64, got 128"), r.err());

    r = CliRun.of("bench", "train", "--repeats", "0");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("repeats >= 1"), r.err());

    r = CliRun.of("bench", "train", "--peer", "--peer-script", dir.resolve("none.py").toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("none.py (--peer-script"), r.err());
  }

  /**
   * The micro preset at 16×8, C = 1000, V = 5000: 40,422 parameters = word table 5000·6 = 30,000,
   * classifier 8·1000 + 1000 = 9,000, both networks 1,422 (the count of the PyTorch peer, an
   * independent implementation of the same architecture).
   */
  @Test
  void microRunReportsCountsRatesAndAProfile() throws Exception {
    CliRun r = CliRun.of(with(MICRO, "--profile", "1"));
    assertEquals(0, r.exitCode(), r.err());
    JsonNode out = Json.MAPPER.readTree(r.out());
    assertEquals(
        org.nd4j.linalg.factory.Nd4j.getEnvironment().maxThreads(), out.path("threads").asInt());
    JsonNode row = out.path("results").get(0);
    // the micro preset with batch-norm heads and the kernel-3 text path; the PyTorch peer, written
    // independently, counts the same (peerHasTheSameParameterCountAndBothLookups)
    assertEquals(40_490, row.path("parameters").asLong());
    assertEquals("16x8", row.path("image").asText());
    assertEquals(8, row.path("tokens").asInt());
    double ips = row.path("train_images_per_second").asDouble();
    assertTrue(ips > 0, row.toString());
    double model = row.path("model_gflop_per_step").asDouble();
    assertTrue(
        model > 0 && model <= row.path("executed_gflop_per_step").asDouble(), row.toString());
    double peak = out.path("sgemm").path("gflops").asDouble();
    assertEquals(row.path("achieved_gflops").asDouble() / peak, row.path("mfu").asDouble(), 2e-3);
    double shares = 0;
    long calls = 0;
    long bp = 0;
    for (JsonNode op : row.path("profile").path("ops")) {
      shares += op.path("share").asDouble();
      calls += op.path("calls_per_step").asLong();
      bp += op.path("op").asText().endsWith("_bp") ? op.path("calls_per_step").asLong() : 0;
    }
    assertEquals(1.0, shares, 0.02);
    JsonNode prof = row.path("profile");
    assertEquals(calls, prof.path("ops_per_step").asLong(), "ops per step = the sum by type");
    assertEquals(bp, prof.path("backward_ops_per_step").asLong());
    assertTrue(prof.has("updater_ops_per_step"), prof.toString());
    assertEquals(
        calls,
        bp + prof.path("updater_ops_per_step").asLong() + prof.path("other_ops_per_step").asLong());
    double outside = prof.path("outside_ops_share").asDouble();
    assertTrue(outside >= 0 && outside < 1, prof.toString());
    assertTrue(row.path("embed_images_per_second").asDouble() > 0);
    assertTrue(row.path("peak_rss_mib").asLong() > 0);
  }

  /**
   * The peer builds the same network: equal parameter counts, checked by the command itself. With
   * the two-step lookup it runs twice: the headline with PyTorch's nn.Embedding lookup, the
   * secondary one emulating our unique-id lookup; each has its ratios. Without it our training
   * lookup is a gather like nn.Embedding, and only the headline runs.
   */
  @Test
  void peerHasTheSameParameterCountAndBothLookups() throws Exception {
    assumeTrue(
        BenchPython.available(PEER, "torch"),
        "needs /usr/bin/python3 with torch (Debian python3-torch)");
    CliRun plain = CliRun.of(with(MICRO, "--peer", "--peer-script", PEER.toString()));
    assertEquals(0, plain.exitCode(), plain.err());
    JsonNode plainRow = Json.MAPPER.readTree(plain.out()).path("results").get(0);
    assertEquals("embedding", plainRow.path("peer").path("lookup").asText());
    assertTrue(plainRow.path("ratio_train").asDouble() > 0, plainRow.toString());
    assertTrue(plainRow.path("peer_lookup_emulation").isMissingNode(), plainRow.toString());
    CliRun r =
        CliRun.of(
            with(MICRO, "--peer", "--peer-script", PEER.toString(), "--unique-tokens", "256"));
    assertEquals(0, r.exitCode(), r.err());
    JsonNode out = Json.MAPPER.readTree(r.out());
    assertTrue(out.path("peer_note").asText().contains("nn.Embedding"), out.toString());
    JsonNode row = out.path("results").get(0);
    JsonNode idiomatic = row.path("peer");
    JsonNode emulated = row.path("peer_lookup_emulation");
    assertEquals("embedding", idiomatic.path("lookup").asText());
    assertEquals("unique", emulated.path("lookup").asText());
    for (String suffix : List.of("", "_vs_lookup_emulation")) {
      assertTrue(row.path("parameters_equal" + suffix).asBoolean(), row.toString());
      for (String ratio : List.of("ratio_train", "ratio_embed_images", "ratio_embed_texts")) {
        assertTrue(row.path(ratio + suffix).asDouble() > 0, ratio + suffix + " in " + row);
      }
    }
    for (JsonNode peer : List.of(idiomatic, emulated)) {
      assertEquals(40_490, peer.path("parameters").asLong());
      assertEquals(out.path("threads").asInt(), peer.path("threads").asInt());
      assertEquals(out.path("threads").asText(), peer.path("openblas_threads").asText());
    }
    // the headline ratio is against the idiomatic peer
    double ours = row.path("train_images_per_second").asDouble();
    double ips = idiomatic.path("train_images_per_second").asDouble();
    // rounded to 3 significant digits (not decimals: a ratio far below 1 on a loaded machine stays
    // > 0)
    assertEquals(ours / ips, row.path("ratio_train").asDouble(), 5e-3 * (ours / ips));
  }

  /** The peer's five losses (float64) equal ours ({@code tbps loss-value}) on a random case. */
  @Test
  void peerLossesEqualOurs() throws Exception {
    assumeTrue(
        BenchPython.available(PEER, "torch"),
        "needs /usr/bin/python3 with torch (Debian python3-torch)");
    SplittableRandom rnd = new SplittableRandom(7);
    int n = 8;
    int d = 5;
    int c = 4;
    StringBuilder sb = new StringBuilder("{\"image\": ").append(matrix(rnd, n, d));
    sb.append(", \"text\": ").append(matrix(rnd, n, d));
    sb.append(", \"ids\": [0, 0, 1, 1, 2, 2, 3, 3], \"class_weights\": ");
    sb.append(matrix(rnd, d, c)).append("}");
    Path caseFile = dir.resolve("case.json");
    Files.writeString(caseFile, sb.toString());
    CliRun peer = BenchPython.run(PEER, "--mode", "losses", "--case", caseFile.toString());
    assertEquals(0, peer.exitCode(), peer.err());
    JsonNode torch = Json.MAPPER.readTree(peer.out()).path("losses");
    for (String loss : List.of("cmpm", "cmpc", "mam", "psw", "sdm")) {
      CliRun r = CliRun.of("loss-value", "--loss", loss, "--input", caseFile.toString());
      assertEquals(0, r.exitCode(), r.err());
      double ours = Json.MAPPER.readTree(r.out()).path("loss").asDouble();
      assertEquals(ours, torch.path(loss).asDouble(), 1e-9 * Math.max(1, Math.abs(ours)), loss);
    }
  }

  private static String matrix(SplittableRandom r, int rows, int cols) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < rows; i++) {
      sb.append(i == 0 ? "[" : ", [");
      for (int j = 0; j < cols; j++) {
        sb.append(j == 0 ? "" : ", ").append(r.nextDouble() * 2 - 1);
      }
      sb.append("]");
    }
    return sb.append("]").toString();
  }
}
