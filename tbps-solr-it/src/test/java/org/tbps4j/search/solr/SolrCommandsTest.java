package org.tbps4j.search.solr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.embedded.JettySolrRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.cli.Main;
import org.tbps4j.cli.ServeProcess;
import org.tbps4j.data.synth.SynthConfig;
import org.tbps4j.data.synth.SyntheticDataset;

/**
 * The {@code tbps} command's SolrCloud paths end to end, as a user types them: {@code tbps index
 * build --solr URL --collection NAME} into a real in-process cluster (two nodes; the collection two
 * shards of two replicas), {@code index info} and {@code index query} against it, and {@code tbps
 * serve --solr} in a child process answering over HTTP and stopping on SIGTERM. Every answer must
 * equal the one of the same model's embedded Lucene index searched exactly.
 */
class SolrCommandsTest {
  @TempDir static Path tmp;
  static MiniSolrCloudCluster cluster;
  static String solr;
  static Path data;
  static Path model;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void setUp() throws Exception {
    data = tmp.resolve("data");
    SyntheticDataset.generate(new SynthConfig(16, 2, 3, 43, 32, 16, 1), data);
    model = SolrCloudIndexTest.microModel(tmp.resolve("model.zip"));
    cluster = new MiniSolrCloudCluster.Builder(2, tmp.resolve("solr")).configure();
    List<String> urls = new ArrayList<>();
    for (JettySolrRunner j : cluster.getJettySolrRunners()) {
      urls.add(j.getBaseUrl().toString());
    }
    solr = String.join(",", urls);
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (cluster != null) {
      cluster.shutdown();
    }
  }

  private record Run(int code, String out, String err) {}

  private static Run tbps(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  private static JsonNode json(Run r) throws Exception {
    assertEquals(0, r.code(), r.err());
    return JSON.readTree(r.out());
  }

  private static List<String> paths(JsonNode hits) {
    List<String> out = new ArrayList<>();
    hits.forEach(h -> out.add(h.get("path").asText()));
    return out;
  }

  @Test
  void buildInfoQueryAndServeThroughTheSolrOptions() throws Exception {
    Path lucene = tmp.resolve("lucene");
    String[] common = {"--model", model.toString(), "--data", data.toString(), "--batch", "8"};
    Run b = tbps(concat(new String[] {"index", "build", "--out", lucene.toString()}, common));
    assertEquals(0, b.code(), b.err());
    Run s =
        tbps(
            concat(new String[] {"index", "build", "--solr", solr, "--collection", "cli"}, common));
    assertEquals(0, s.code(), s.err());
    assertTrue(s.out().contains("0 already there, 0 skipped"), s.out());
    cluster.waitForActiveCollection("cli", 2, 4);

    JsonNode li = json(tbps("index", "info", "--index", lucene.toString()));
    JsonNode si = json(tbps("index", "info", "--solr", solr, "--collection", "cli"));
    assertTrue(li.get("size").asInt() > 0);
    assertEquals(li.get("size"), si.get("size"));
    assertEquals(li.get("model_sha256"), si.get("model_sha256"));
    assertEquals("true", si.get("complete").asText());

    List<String> queries = List.of("a man in a red coat", "a woman in a blue skirt", "red");
    List<List<String>> truth = new ArrayList<>();
    for (String q : queries) {
      JsonNode exact =
          json(
              tbps(
                  "index",
                  "query",
                  "--index",
                  lucene.toString(),
                  "--query",
                  q,
                  "--json",
                  "--exact",
                  "-k",
                  "5"));
      truth.add(paths(exact.get("hits")));
      for (boolean exactMode : new boolean[] {true, false}) {
        List<String> args =
            new ArrayList<>(
                List.of(
                    "index",
                    "query",
                    "--solr",
                    solr,
                    "--collection",
                    "cli",
                    "--query",
                    q,
                    "--json",
                    "-k",
                    "5"));
        if (exactMode) {
          args.add("--exact");
        }
        JsonNode got = json(tbps(args.toArray(String[]::new)));
        assertEquals(
            truth.get(truth.size() - 1), paths(got.get("hits")), q + " exact=" + exactMode);
      }
    }

    // tbps serve --solr in its own JVM, stopped by SIGTERM
    ServeProcess p =
        ServeProcess.start(
            tmp.resolve("serve.log"),
            "serve",
            "--solr",
            solr,
            "--collection",
            "cli",
            "--port",
            "0");
    int exit;
    try {
      String url = p.awaitUrl();
      JsonNode body = ServeProcess.search(url, "{\"query\": \"" + queries.get(0) + "\", \"k\": 5}");
      assertEquals(truth.get(0), paths(body.get("hits")));
      ServeProcess.assertFirstHitImageIsJpeg(url, body);
      JsonNode info =
          JSON.readTree(
              HttpClient.newHttpClient()
                  .send(
                      HttpRequest.newBuilder(URI.create(url + "/v1/info")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      assertEquals(li.get("size").asInt(), info.get("size").asInt(), info.toString());
    } finally {
      exit = p.stop(); // also when an assertion failed: no child is left behind
    }
    assertEquals(143, exit);
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
