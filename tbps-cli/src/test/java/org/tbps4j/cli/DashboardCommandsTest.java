package org.tbps4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.data.synth.SynthConfig;
import org.tbps4j.data.synth.SyntheticDataset;
import org.tbps4j.ui.LossTermsReport;

/** {@code tbps train --ui/--ui-stats} and {@code tbps ui}: wiring, output and bad input. */
class DashboardCommandsTest {
  @TempDir static Path dir;
  static Path config;

  @BeforeAll
  static void setUp() throws Exception {
    Path data = dir.resolve("synthetic");
    SyntheticDataset.generate(new SynthConfig(20, 2, 3, 13, 32, 16, 1), data);
    config = dir.resolve("micro.yaml");
    Files.writeString(
        config, TrainEvalQuickstartTest.CONFIG.formatted(data.toString().replace('\\', '/')));
  }

  @AfterEach
  void gc() {
    System.gc();
  }

  private static void assertBadInput(CliRun r, String fragment) {
    assertEquals(2, r.exitCode(), r.out() + r.err());
    assertTrue(r.err().contains(fragment), "expected '" + fragment + "' in: " + r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  static JsonNode get(String url) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), url + ": " + r.body());
    return Json.MAPPER.readTree(r.body());
  }

  @Test
  void trainWithTheDashboardThenServeTheRun() throws Exception {
    Path run = dir.resolve("run");
    CliRun t =
        CliRun.of(
            "train",
            "--config",
            config.toString(),
            "--out",
            run.toString(),
            "--no-test",
            "--ui",
            "--ui-port",
            "0");
    assertEquals(0, t.exitCode(), t.err());
    assertTrue(
        t.out().matches("(?s).*dashboard: +http://127\\.0\\.0\\.1:\\d+/ .*"), "URL in: " + t.out());
    assertTrue(Files.size(run.resolve("ui-stats.bin")) > 0);
    assertTrue(Files.size(run.resolve("ui-graph.bin")) > 0);

    // tbps ui serves it (in this JVM, on a free loopback port, for a few seconds)
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CompletableFuture<Integer> ui =
        CompletableFuture.supplyAsync(
            () ->
                Main.execute(
                    new PrintWriter(out, true),
                    new PrintWriter(err, true),
                    "ui",
                    "--stats",
                    run.toString(),
                    "--port",
                    "0",
                    "--stop-after",
                    "10"));
    Pattern url = Pattern.compile("at (http://127\\.0\\.0\\.1:\\d+/) ");
    long deadline = System.nanoTime() + 60_000_000_000L;
    Matcher m = url.matcher("");
    while (System.nanoTime() < deadline
        && !ui.isDone()
        && !(m = url.matcher(out.toString())).find()) {
      Thread.sleep(100);
    }
    assertTrue(m.find(0), "URL printed: " + out + err);
    String base = m.group(1);
    JsonNode overview = get(base + "train/overview/data");
    JsonNode losses = get(base + "tbps/losses/data");
    int steps = losses.get("steps").asInt();
    assertTrue(steps > 0, losses.toString());
    for (int attempt = 0; overview.get("scores").size() < steps && attempt < 50; attempt++) {
      Thread.sleep(200); // the UI learns of records asynchronously
      overview = get(base + "train/overview/data");
    }
    assertEquals(steps, overview.get("scores").size());
    for (int i = 0; i < steps; i++) {
      assertEquals(
          losses.get("terms").get("loss/total").get(i).asDouble(),
          overview.get("scores").get(i).asDouble(),
          0.0,
          "score = total loss at step " + i);
    }
    assertEquals(0, (int) ui.get(), err.toString());
  }

  @Test
  void uiBadInput() throws Exception {
    assertBadInput(
        CliRun.of("ui", "--stats", dir.resolve("missing").toString()), "no such run directory");
    Path empty = Files.createDirectories(dir.resolve("empty-run"));
    assertBadInput(CliRun.of("ui", "--stats", empty.toString()), "has no ui-stats.bin");
    Path bogus = Files.createDirectories(dir.resolve("bogus-run"));
    Files.writeString(bogus.resolve("ui-stats.bin"), "not a stats file");
    assertBadInput(CliRun.of("ui", "--stats", bogus.toString()), "is not a DL4J stats file");
    assertBadInput(
        CliRun.of("ui", "--stats", bogus.toString(), "--stop-after", "-1"),
        "--stop-after must be >= 0");

    Path recorded = Files.createDirectories(dir.resolve("recorded-run"));
    FileStatsStorage s = new FileStatsStorage(recorded.resolve("ui-stats.bin").toFile());
    s.putStaticInfo(LossTermsReport.header("r", "trainer", 1));
    s.putUpdate(new LossTermsReport("r", "trainer", 2, 0, 0, "a", 0.1, Map.of("loss/total", 1.0)));
    s.close();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      String port = String.valueOf(taken.getLocalPort());
      assertBadInput(
          CliRun.of("ui", "--stats", recorded.toString(), "--port", port),
          "port " + port + " on 127.0.0.1 is already in use");
    }
    assertBadInput(CliRun.of("ui", "--stats", recorded.toString(), "--port", "70000"), "0..65535");
    // no login, so never beyond loopback
    assertBadInput(
        CliRun.of("ui", "--stats", recorded.toString(), "--host", "0.0.0.0", "--port", "0"),
        "--host 0.0.0.0: the dashboard has no login, so it listens on loopback only");
    assertBadInput(
        CliRun.of(
            "train",
            "--config",
            "does-not-matter.yaml",
            "--out",
            dir.resolve("exposed").toString(),
            "--ui",
            "--ui-host",
            "0.0.0.0"),
        "ssh -L 9000:localhost:9000");
  }

  @Test
  void trainUiBadInput() throws Exception {
    assertBadInput(
        CliRun.of(
            "train",
            "--config",
            config.toString(),
            "--out",
            dir.resolve("x").toString(),
            "--ui-port",
            "0"),
        "--ui-port and --ui-host need --ui");
    assertBadInput(
        CliRun.of(
            "train",
            "--config",
            config.toString(),
            "--out",
            dir.resolve("y").toString(),
            "--ui-stats",
            "--ui-sample-every",
            "0"),
        "--ui-sample-every must be >= 1, got 0");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      String port = String.valueOf(taken.getLocalPort());
      Path run = dir.resolve("busy");
      assertBadInput(
          CliRun.of(
              "train",
              "--config",
              config.toString(),
              "--out",
              run.toString(),
              "--ui",
              "--ui-port",
              port),
          "is already in use");
      assertFalse(Files.exists(run.resolve("checkpoints")), "nothing was trained");
    }
  }
}
