package org.tbps4j.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.stats.api.StatsReport;
import org.deeplearning4j.ui.model.stats.api.StatsType;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.common.primitives.Pair;
import org.nd4j.graph.UIAddName;
import org.nd4j.graph.UIEvent;
import org.nd4j.graph.UIEventType;
import org.nd4j.graph.UIInfoType;
import org.nd4j.graph.UIStaticInfoRecord;
import org.nd4j.graph.ui.LogFileWriter;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tbps4j.search.serve.Browser;
import org.tbps4j.train.listeners.IterationReport;

/**
 * A live run on the dashboard: the server on a free loopback port, a micro model trained for one
 * epoch with the dashboard listener, and what the DL4J UI's JSON routes, the loss-terms route and
 * the run's files then hold.
 */
class DashboardTest {
  @TempDir static Path dir;
  static DashboardServer server;
  static RunDashboard dash;
  static Path runDir;
  static final TinyTraining.Recorder recorder = new TinyTraining.Recorder();
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  static final DashboardListener.Options SAMPLING = new DashboardListener.Options(2, 4);

  @BeforeAll
  static void liveRun() throws Exception {
    Path data = TinyTraining.dataset(dir);
    server = DashboardServer.start(DashboardServer.LOOPBACK, 0);
    runDir = dir.resolve("run");
    dash = RunDashboard.open(runDir, SAMPLING);
    server.attach(dash.storage());
    TinyTraining.train(TinyTraining.config(data, 1), runDir, List.of(dash.listener(), recorder));
    dash.listener().flush();
    assertTrue(recorder.reports.size() >= 3, "steps: " + recorder.reports.size());
  }

  @AfterAll
  static void stop() {
    if (dash != null) {
      dash.close();
    }
    if (server != null) {
      server.close();
    }
    System.gc();
  }

  static JsonNode get(String path) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(server.url() + path.substring(1)))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    return JSON.readTree(r.body());
  }

  /** The overview data once it holds every step (the UI learns of new records asynchronously). */
  static JsonNode overview() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode d = get("/train/overview/data");
    while (d.get("scores").size() < recorder.reports.size() && System.nanoTime() < deadline) {
      Thread.sleep(200);
      d = get("/train/overview/data");
    }
    return d;
  }

  @Test
  void overviewDataHoldsTheScoreOfEveryStep() throws Exception {
    JsonNode d = overview();
    List<IterationReport> steps = recorder.reports;
    assertEquals(steps.size(), d.get("scores").size(), d.toString());
    for (int i = 0; i < steps.size(); i++) {
      assertEquals(steps.get(i).iteration(), d.get("scoresIter").get(i).asLong());
      assertEquals(
          steps.get(i).terms().get("loss/total"), d.get("scores").get(i).asDouble(), 1e-12);
    }
    // model table: type, weight layers, parameters
    assertEquals("SameDiff", d.get("model").get(0).get(1).asText());
    assertTrue(d.get("model").get(2).get(1).asLong() > 1000, d.get("model").toString());
    // throughput of the last step
    double last = steps.get(steps.size() - 1).batchSize() / steps.get(steps.size() - 1).seconds();
    assertEquals(
        last, Double.parseDouble(d.get("perf").get(5).get(1).asText()), last * 0.01 + 0.01);
  }

  @Test
  void overviewDataHoldsUpdateRatiosOfTheSampledWeights() throws Exception {
    JsonNode d = overview();
    JsonNode ratios = d.get("updateRatios");
    List<String> sampled = dash.listener().sampledVariables();
    assertEquals(SAMPLING.sampledVariables(), sampled.size(), sampled.toString());
    List<String> names = new ArrayList<>();
    ratios.fieldNames().forEachRemaining(names::add);
    assertEquals(sampled.stream().sorted().toList(), names.stream().sorted().toList());
    for (String n : sampled) {
      JsonNode series = ratios.get(n);
      assertEquals(recorder.reports.size(), series.size(), n);
      for (JsonNode v : series) {
        assertTrue(v.asDouble() > 0 && v.asDouble() < 1, n + ": " + series);
      }
      // sampled every 2 steps: steps 2k and 2k+1 carry the same statistics
      for (int i = 0; i + 1 < series.size(); i += 2) {
        assertEquals(series.get(i).asDouble(), series.get(i + 1).asDouble(), 0.0, n);
      }
      assertEquals(recorder.reports.size(), d.get("stdevUpdates").get(n).size(), n);
    }
  }

  @Test
  void systemDataHoldsMemoryAndSoftware() throws Exception {
    overview();
    JsonNode d = get("/train/system/data");
    assertTrue(d.get("memory").size() > 0, d.toString());
    assertTrue(d.toString().contains(System.getProperty("java.version")), d.toString());
  }

  @Test
  void lossTermsRouteHoldsEveryTermOfEveryStep() throws Exception {
    JsonNode d = get(LossTermsModule.DATA);
    assertEquals(dash.listener().sessionId(), d.get("session").asText());
    List<IterationReport> steps = recorder.reports;
    assertEquals(steps.size(), d.get("iterations").size());
    List<String> names = new ArrayList<>();
    d.get("terms").fieldNames().forEachRemaining(names::add);
    assertEquals(TinyTraining.TERMS, names);
    for (int i = 0; i < steps.size(); i++) {
      IterationReport r = steps.get(i);
      assertEquals(r.iteration(), d.get("iterations").get(i).asLong());
      assertEquals(r.learningRate(), d.get("learning_rate").get(i).asDouble(), 0.0);
      for (String t : TinyTraining.TERMS) {
        assertEquals(r.terms().get(t), d.get("terms").get(t).get(i).asDouble(), 0.0, t);
      }
    }
  }

  @Test
  void listensOnLoopbackOnly() throws Exception {
    List<InetAddress> listening = ListeningSockets.on(server.getPort());
    assertFalse(listening.isEmpty(), "a listening socket on port " + server.getPort());
    for (InetAddress a : listening) {
      assertTrue(a instanceof Inet4Address && a.isLoopbackAddress(), "listening on " + a);
    }
    assertEquals("http://127.0.0.1:" + server.getPort() + "/", server.url());
  }

  @Test
  void theGraphLogHasTheGraphAndEveryLossTerm() throws Exception {
    Path log = runDir.resolve(RunDashboard.GRAPH_FILE);
    LogFileWriter w = new LogFileWriter(log.toFile());
    boolean graph = false;
    for (Pair<UIStaticInfoRecord, ?> r : w.readStatic().getData()) {
      graph |= r.getFirst().infoType() == UIInfoType.GRAPH_STRUCTURE;
    }
    assertTrue(graph, "graph structure in " + log);
    Map<Integer, String> names = new java.util.HashMap<>();
    Map<String, List<Double>> values = new java.util.HashMap<>();
    for (Pair<UIEvent, com.google.flatbuffers.Table> e : w.readEvents()) {
      if (e.getFirst().eventType() == UIEventType.ADD_NAME) {
        UIAddName n = (UIAddName) e.getSecond();
        names.put(n.nameIdx(), n.name());
      } else if (e.getFirst().eventType() == UIEventType.SCALAR) {
        String name = names.get(e.getFirst().nameIdx());
        double v =
            org.nd4j.linalg.factory.Nd4j.createFromFlatArray(
                    (org.nd4j.graph.FlatArray) e.getSecond())
                .getDouble(0);
        assertEquals(values.getOrDefault(name, List.of()).size(), e.getFirst().iteration(), name);
        values.computeIfAbsent(name, k -> new ArrayList<>()).add(v);
      }
    }
    for (String t : TinyTraining.TERMS) {
      List<Double> vs = values.get(GraphLog.LOSS_PREFIX + t);
      assertNotNull(vs, t + " in " + values.keySet());
      assertEquals(recorder.reports.size(), vs.size(), t);
      for (int i = 0; i < vs.size(); i++) {
        assertEquals(recorder.reports.get(i).terms().get(t), vs.get(i), 0.0, t);
      }
    }
    assertEquals(recorder.reports.size(), values.get(GraphLog.LEARNING_RATE).size());
  }

  @Test
  void theStatsFileReplaysIntoAnotherStorage() throws Exception {
    dash.listener().flush();
    InMemoryStatsStorage copy = new InMemoryStatsStorage();
    RunStatsFollower f =
        new RunStatsFollower(RunStatsFollower.statsFileOf(runDir), copy); // the file is in use
    int forwarded = f.poll();
    String session = dash.listener().sessionId();
    List<Persistable> stats =
        copy.getAllUpdatesAfter(session, StatsListener.TYPE_ID, DashboardListener.WORKER_ID, 0);
    assertEquals(recorder.reports.size(), stats.size());
    assertEquals(2 * recorder.reports.size() + 4, forwarded, "updates, static records, metadata");
    for (int i = 0; i < stats.size(); i++) {
      StatsReport s = (StatsReport) stats.get(i);
      assertEquals(recorder.reports.get(i).terms().get("loss/total"), s.getScore(), 0.0);
      assertEquals(4, s.getMeanMagnitudes(StatsType.Parameters).size());
    }
    assertEquals(0, f.poll(), "nothing new");
  }

  @Test
  void theOverviewChartRendersInHeadlessChromium() throws Exception {
    int steps = recorder.reports.size();
    assertEquals(steps, overview().get("scores").size());
    ChromeDriver browser = Browser.start(dir.resolve("chromium-profile"), 1400, 1100);
    try {
      browser.get(server.url() + "train/overview");
      // flot keeps its plot object on the chart element: wait until it holds every step
      String points =
          "var p = $('#scoreiterchart').data('plot');"
              + " return p ? p.getData()[0].data.length : -1;";
      // (until jQuery has run, "$" is undefined: keep polling rather than fail on a slow machine)
      new WebDriverWait(browser, Duration.ofSeconds(60))
          .ignoring(org.openqa.selenium.JavascriptException.class)
          .until(b -> ((Number) browser.executeScript(points)).intValue() >= steps);
      // and that the score line was drawn: pixels of its colour (#FA5833) on the chart canvas
      String drawn =
          "var c = document.querySelector('#scoreiterchart canvas.flot-base');"
              + " var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
              + " var n = 0;"
              + " for (var i = 0; i < d.length; i += 4) {"
              + "   if (Math.abs(d[i] - 250) < 25 && Math.abs(d[i + 1] - 88) < 35"
              + "       && Math.abs(d[i + 2] - 51) < 35 && d[i + 3] > 200) n++; }"
              + " return n;";
      long orange = ((Number) browser.executeScript(drawn)).longValue();
      assertTrue(orange > 100, "score-line pixels on the chart: " + orange);
      Path shots = Path.of("target");
      Files.createDirectories(shots);
      Files.write(
          shots.resolve("dashboard-overview.png"), browser.getScreenshotAs(OutputType.BYTES));

      browser.get(server.url() + "tbps/losses");
      new WebDriverWait(browser, Duration.ofSeconds(30))
          .until(
              b ->
                  browser.findElements(By.cssSelector("#charts .card")).size()
                      == TinyTraining.TERMS.size() + 1);
      for (WebElement card : browser.findElements(By.cssSelector("#charts .card"))) {
        assertEquals(String.valueOf(steps), card.getDomAttribute("data-points"), card.getText());
      }
      Files.write(shots.resolve("dashboard-losses.png"), browser.getScreenshotAs(OutputType.BYTES));
    } finally {
      browser.quit();
    }
  }

  @Test
  void theSameDiffPageRendersTheGraphLog() throws Exception {
    dash.listener().flush();
    Path log = runDir.resolve(RunDashboard.GRAPH_FILE).toAbsolutePath();
    ChromeDriver browser = Browser.start(dir.resolve("chromium-profile-samediff"), 1400, 1100);
    try {
      browser.get(server.url() + "samediff");
      browser.findElement(By.id("fileselect")).sendKeys(log.toString());
      String nodes = "return (typeof cy === 'undefined' || !cy) ? -1 : cy.nodes().length;";
      new WebDriverWait(browser, Duration.ofSeconds(60))
          .until(b -> ((Number) browser.executeScript(nodes)).intValue() > 20);
      Files.createDirectories(Path.of("target"));
      Files.write(
          Path.of("target", "dashboard-samediff-graph.png"),
          browser.getScreenshotAs(OutputType.BYTES));
      // the plots page lists a line chart per scalar series of the log
      browser.executeScript("samediffSetPage('plots');");
      String series =
          "return typeof sdPlotsLineChartX === 'undefined' ? -1 : sdPlotsLineChartX.size;";
      new WebDriverWait(browser, Duration.ofSeconds(60))
          .until(
              b ->
                  ((Number) browser.executeScript(series)).intValue()
                      == TinyTraining.TERMS.size() + 1);
      for (String t : TinyTraining.TERMS) {
        String points = "return sdPlotsLineChartY.get('" + GraphLog.LOSS_PREFIX + t + "').length;";
        assertEquals(
            recorder.reports.size(), ((Number) browser.executeScript(points)).intValue(), t);
      }
    } finally {
      browser.quit();
    }
  }
}
