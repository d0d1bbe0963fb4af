package org.tbps4j.search.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.search.Planted;
import org.tbps4j.search.Searcher;
import org.tbps4j.search.index.LuceneIndex;

/** The HTTP API on a planted index: round trips, every class of bad request, auth, shutdown. */
class SearchServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int D = 16;

  @TempDir Path tmp;
  private Path root;
  private List<String> paths;
  private float[][] v;
  private LuceneIndex index;
  private Planted.Encoder encoder;
  private final List<SearchServer> servers = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    root = tmp.resolve("images");
    paths = Planted.paths(40);
    v = Planted.unitVectors(40, D, 7);
    Planted.images(root, paths);
    Planted.build(tmp.resolve("idx"), root, paths, v);
    index = LuceneIndex.openReadOnly(tmp.resolve("idx"));
    // "person 13" is planted near image 27 (id 13)
    encoder = new Planted.Encoder(D).put("person 13", v[27]);
  }

  @AfterEach
  void tearDown() throws IOException {
    servers.forEach(SearchServer::stop);
    index.close();
  }

  private SearchServer start(ServerConfig cfg) throws IOException {
    SearchServer s = SearchServer.start(new Searcher(encoder, index), cfg);
    servers.add(s);
    return s;
  }

  private SearchServer loopback() throws IOException {
    return start(
        ServerConfig.defaults(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, root));
  }

  private static JsonNode json(Http.Response r) throws IOException {
    assertEquals("application/json", r.header("Content-Type"), r.text());
    return JSON.readTree(r.body());
  }

  private static void assertError(Http.Response r, int status, String code) throws IOException {
    assertEquals(status, r.status(), r.text());
    JsonNode e = json(r).get("error");
    assertEquals(status, e.get("status").asInt());
    assertEquals(code, e.get("code").asText(), r.text());
    assertTrue(e.get("message").asText().length() > 5);
    assertEquals("nosniff", r.header("X-Content-Type-Options"));
  }

  @Test
  void searchReturnsThePlantedImageFirstWithItsIdAndImage() throws Exception {
    SearchServer s = loopback();
    Http.Response r = Http.post(s.port(), "/v1/search", "{\"query\": \"person 13\", \"k\": 5}");
    assertEquals(200, r.status(), r.text());
    JsonNode body = json(r);
    JsonNode hits = body.get("hits");
    assertEquals(5, hits.size());
    assertEquals(paths.get(27), hits.get(0).get("path").asText());
    assertEquals(13, hits.get(0).get("id").asLong());
    assertEquals(1.0, hits.get(0).get("score").asDouble(), 1e-5);
    assertEquals(1, hits.get(0).get("rank").asInt());
    assertEquals("hnsw", body.get("mode").asText());
    assertTrue(body.get("took_ms").asDouble() >= 0);
    for (int i = 1; i < hits.size(); i++) {
      assertTrue(hits.get(i - 1).get("score").asDouble() >= hits.get(i).get("score").asDouble());
    }
    // exact gives the same ranking on this small index
    JsonNode exact =
        json(
            Http.post(
                s.port(), "/v1/search", "{\"query\": \"person 13\", \"k\": 5, \"exact\": true}"));
    assertEquals("exact", exact.get("mode").asText());
    for (int i = 0; i < 5; i++) {
      assertEquals(hits.get(i).get("path"), exact.get("hits").get(i).get("path"));
    }
    // the hit's image: a decoded, re-encoded JPEG of the file's size
    Http.Response img = Http.get(s.port(), hits.get(0).get("image").asText());
    assertEquals(200, img.status());
    assertEquals("image/jpeg", img.header("Content-Type"));
    BufferedImage back = ImageIO.read(new ByteArrayInputStream(img.body()));
    assertEquals(16, back.getWidth());
    assertEquals(32, back.getHeight());
  }

  @Test
  void healthInfoOpenApiAndThePage() throws Exception {
    SearchServer s = loopback();
    assertEquals("ok", json(Http.get(s.port(), "/v1/health")).get("status").asText());
    JsonNode info = json(Http.get(s.port(), "/v1/info"));
    assertEquals(40, info.get("size").asLong());
    assertEquals(D, info.get("dim").asInt());
    assertEquals(Planted.HASH, info.get("model_sha256").asText());
    assertEquals("2026-01-01T00:00:00Z", info.get("created").asText());
    assertEquals("none", info.get("auth").asText());
    assertTrue(!info.toString().contains(root.toString()), "no absolute paths: " + info);
    JsonNode api = json(Http.get(s.port(), "/v1/openapi.json"));
    assertEquals("3.0.3", api.get("openapi").asText());
    for (String p : List.of("/v1/search", "/v1/images/{path}", "/v1/info", "/v1/health")) {
      assertNotNull(api.get("paths").get(p), p);
    }
    Http.Response page = Http.get(s.port(), "/");
    assertEquals(200, page.status());
    assertEquals("text/html; charset=utf-8", page.header("Content-Type"));
    assertTrue(page.header("Content-Security-Policy").contains("script-src 'self'"));
    assertTrue(page.text().contains("<input id=\"q\""));
    assertEquals(200, Http.get(s.port(), "/app.js").status());
    assertEquals(200, Http.get(s.port(), "/app.css").status());
  }

  @Test
  void everyBadRequestIsAJson4xx() throws Exception {
    SearchServer s = loopback();
    int p = s.port();
    assertError(Http.post(p, "/v1/search", "{\"query\": "), 400, "bad_json");
    assertError(Http.post(p, "/v1/search", "[1, 2]"), 400, "bad_json");
    assertError(Http.post(p, "/v1/search", "{}"), 400, "missing_field");
    assertError(Http.post(p, "/v1/search", "{\"k\": 3}"), 400, "missing_field");
    assertError(Http.post(p, "/v1/search", "{\"query\": 5}"), 400, "wrong_type");
    assertError(Http.post(p, "/v1/search", "{\"query\": \"  \"}"), 400, "bad_value");
    assertError(Http.post(p, "/v1/search", "{\"query\": \"x\", \"k\": 0}"), 400, "bad_value");
    assertError(Http.post(p, "/v1/search", "{\"query\": \"x\", \"k\": 1000000}"), 400, "bad_value");
    assertError(Http.post(p, "/v1/search", "{\"query\": \"x\", \"k\": 1001}"), 400, "bad_value");
    assertError(
        Http.post(p, "/v1/search", "{\"query\": \"x\", \"k\": 99999999999999999999}"),
        400,
        "bad_value");
    assertError(Http.post(p, "/v1/search", "{\"query\": \"x\", \"k\": 2.5}"), 400, "wrong_type");
    assertError(
        Http.post(p, "/v1/search", "{\"query\": \"x\", \"exact\": \"yes\"}"), 400, "wrong_type");
    assertError(Http.post(p, "/v1/search", "{\"query\": \"x\", \"top\": 3}"), 400, "unknown_field");
    assertError(
        Http.post(p, "/v1/search", "{\"query\": \"" + "a".repeat(1001) + "\"}"),
        400,
        "query_too_long");
    assertEquals(
        200,
        Http.post(p, "/v1/search", "{\"query\": \"" + "a".repeat(1000) + "\", \"k\": 1000}")
            .status());
    // a huge body: refused from its Content-Length, and without one (chunked) while reading
    byte[] huge = ("{\"query\": \"" + "a".repeat(1 << 20) + "\"}").getBytes(StandardCharsets.UTF_8);
    assertError(
        Http.send(p, "POST", "/v1/search", Map.of("Content-Type", "application/json"), huge),
        413,
        "body_too_large");
    assertError(
        Http.send(
            p,
            "POST",
            "/v1/search",
            Map.of("Content-Type", "application/json", "Transfer-Encoding", "chunked"),
            chunked(huge)),
        413,
        "body_too_large");
    assertError(
        Http.send(
            p,
            "POST",
            "/v1/search",
            Map.of(),
            "{\"query\":\"x\"}".getBytes(StandardCharsets.UTF_8)),
        415,
        "unsupported_media_type");
    assertError(
        Http.send(p, "POST", "/v1/search", Map.of("Content-Type", "application/json"), new byte[0]),
        400,
        "bad_json");
    // wrong method, unknown routes
    Http.Response m = Http.get(p, "/v1/search");
    assertError(m, 405, "method_not_allowed");
    assertEquals("POST", m.header("Allow"));
    assertError(Http.post(p, "/v1/health", "{}"), 405, "method_not_allowed");
    assertError(Http.get(p, "/v2/search"), 404, "not_found");
    assertError(Http.get(p, "/v1/nothing"), 404, "not_found");
    assertError(Http.get(p, "/etc/passwd"), 404, "not_found");
    assertError(Http.get(p, "/" + "a".repeat(5000)), 414, "uri_too_long");
  }

  private static byte[] chunked(byte[] body) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < body.length; i += 4096) {
      int n = Math.min(4096, body.length - i);
      out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body, i, n);
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  @Test
  void imagesAreServedOnlyForIndexedPathsInsideTheRoot() throws Exception {
    Path secret = tmp.resolve("secret.jpg");
    Planted.images(tmp, List.of("secret.jpg"));
    SearchServer s = loopback();
    int p = s.port();
    for (String t :
        List.of(
            "/v1/images/..%2F..%2Fsecret.jpg",
            "/v1/images/../secret.jpg",
            "/v1/images/cam1/..%2F..%2Fsecret.jpg",
            "/v1/images/%2Fetc%2Fpasswd",
            "/v1/images/cam0//p0000.jpg",
            "/v1/images/./cam0/p0000.jpg",
            "/v1/images/cam0%5Cp0000.jpg",
            "/v1/images/%00",
            "/v1/images/%C3")) {
      Http.Response r = Http.get(p, t);
      assertTrue(r.status() == 400 || r.status() == 404, t + " -> " + r.status());
      assertEquals("application/json", r.header("Content-Type"), t);
    }
    assertError(Http.get(p, "/v1/images/..%2F..%2Fsecret.jpg"), 400, "bad_path");
    // not a URI at all: refused by the HTTP layer itself, before any handler (plain 400)
    assertEquals(400, Http.get(p, "/v1/images/%zz").status());
    // a file inside the root that the index does not hold
    Planted.images(root, List.of("extra.jpg"));
    assertError(Http.get(p, "/v1/images/extra.jpg"), 404, "not_found");
    // an indexed path that became a link out of the root
    Path victim = root.resolve(paths.get(3));
    Files.delete(victim);
    Files.createSymbolicLink(victim, secret);
    Http.Response r = Http.get(p, "/v1/images/" + paths.get(3));
    assertError(r, 422, "bad_image");
    assertTrue(!r.text().contains(tmp.toString()), r.text());
    // an indexed file that is not an image
    Files.writeString(root.resolve(paths.get(4)), "<html><script>alert(1)</script>");
    assertError(Http.get(p, "/v1/images/" + paths.get(4)), 422, "bad_image");
    // a deleted file
    Files.delete(root.resolve(paths.get(5)));
    assertError(Http.get(p, "/v1/images/" + paths.get(5)), 404, "not_found");
    assertEquals(200, Http.get(p, "/v1/images/" + paths.get(6)).status());
  }

  @Test
  void loopbackAnswersLocalHostNamesOnly() throws Exception {
    SearchServer s = loopback();
    int p = s.port();
    assertEquals(
        200, Http.send(p, "GET", "/v1/health", Map.of("Host", "localhost:" + p), null).status());
    assertEquals(
        200, Http.send(p, "GET", "/v1/health", Map.of("Host", "127.0.0.1"), null).status());
    assertError(
        Http.send(p, "GET", "/v1/info", Map.of("Host", "evil.example:" + p), null),
        403,
        "bad_host");
    assertError(
        Http.send(p, "GET", "/", Map.of("Host", "127.0.0.1.evil.example"), null), 403, "bad_host");
  }

  @Test
  void beyondLoopbackNeedsATokenAndChecksIt() throws Exception {
    InetSocketAddress any = new InetSocketAddress("0.0.0.0", 0);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.defaults(any, null, root));
    assertTrue(
        e.getMessage().startsWith("binding to 0.0.0.0 (beyond loopback) needs --token-file"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ServerConfig.defaults(any, "short", root));
    String token = "s3cret-token-0123456789";
    // bound to every address; the test talks to it over loopback only
    SearchServer s = start(ServerConfig.defaults(any, token, root));
    int p = s.port();
    String search = "{\"query\": \"person 13\"}";
    Map<String, String> type = Map.of("Content-Type", "application/json");
    Http.Response none =
        Http.send(p, "POST", "/v1/search", type, search.getBytes(StandardCharsets.UTF_8));
    assertError(none, 401, "unauthorized");
    assertEquals("Bearer realm=\"tbps\"", none.header("WWW-Authenticate"));
    assertError(
        Http.send(
            p,
            "POST",
            "/v1/search",
            Map.of("Content-Type", "application/json", "Authorization", "Bearer " + token + "x"),
            search.getBytes(StandardCharsets.UTF_8)),
        401,
        "unauthorized");
    assertError(
        Http.send(p, "GET", "/v1/info", Map.of("Authorization", "Basic " + token), null),
        401,
        "unauthorized");
    assertError(Http.get(p, "/v1/images/" + paths.get(0)), 401, "unauthorized");
    assertError(Http.get(p, "/v1/openapi.json"), 401, "unauthorized");
    Map<String, String> auth =
        Map.of("Content-Type", "application/json", "Authorization", "Bearer " + token);
    Http.Response ok =
        Http.send(p, "POST", "/v1/search", auth, search.getBytes(StandardCharsets.UTF_8));
    assertEquals(200, ok.status(), ok.text());
    assertEquals(paths.get(27), json(ok).get("hits").get(0).get("path").asText());
    assertEquals(
        200,
        Http.send(
                p,
                "GET",
                "/v1/images/" + paths.get(0),
                Map.of("Authorization", "Bearer " + token),
                null)
            .status());
    assertEquals(
        "bearer",
        json(Http.send(p, "GET", "/v1/info", Map.of("Authorization", "bearer " + token), null))
            .get("auth")
            .asText());
    // health and the page (no data in it) need no token
    assertEquals(200, Http.get(p, "/v1/health").status());
    assertEquals(200, Http.get(p, "/").status());
  }

  @Test
  void stopLetsRequestsInFlightFinishAndRefusesNewOnes() throws Exception {
    SearchServer s =
        start(
            new ServerConfig(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                null,
                root,
                4,
                16,
                ServerConfig.DEFAULT_MAX_BODY,
                1000,
                1000,
                Duration.ofSeconds(10)));
    int p = s.port();
    encoder.delayMillis = 1500;
    CompletableFuture<Http.Response> slow =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return Http.post(p, "/v1/search", "{\"query\": \"person 13\"}");
              } catch (IOException ex) {
                throw new java.io.UncheckedIOException(ex);
              }
            });
    long t0 = System.nanoTime();
    while (s.inFlight() == 0 && System.nanoTime() - t0 < 5_000_000_000L) {
      Thread.sleep(10);
    }
    assertEquals(1, s.inFlight());
    s.stop();
    Http.Response r = slow.get(10, TimeUnit.SECONDS);
    assertEquals(200, r.status(), r.text());
    assertEquals(paths.get(27), json(r).get("hits").get(0).get("path").asText());
    assertThrows(IOException.class, () -> Http.get(p, "/v1/health"));
  }

  @Test
  void concurrentClientsAllGetAnswers() throws Exception {
    SearchServer s = loopback();
    int p = s.port();
    List<CompletableFuture<Integer>> all = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      final int n = i;
      all.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  String body = n % 10 == 0 ? "{garbage" : "{\"query\": \"person 13\", \"k\": 3}";
                  return Http.post(p, "/v1/search", body).status();
                } catch (IOException ex) {
                  throw new java.io.UncheckedIOException(ex);
                }
              },
              java.util.concurrent.Executors.newFixedThreadPool(16)));
    }
    int[] counts = new int[600];
    for (CompletableFuture<Integer> f : all) {
      counts[f.get(30, TimeUnit.SECONDS)]++;
    }
    assertArrayEquals(new int[] {57, 7}, new int[] {counts[200], counts[400]});
  }

  @Test
  void aFullQueueIsRefusedWithA503JsonErrorAndNothingIsDropped() throws Exception {
    SearchServer s =
        start(
            new ServerConfig(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                null,
                root,
                1,
                1,
                ServerConfig.DEFAULT_MAX_BODY,
                1000,
                1000,
                Duration.ofSeconds(10)));
    int p = s.port();
    encoder.gate = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.ExecutorService clients =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      // the only worker is held in the encoder by the first request, the second waits in the queue
      List<CompletableFuture<Http.Response>> held = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        held.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return Http.post(p, "/v1/search", "{\"query\": \"person 13\"}");
                  } catch (IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                  }
                },
                clients));
        long t0 = System.nanoTime();
        while ((i == 0 ? s.inFlight() : s.queued()) < 1) {
          assertTrue(System.nanoTime() - t0 < 20_000_000_000L, "request " + i + " never arrived");
          Thread.sleep(5);
        }
      }
      // anything more is answered at once: 503 with a JSON error and Retry-After, not dropped
      for (int i = 0; i < 3; i++) {
        Http.Response r = Http.post(p, "/v1/search", "{\"query\": \"person 13\"}");
        assertError(r, 503, "overloaded");
        assertEquals("1", r.header("Retry-After"));
      }
      assertEquals(3, s.overloadedCount());
      encoder.gate.countDown();
      for (CompletableFuture<Http.Response> f : held) {
        Http.Response r = f.get(30, TimeUnit.SECONDS);
        assertEquals(200, r.status(), r.text());
        assertEquals(paths.get(27), json(r).get("hits").get(0).get("path").asText());
      }
      // and the server serves on
      assertEquals(200, Http.post(p, "/v1/search", "{\"query\": \"person 13\"}").status());
      assertEquals(3, json(Http.get(p, "/v1/info")).get("served").get("overloaded").asLong());
    } finally {
      encoder.gate.countDown();
      clients.shutdownNow();
    }
  }
}
