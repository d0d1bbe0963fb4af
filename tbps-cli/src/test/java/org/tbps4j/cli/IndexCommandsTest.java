package org.tbps4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.data.synth.SynthConfig;
import org.tbps4j.data.synth.SyntheticDataset;
import org.tbps4j.search.index.LuceneIndex;

/** {@code tbps index …} and {@code tbps serve} end to end with a (micro, untrained) model. */
class IndexCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static Path data;
  static Path model;
  static Path index;

  @BeforeAll
  static void setUp() throws Exception {
    data = dir.resolve("data");
    SyntheticDataset.generate(new SynthConfig(12, 2, 3, 31, 32, 16, 1), data);
    model = MicroModel.save(dir.resolve("model.zip"), 1);
    index = dir.resolve("index");
    CliRun b =
        CliRun.of(
            "index",
            "build",
            "--model",
            model.toString(),
            "--data",
            data.toString(),
            "--split",
            "train",
            "--out",
            index.toString(),
            "--batch",
            "8");
    assertEquals(0, b.exitCode(), b.err());
    assertTrue(
        b.out()
            .matches(
                "(?s)index .*: \\d+ images \\(\\d+ embedded now, 0 already there, 0 skipped\\) in .*"),
        b.out());
  }

  private static JsonNode json(CliRun r) throws Exception {
    assertEquals(0, r.exitCode(), r.err());
    return JSON.readTree(r.out());
  }

  @Test
  void infoQueryExactAndHtml() throws Exception {
    JsonNode info = json(CliRun.of("index", "info", "--index", index.toString()));
    long size = info.get("size").asLong();
    assertTrue(size >= 16, info.toString());
    assertEquals(org.tbps4j.search.ModelBundle.sha256(model), info.get("model_sha256").asText());
    assertEquals("true", info.get("complete").asText());
    assertEquals(1, info.get("segments").asInt());
    assertTrue(info.get("source").asText().endsWith(":train"));

    String q = "a woman in a blue skirt";
    JsonNode hnsw =
        json(
            CliRun.of(
                "index", "query", "--index", index.toString(), "--query", q, "-k", "5", "--json"));
    JsonNode exact =
        json(
            CliRun.of(
                "index",
                "query",
                "--index",
                index.toString(),
                "--query",
                q,
                "-k",
                "5",
                "--json",
                "--exact"));
    assertEquals("hnsw", hnsw.get("mode").asText());
    assertEquals("exact", exact.get("mode").asText());
    assertEquals(5, exact.get("hits").size());
    for (int i = 0; i < 5; i++) {
      // a small index: the graph finds the exact neighbours
      assertEquals(exact.get("hits").get(i).get("path"), hnsw.get("hits").get(i).get("path"));
      assertTrue(exact.get("hits").get(i).get("id").isIntegralNumber());
      assertTrue(exact.get("hits").get(i).get("path").asText().startsWith("imgs/"));
    }
    Path html = dir.resolve("q.html");
    CliRun text =
        CliRun.of(
            "index",
            "query",
            "--index",
            index.toString(),
            "--query",
            q,
            "-k",
            "4",
            "--html",
            html.toString());
    assertEquals(0, text.exitCode(), text.err());
    assertTrue(text.out().startsWith("query: " + q + "\n  1. "), text.out());
    String page = Files.readString(html);
    Matcher m = Pattern.compile("src=\"data:image/jpeg;base64,([^\"]+)\"").matcher(page);
    int n = 0;
    while (m.find()) {
      var img =
          javax.imageio.ImageIO.read(
              new java.io.ByteArrayInputStream(Base64.getDecoder().decode(m.group(1))));
      assertEquals(16, img.getWidth());
      assertEquals(32, img.getHeight());
      n++;
    }
    assertEquals(4, n);
  }

  /** The page shows the query as text: every HTML special character goes through {@code Html}. */
  @Test
  void theHtmlPageEscapesTheQuery() throws Exception {
    String q = "a <b>red</b> coat & \"blue\" bag, the girl's";
    Path html = dir.resolve("escaped.html");
    CliRun r =
        CliRun.of(
            "index",
            "query",
            "--index",
            index.toString(),
            "--query",
            q,
            "-k",
            "2",
            "--html",
            html.toString());
    assertEquals(0, r.exitCode(), r.err());
    String page = Files.readString(html);
    assertTrue(
        page.contains(
            "<h1>a &lt;b&gt;red&lt;/b&gt; coat &amp; &quot;blue&quot; bag, the girl&#39;s</h1>"),
        page.substring(0, Math.min(800, page.length())));
    assertTrue(!page.contains("<b>red"), "the query's markup must not reach the page");
  }

  @Test
  void theHnswParametersOfABuildAreRecordedAndQueriesUseItsSearchWidth() throws Exception {
    Path out = dir.resolve("index-hnsw");
    CliRun b =
        CliRun.of(
            "index",
            "build",
            "--model",
            model.toString(),
            "--data",
            data.toString(),
            "--split",
            "test",
            "--out",
            out.toString(),
            "--hnsw-m",
            "8",
            "--hnsw-beam",
            "40",
            "--hnsw-ef",
            "33");
    assertEquals(0, b.exitCode(), b.err());
    JsonNode info = json(CliRun.of("index", "info", "--index", out.toString()));
    assertEquals("8", info.get("hnsw_m").asText());
    assertEquals("40", info.get("hnsw_beam_width").asText());
    assertEquals("33", info.get("hnsw_ef_search").asText());
    String[] query = {"index", "query", "--index", out.toString(), "--query", "a man", "--json"};
    assertEquals(33, json(CliRun.of(query)).get("ef").asInt());
    String[] narrow = java.util.Arrays.copyOf(query, query.length + 2);
    narrow[query.length] = "--ef";
    narrow[query.length + 1] = "7";
    assertEquals(7, json(CliRun.of(narrow)).get("ef").asInt());
    narrow[query.length + 1] = "0";
    CliRun bad = CliRun.of(narrow);
    assertEquals(2, bad.exitCode(), bad.err());
    assertTrue(bad.err().contains("--ef must be >= 1, got 0"), bad.err());
    CliRun badBuild =
        CliRun.of(
            "index",
            "build",
            "--model",
            model.toString(),
            "--data",
            data.toString(),
            "--split",
            "test",
            "--out",
            dir.resolve("index-bad-ef").toString(),
            "--hnsw-ef",
            "0");
    assertEquals(2, badBuild.exitCode(), badBuild.err());
    assertTrue(badBuild.err().contains("--hnsw-ef must be in 1..10000, got 0"), badBuild.err());
  }

  @Test
  void badInputIsExitTwoWithAMessage() throws Exception {
    Path other = MicroModel.save(dir.resolve("other.zip"), 2);
    CliRun r =
        CliRun.of(
            "index",
            "query",
            "--index",
            index.toString(),
            "--model",
            other.toString(),
            "--query",
            "x");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains(index + " was built with another model (sha256 "), r.err());
    r =
        CliRun.of(
            "index",
            "build",
            "--model",
            model.toString(),
            "--data",
            data.toString(),
            "--split",
            "train",
            "--out",
            index.toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("is complete ("), r.err());
    r =
        CliRun.of(
            "index",
            "build",
            "--model",
            model.toString(),
            "--data",
            data.toString(),
            "--split",
            "test",
            "--out",
            index.toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("was built from data:"), r.err());
    r = CliRun.of("index", "query", "--index", dir.resolve("nothing").toString(), "--query", "x");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("no such index directory"), r.err());
    r = CliRun.of("index", "query", "--index", index.toString(), "--query", "x", "-k", "0");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("-k must be in 1..1000, got 0"), r.err());
    r =
        CliRun.of(
            "index",
            "query",
            "--index",
            index.toString(),
            "--solr",
            "http://127.0.0.1:1/solr",
            "--query",
            "x");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("not both"), r.err());
    r = CliRun.of("index", "query", "--solr", "http://127.0.0.1:1/solr", "--query", "x");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--solr needs --collection NAME"), r.err());
    // the Solr backend is found at run time; nobody answers on this loopback port
    r =
        CliRun.of(
            "index",
            "query",
            "--solr",
            "http://127.0.0.1:9/solr",
            "--collection",
            "g",
            "--query",
            "x");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("cannot reach SolrCloud at http://127.0.0.1:9/solr"), r.err());
    r = CliRun.of("index", "remove", "--index", index.toString(), "../etc/passwd");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("leaves the dataset root"), r.err());
    r = CliRun.of("serve", "--index", index.toString(), "--bind", "0.0.0.0", "--port", "0");
    assertEquals(2, r.exitCode());
    assertTrue(
        r.err().contains("binding to 0.0.0.0 (beyond loopback) needs --token-file"), r.err());
    Path shortToken = dir.resolve("short-token");
    Files.writeString(shortToken, "abc\n");
    r =
        CliRun.of(
            "serve",
            "--index",
            index.toString(),
            "--bind",
            "0.0.0.0",
            "--port",
            "0",
            "--token-file",
            shortToken.toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("the token must have at least 16 characters"), r.err());
    // a file outside the image root cannot be added
    Path outside = dir.resolve("outside.jpg");
    Files.copy(firstImage(), outside);
    Path copy = dir.resolve("index-copy");
    copyTree(index, copy);
    r = CliRun.of("index", "add", "--index", copy.toString(), outside.toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("outside the image root"), r.err());
  }

  private static Path firstImage() throws Exception {
    try (var s = Files.walk(data.resolve("imgs"))) {
      return s.filter(p -> p.toString().endsWith(".jpg")).sorted().findFirst().orElseThrow();
    }
  }

  private static void copyTree(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    try (var s = Files.list(from)) {
      for (Path p : s.toList()) {
        if (!p.getFileName().toString().equals("write.lock")) {
          Files.copy(p, to.resolve(p.getFileName()));
        }
      }
    }
  }

  @Test
  void addAndRemoveUpdateTheIndexInPlace() throws Exception {
    Path copy = dir.resolve("index-add");
    copyTree(index, copy);
    long before = json(CliRun.of("index", "info", "--index", copy.toString())).get("size").asLong();
    Path extra = data.resolve("imgs/extra/new.jpg");
    Files.createDirectories(extra.getParent());
    Files.copy(firstImage(), extra);
    try {
      CliRun a = CliRun.of("index", "add", "--index", copy.toString(), extra.toString());
      assertEquals(0, a.exitCode(), a.err());
      assertTrue(a.out().contains("(1 added, 0 already there, 0 skipped)"), a.out());
      assertEquals(
          before + 1,
          json(CliRun.of("index", "info", "--index", copy.toString())).get("size").asLong());
      CliRun again = CliRun.of("index", "add", "--index", copy.toString(), extra.toString());
      assertTrue(again.out().contains("(0 added, 1 already there, 0 skipped)"), again.out());
      CliRun rm = CliRun.of("index", "remove", "--index", copy.toString(), "imgs/extra/new.jpg");
      assertEquals(0, rm.exitCode(), rm.err());
      assertTrue(rm.out().contains("removed 1 images, " + before + " left"), rm.out());
      Files.copy(extra, data.resolve("imgs/extra/gone.jpg"));
      assertEquals(
          0,
          CliRun.of(
                  "index", "add", "--index", copy.toString(), data.resolve("imgs/extra").toString())
              .exitCode());
      Files.delete(data.resolve("imgs/extra/gone.jpg"));
      CliRun missing = CliRun.of("index", "remove", "--index", copy.toString(), "--missing");
      assertTrue(
          missing.out().contains("removed 1 images, " + (before + 1) + " left"), missing.out());
    } finally {
      Files.deleteIfExists(extra);
      Files.deleteIfExists(extra.getParent());
    }
  }

  @Test
  void aBuildKilledMidwayContinuesWhereItStopped() throws Exception {
    Path out = dir.resolve("killed-index");
    Process p =
        ServeProcess.start(
                dir.resolve("build.log"),
                "index",
                "build",
                "--model",
                model.toString(),
                "--data",
                data.toString(),
                "--split",
                "train",
                "--out",
                out.toString(),
                "--batch",
                "1",
                "--workers",
                "0",
                "--commit-every",
                "1")
            .process();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    long seen = 0;
    while (System.nanoTime() < deadline && p.isAlive() && seen < 4) {
      Thread.sleep(50);
      if (Files.exists(out.resolve("segments_1")) || Files.isDirectory(out)) {
        try (LuceneIndex idx = LuceneIndex.openReadOnly(out)) {
          seen = idx.size();
        } catch (Exception notYet) {
          // no commit yet
        }
      }
    }
    assertTrue(
        p.isAlive(), "the build should still run: " + Files.readString(dir.resolve("build.log")));
    p.destroyForcibly(); // SIGKILL
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    long kept;
    try (LuceneIndex idx = LuceneIndex.openReadOnly(out)) {
      kept = idx.size();
      assertTrue(!idx.info().orElseThrow().complete());
    }
    assertTrue(kept >= 4, "kept " + kept);
    CliRun r =
        CliRun.of(
            "index",
            "build",
            "--model",
            model.toString(),
            "--data",
            data.toString(),
            "--split",
            "train",
            "--out",
            out.toString());
    assertEquals(0, r.exitCode(), r.err());
    long total = json(CliRun.of("index", "info", "--index", index.toString())).get("size").asLong();
    assertTrue(
        r.out()
            .contains(
                total + " images (" + (total - kept) + " embedded now, " + kept + " already there"),
        r.out() + " kept " + kept);
    // the resumed index answers as the one built in one go
    String q = "a man in a red coat";
    JsonNode a =
        json(
            CliRun.of(
                "index",
                "query",
                "--index",
                index.toString(),
                "--query",
                q,
                "--json",
                "--exact",
                "-k",
                "8"));
    JsonNode b =
        json(
            CliRun.of(
                "index",
                "query",
                "--index",
                out.toString(),
                "--query",
                q,
                "--json",
                "--exact",
                "-k",
                "8"));
    for (int i = 0; i < 8; i++) {
      assertEquals(a.get("hits").get(i).get("path"), b.get("hits").get(i).get("path"));
      assertEquals(
          a.get("hits").get(i).get("score").asDouble(),
          b.get("hits").get(i).get("score").asDouble(),
          1e-5);
    }
  }

  @Test
  void serveAnswersOverHttpAndStopsOnSigterm() throws Exception {
    ServeProcess p =
        ServeProcess.start(
            dir.resolve("serve.log"), "serve", "--index", index.toString(), "--port", "0");
    int exit;
    try {
      String url = p.awaitUrl();
      assertTrue(url.startsWith("http://127.0.0.1:"), url);
      JsonNode body =
          ServeProcess.search(
              url, "{\"query\": \"a man in a red coat\", \"k\": 3, \"exact\": true}");
      assertEquals(3, body.get("hits").size());
      JsonNode cli =
          json(
              CliRun.of(
                  "index",
                  "query",
                  "--index",
                  index.toString(),
                  "--query",
                  "a man in a red coat",
                  "--json",
                  "--exact",
                  "-k",
                  "3"));
      for (int i = 0; i < 3; i++) {
        assertEquals(cli.get("hits").get(i).get("path"), body.get("hits").get(i).get("path"));
      }
      ServeProcess.assertFirstHitImageIsJpeg(url, body);
    } finally {
      exit = p.stop(); // SIGTERM, also when an assertion failed: no child is left behind
    }
    assertEquals(143, exit);
    assertTrue(p.log().contains("stopping: finishing the requests in flight"), p.log());
  }

  /**
   * Beyond loopback: both warnings are printed, a request without the token is refused, one with it
   * is answered, and a request still arriving when SIGTERM comes (its headers read, half its body
   * sent) is answered in full before the process exits.
   */
  @Test
  void beyondLoopbackWarnsNeedsTheTokenAndFinishesARequestInFlightOnSigterm() throws Exception {
    Path tokenFile = dir.resolve("open-token");
    String token = "0123456789abcdef0123";
    Files.writeString(tokenFile, token + "\n");
    Files.setPosixFilePermissions(
        tokenFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    String args = "serve --index " + index + " --bind 0.0.0.0 --port 0 --token-file " + tokenFile;
    ServeProcess p = ServeProcess.start(dir.resolve("serve-open.log"), args.split(" "));
    String body = "{\"query\": \"a man in a red coat\", \"k\": 2, \"exact\": true}";
    int exit;
    try {
      int port = p.port();
      String started = p.log();
      assertTrue(started.contains("listening on 0.0.0.0 (beyond loopback)"), started);
      assertTrue(started.contains("can be read by other users (chmod 600 it)"), started);
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest.Builder search =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/search"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body));
      assertEquals(
          401, http.send(search.build(), HttpResponse.BodyHandlers.ofString()).statusCode());
      HttpResponse<String> ok =
          http.send(
              search.header("Authorization", "Bearer " + token).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ok.statusCode(), ok.body());
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        s.setSoTimeout(30_000);
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        java.io.OutputStream o = s.getOutputStream();
        o.write(
            ("POST /v1/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer "
                    + token
                    + "\r\nContent-Length: "
                    + b.length
                    + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        o.write(b, 0, b.length / 2);
        o.flush();
        Thread.sleep(500); // the server has read the headers and waits for the rest of the body
        p.process().destroy(); // SIGTERM while the request is in flight
        long t0 = System.nanoTime();
        while (!p.log().contains("stopping: finishing the requests in flight")
            && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10)) {
          Thread.sleep(20);
        }
        assertTrue(p.process().isAlive(), "serve exited with a request in flight");
        o.write(b, b.length / 2, b.length - b.length / 2);
        o.flush();
        String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(reply.startsWith("HTTP/1.1 200"), reply);
        assertTrue(reply.contains("\"hits\""), reply);
      }
    } finally {
      exit = p.stop(); // also after a failed assertion: no child stays listening beyond loopback
    }
    assertEquals(143, exit);
  }
}
