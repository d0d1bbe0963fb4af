package org.tbps4j.search.serve;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tbps4j.search.BatchingQueryEncoder;
import org.tbps4j.search.SafeImages;
import org.tbps4j.search.Searcher;
import org.tbps4j.search.index.IndexHit;
import org.tbps4j.search.index.IndexInfo;
import org.tbps4j.search.index.IndexedImage;
import org.tbps4j.search.index.SearchMode;

/**
 * {@code tbps serve}: the search API and page over HTTP, on the JDK's {@code HttpServer} with a
 * bounded worker pool we own (see docs/search.md for the API and docs/security.md for the trust
 * model).
 *
 * <ul>
 *   <li>{@code POST /v1/search} {@code {"query": "…", "k": 10, "exact": false}} → ranked hits;
 *   <li>{@code GET /v1/images/{path}} the image of a hit, decoded and re-encoded (a path the index
 *       holds, resolved inside the image root by real path);
 *   <li>{@code GET /v1/health}, {@code GET /v1/info}, {@code GET /v1/openapi.json};
 *   <li>{@code GET /} the search page ({@code /app.js}, {@code /app.css}).
 * </ul>
 *
 * <p>Every bad request is a JSON error with a 4xx status. Beyond loopback every {@code /v1/} route
 * but health needs {@code Authorization: Bearer TOKEN} (compared in constant time); on loopback the
 * {@code Host} header must name a loopback host (no DNS rebinding). {@link #stop} stops accepting
 * and lets requests in flight finish within the grace period.
 */
public final class SearchServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SearchServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API = "/v1/";
  private static final String IMAGES = "/v1/images/";
  private static final int MAX_URI = 4096;
  private static final long DRAIN_LIMIT = 8L << 20;
  private static final Set<String> SEARCH_FIELDS = Set.of("query", "k", "exact");

  /** Set while the accepting thread runs a request the full worker queue refused. */
  private static final ThreadLocal<Boolean> OVERLOADED = new ThreadLocal<>();

  private final Searcher searcher;
  private final ServerConfig config;
  private final Path realRoot;
  private final HttpServer http;
  private final ThreadPoolExecutor pool;
  private final byte[] tokenDigest;
  private final AtomicLong lastRefresh = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong overloaded = new AtomicLong();
  private volatile boolean stopped;

  private SearchServer(Searcher searcher, ServerConfig config) throws IOException {
    this.searcher = searcher;
    this.config = config;
    this.realRoot = config.imageRoot().toRealPath();
    this.tokenDigest = config.token() == null ? null : sha256(config.token());
    serverTimeouts();
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            config.workers(),
            config.workers(),
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(config.queue()),
            r -> {
              Thread t = new Thread(r, "tbps-serve-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            // a full queue: the accepting thread answers 503 itself (cheap), nothing is dropped
            (r, executor) -> {
              OVERLOADED.set(Boolean.TRUE);
              try {
                r.run();
              } finally {
                OVERLOADED.remove();
              }
            });
    this.http = HttpServer.create(config.bind(), 128);
    http.setExecutor(pool);
    http.createContext("/", this::handle);
  }

  /**
   * Starts a server.
   *
   * @param searcher answers queries
   * @param config address, token, limits
   * @return the running server
   * @throws IOException when the address cannot be bound
   */
  public static SearchServer start(Searcher searcher, ServerConfig config) throws IOException {
    SearchServer s = new SearchServer(searcher, config);
    s.http.start();
    return s;
  }

  /**
   * The bound port.
   *
   * @return the port (useful with port 0)
   */
  public int port() {
    return http.getAddress().getPort();
  }

  /**
   * The base URL.
   *
   * @return {@code http://host:port}
   */
  public String url() {
    java.net.InetAddress bound = http.getAddress().getAddress();
    // a wildcard bind reports the dual-stack "::" even when the user asked for 0.0.0.0: say what
    // was asked for
    String host =
        bound.isAnyLocalAddress() && config.bind().getAddress() != null
            ? config.bind().getAddress().getHostAddress()
            : bound.getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + port();
  }

  /**
   * Stops accepting connections and waits (at most the grace period) for the requests in flight to
   * finish. Idempotent.
   */
  public void stop() {
    synchronized (this) {
      if (stopped) {
        return;
      }
      stopped = true;
    }
    // Requests arriving from now on are answered 503; wait for the ones in flight. (The JDK's
    // HttpServer.stop(delay) of Java 17 waits the whole delay when nothing is in flight, so the
    // draining is done here and the server is then stopped at once.)
    long deadline = System.nanoTime() + config.grace().toNanos();
    try {
      while (inFlight.get() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (inFlight.get() > 0) {
      LOG.warn("{} requests still running after the grace period", inFlight.get());
    }
    http.stop(0);
    pool.shutdownNow();
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * Requests refused with 503 {@code overloaded} because every worker was busy and the queue full.
   *
   * @return the count since the start
   */
  public long overloadedCount() {
    return overloaded.get();
  }

  /**
   * Requests waiting for a worker.
   *
   * @return the worker pool's queue length
   */
  int queued() {
    return pool.getQueue().size();
  }

  /**
   * Requests currently being handled.
   *
   * @return the count
   */
  public int inFlight() {
    return inFlight.get();
  }

  // The JDK server's own timeouts (seconds; read once, when the first server is created): a client
  // that sends its request or reads its response too slowly is disconnected.
  private static void serverTimeouts() {
    setIfAbsent("sun.net.httpserver.maxReqTime", "30");
    setIfAbsent("sun.net.httpserver.maxRspTime", "60");
    setIfAbsent("sun.net.httpserver.maxReqHeaders", "100");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  // ---------------------------------------------------------------- dispatch

  /** A request refused with a status and a machine-readable code. */
  static final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String code;

    HttpError(int status, String code, String message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    inFlight.incrementAndGet();
    try {
      ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      ex.getResponseHeaders().set("Cache-Control", "no-store");
      ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
      if (stopped) {
        ex.getResponseHeaders().set("Connection", "close");
        throw new HttpError(503, "shutting_down", "the server is shutting down");
      }
      if (OVERLOADED.get() != null) {
        overloaded.incrementAndGet();
        ex.getResponseHeaders().set("Retry-After", "1");
        throw new HttpError(
            503,
            "overloaded",
            "the server is busy ("
                + config.workers()
                + " requests running, "
                + config.queue()
                + " waiting): try again shortly");
      }
      route(ex);
    } catch (HttpError e) {
      if (e.status == 405) {
        ex.getResponseHeaders().set("Allow", e.code.substring("method_not_allowed:".length()));
        sendError(ex, 405, "method_not_allowed", e.getMessage());
      } else {
        sendError(ex, e.status, e.code, e.getMessage());
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.debug("request failed: {}", e.toString());
      try {
        sendError(ex, 500, "io_error", "the server could not read the index or an image");
      } catch (IOException | RuntimeException ignored) {
        // the client is gone
      }
    } catch (RuntimeException e) {
      LOG.warn("internal error on {} {}", ex.getRequestMethod(), ex.getRequestURI(), e);
      try {
        sendError(ex, 500, "internal_error", "internal error");
      } catch (IOException | RuntimeException ignored) {
        // the client is gone
      }
    } finally {
      inFlight.decrementAndGet();
      ex.close();
    }
  }

  private void route(HttpExchange ex) throws IOException {
    String raw = ex.getRequestURI().getRawPath();
    if (raw == null || ex.getRequestURI().toString().length() > MAX_URI) {
      throw new HttpError(414, "uri_too_long", "the request URI is too long");
    }
    checkHost(ex);
    String method = ex.getRequestMethod();
    switch (raw) {
      case "/", "/index.html" -> {
        allow(method, "GET");
        ex.getResponseHeaders()
            .set(
                "Content-Security-Policy",
                "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:;"
                    + " connect-src 'self'; form-action 'none'; frame-ancestors 'none';"
                    + " base-uri 'none'");
        sendResource(ex, "index.html", "text/html; charset=utf-8");
        return;
      }
      case "/app.js" -> {
        allow(method, "GET");
        sendResource(ex, "app.js", "text/javascript; charset=utf-8");
        return;
      }
      case "/app.css" -> {
        allow(method, "GET");
        sendResource(ex, "app.css", "text/css; charset=utf-8");
        return;
      }
      case "/v1/health" -> {
        allow(method, "GET");
        ObjectNode o = JSON.createObjectNode();
        o.put("status", stopped ? "stopping" : "ok");
        sendJson(ex, 200, o);
        return;
      }
      default -> {
        // below
      }
    }
    if (!raw.startsWith(API)) {
      throw new HttpError(404, "not_found", "no such route: " + printable(raw));
    }
    authenticate(ex);
    if (raw.equals("/v1/search")) {
      allow(method, "POST");
      search(ex);
    } else if (raw.equals("/v1/info")) {
      allow(method, "GET");
      sendJson(ex, 200, info());
    } else if (raw.equals("/v1/openapi.json")) {
      allow(method, "GET");
      sendResource(ex, "openapi.json", "application/json");
    } else if (raw.startsWith(IMAGES)) {
      allow(method, "GET");
      image(ex, raw.substring(IMAGES.length()));
    } else {
      throw new HttpError(404, "not_found", "no such route: " + printable(raw));
    }
  }

  private static void allow(String method, String allowed) {
    if (!method.equals(allowed) && !(method.equals("HEAD") && allowed.equals("GET"))) {
      throw new HttpError(
          405,
          "method_not_allowed:" + allowed,
          "this route answers " + allowed + " only, not " + printable(method));
    }
  }

  private void checkHost(HttpExchange ex) {
    if (!ServerConfig.isLoopback(config.bind().getAddress())) {
      return; // beyond loopback the token protects every data route
    }
    String host = ex.getRequestHeaders().getFirst("Host");
    if (host == null) {
      throw new HttpError(400, "bad_host", "a Host header is required");
    }
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      h = end < 0 ? h : h.substring(0, end + 1);
    } else if (h.indexOf(':') >= 0) {
      h = h.substring(0, h.indexOf(':'));
    }
    if (!(h.equals("localhost") || h.equals("[::1]") || h.matches("127(\\.\\d{1,3}){3}"))) {
      throw new HttpError(
          403,
          "bad_host",
          "this server listens on loopback and answers requests for localhost only (Host: "
              + printable(host)
              + ")");
    }
  }

  private void authenticate(HttpExchange ex) {
    if (tokenDigest == null) {
      return;
    }
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    byte[] given = new byte[0];
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      given = auth.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    }
    // both sides hashed: the comparison takes the same time whatever the token's length
    if (!MessageDigest.isEqual(sha256(given), tokenDigest)) {
      ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"tbps\"");
      throw new HttpError(
          401,
          "unauthorized",
          auth == null
              ? "this server needs Authorization: Bearer TOKEN"
              : "the bearer token is not accepted");
    }
  }

  // ---------------------------------------------------------------- routes

  private void search(HttpExchange ex) throws IOException {
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new HttpError(
          415, "unsupported_media_type", "send the query as Content-Type: application/json");
    }
    byte[] body = readBody(ex);
    JsonNode req;
    try {
      req = JSON.readTree(body);
    } catch (JsonParseException e) {
      throw new HttpError(
          400,
          "bad_json",
          "the body is not valid JSON (line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ")");
    } catch (IOException e) {
      throw new HttpError(400, "bad_json", "the body is not valid JSON");
    }
    if (req == null || !req.isObject()) {
      throw new HttpError(400, "bad_json", "the body must be a JSON object");
    }
    for (Iterator<String> it = req.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!SEARCH_FIELDS.contains(f)) {
        throw new HttpError(
            400, "unknown_field", "unknown field \"" + printable(f) + "\" (query, k, exact)");
      }
    }
    JsonNode q = req.get("query");
    if (q == null || q.isNull()) {
      throw new HttpError(400, "missing_field", "field \"query\" is required");
    }
    if (!q.isTextual()) {
      throw new HttpError(400, "wrong_type", "field \"query\" must be a string");
    }
    String query = q.textValue();
    if (query.isBlank()) {
      throw new HttpError(400, "bad_value", "field \"query\" is empty");
    }
    if (query.length() > config.maxQueryChars()) {
      throw new HttpError(
          400,
          "query_too_long",
          "field \"query\" has "
              + query.length()
              + " characters; at most "
              + config.maxQueryChars()
              + " are accepted");
    }
    int k = 10;
    JsonNode kn = req.get("k");
    if (kn != null && !kn.isNull()) {
      if (!kn.isIntegralNumber()) {
        throw new HttpError(400, "wrong_type", "field \"k\" must be an integer");
      }
      if (!kn.canConvertToInt() || kn.intValue() < 1 || kn.intValue() > config.maxK()) {
        throw new HttpError(
            400,
            "bad_value",
            "field \"k\" must be between 1 and " + config.maxK() + ", got " + kn.asText());
      }
      k = kn.intValue();
    }
    boolean exact = false;
    JsonNode en = req.get("exact");
    if (en != null && !en.isNull()) {
      if (!en.isBoolean()) {
        throw new HttpError(400, "wrong_type", "field \"exact\" must be true or false");
      }
      exact = en.booleanValue();
    }
    maybeRefresh();
    Searcher.Result r = searcher.search(query, k, exact ? SearchMode.EXACT : SearchMode.HNSW);
    ObjectNode out = JSON.createObjectNode();
    out.put("query", query);
    out.put("k", k);
    out.put("mode", exact ? "exact" : "hnsw");
    out.put("took_ms", round(r.totalMillis()));
    out.put("embed_ms", round(r.embedMillis()));
    out.put("search_ms", round(r.searchMillis()));
    ArrayNode hits = out.putArray("hits");
    int rank = 1;
    for (IndexHit h : r.hits()) {
      ObjectNode o = hits.addObject();
      o.put("rank", rank++);
      o.put("path", h.image().path());
      if (h.image().hasId()) {
        o.put("id", h.image().personId());
      } else {
        o.putNull("id");
      }
      o.put("score", h.score());
      o.put("width", h.image().width());
      o.put("height", h.image().height());
      o.put("image", IMAGES + encodePath(h.image().path()));
    }
    sendJson(ex, 200, out);
  }

  private void maybeRefresh() throws IOException {
    long now = System.nanoTime();
    long last = lastRefresh.get();
    if (now - last > 2_000_000_000L && lastRefresh.compareAndSet(last, now)) {
      searcher.index().refresh();
    }
  }

  private ObjectNode info() throws IOException {
    ObjectNode o = JSON.createObjectNode();
    Optional<IndexInfo> info = searcher.index().info();
    o.put("size", searcher.index().size());
    o.put("dim", searcher.encoder().dim());
    info.ifPresent(
        i -> {
          o.put("model_sha256", i.modelHash());
          o.put("model", Path.of(i.modelFile()).getFileName().toString());
          o.put("source_kind", i.source().substring(0, Math.max(0, i.source().indexOf(':'))));
          o.put("created", i.created().toString());
          o.put("updated", i.updated().toString());
          o.put("complete", i.complete());
          o.put("hnsw_m", i.hnswM());
          o.put("hnsw_beam_width", i.hnswBeamWidth());
        });
    if (searcher.index().efSearch() > 0) {
      o.put("hnsw_ef_search", searcher.index().efSearch());
    }
    o.put("max_k", config.maxK());
    o.put("max_query_chars", config.maxQueryChars());
    o.put("auth", config.requiresToken() ? "bearer" : "none");
    o.put("workers", config.workers());
    ObjectNode served = o.putObject("served");
    served.put("overloaded", overloaded.get());
    if (searcher.encoder() instanceof BatchingQueryEncoder b) {
      BatchingQueryEncoder.Stats st = b.stats();
      served.put("query_passes", st.passes());
      served.put("queries_encoded", st.texts());
      served.put("mean_query_batch", round(st.meanBatch()));
      served.put("largest_query_batch", st.largestBatch());
    }
    return o;
  }

  private void image(HttpExchange ex, String rawPath) throws IOException {
    String path = decodePath(rawPath);
    String why = SafeImages.badStoredPath(path);
    if (why != null) {
      throw new HttpError(400, "bad_path", "image path " + why);
    }
    Optional<IndexedImage> held = searcher.index().get(path);
    if (held.isEmpty()) {
      throw new HttpError(404, "not_found", "the index holds no image " + printable(path));
    }
    byte[] jpeg;
    try {
      Path file = SafeImages.resolve(realRoot, path);
      jpeg = SafeImages.thumbnailJpeg(file, 256, 512);
    } catch (NoSuchFileException e) {
      throw new HttpError(404, "not_found", "the image file of " + printable(path) + " is gone");
    } catch (IllegalArgumentException e) {
      // outside the root through a link, above the pixel limit, or not decodable
      throw new HttpError(422, "bad_image", e.getMessage().replace(realRoot.toString(), "ROOT"));
    }
    send(ex, 200, "image/jpeg", jpeg);
  }

  // ---------------------------------------------------------------- I/O

  private byte[] readBody(HttpExchange ex) throws IOException {
    String len = ex.getRequestHeaders().getFirst("Content-Length");
    int max = config.maxBodyBytes();
    if (len != null) {
      long n;
      try {
        n = Long.parseLong(len.trim());
      } catch (NumberFormatException e) {
        throw new HttpError(400, "bad_request", "Content-Length is not a number");
      }
      if (n > max) {
        drain(ex);
        throw new HttpError(
            413,
            "body_too_large",
            "the body has " + n + " bytes; at most " + max + " are accepted");
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in = ex.getRequestBody();
    byte[] buf = new byte[8192];
    for (int r; (r = in.read(buf)) > 0; ) {
      out.write(buf, 0, r);
      if (out.size() > max) {
        drain(ex);
        throw new HttpError(413, "body_too_large", "the body is larger than " + max + " bytes");
      }
    }
    if (out.size() == 0) {
      throw new HttpError(400, "bad_json", "the body is empty");
    }
    return out.toByteArray();
  }

  /**
   * Reads and drops what is left of a refused body, up to {@link #DRAIN_LIMIT} bytes, so that the
   * client (which may still be sending) receives the error instead of a reset connection; beyond
   * that the connection is closed.
   */
  private static void drain(HttpExchange ex) throws IOException {
    InputStream in = ex.getRequestBody();
    byte[] buf = new byte[16384];
    long total = 0;
    for (int r; total < DRAIN_LIMIT && (r = in.read(buf)) > 0; ) {
      total += r;
    }
    if (total >= DRAIN_LIMIT) {
      ex.getResponseHeaders().set("Connection", "close");
    }
  }

  private void sendResource(HttpExchange ex, String name, String type) throws IOException {
    try (InputStream in = SearchServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + name + " is missing from the jar");
      }
      send(ex, 200, type, in.readAllBytes());
    }
  }

  private static void sendJson(HttpExchange ex, int status, JsonNode body) throws IOException {
    send(ex, status, "application/json", JSON.writeValueAsBytes(body));
  }

  private static void sendError(HttpExchange ex, int status, String code, String message)
      throws IOException {
    ObjectNode o = JSON.createObjectNode();
    ObjectNode e = o.putObject("error");
    e.put("status", status);
    e.put("code", code);
    e.put("message", message);
    send(ex, status, "application/json", JSON.writeValueAsBytes(o));
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body)
      throws IOException {
    Headers h = ex.getResponseHeaders();
    h.set("Content-Type", type);
    boolean head = ex.getRequestMethod().equals("HEAD");
    // a request body the handler did not read is drained by the server before the next request
    ex.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Percent-encodes a stored path for a URL, segment by segment ({@code /} kept).
   *
   * @param path the stored path
   * @return the encoded path
   */
  public static String encodePath(String path) {
    StringBuilder b = new StringBuilder();
    for (byte c : path.getBytes(StandardCharsets.UTF_8)) {
      int u = c & 0xff;
      if ((u >= 'a' && u <= 'z')
          || (u >= 'A' && u <= 'Z')
          || (u >= '0' && u <= '9')
          || u == '-'
          || u == '.'
          || u == '_'
          || u == '~'
          || u == '/') {
        b.append((char) u);
      } else {
        b.append('%').append(String.format(Locale.ROOT, "%02X", u));
      }
    }
    return b.toString();
  }

  /**
   * Decodes a percent-encoded path strictly: every {@code %} must start two hex digits and the
   * bytes must be UTF-8. An encoded {@code /} ({@code %2F}) stays part of its segment, so it can
   * never make a path climb; the result is then checked like any stored path.
   *
   * @param raw the raw path
   * @return the decoded path
   * @throws HttpError (400) on a malformed escape
   */
  static String decodePath(String raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          throw new HttpError(400, "bad_path", "malformed percent escape in the path");
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new HttpError(400, "bad_path", "malformed percent escape in the path");
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else if (c > 0x7f) {
        throw new HttpError(400, "bad_path", "non-ASCII character in the raw path");
      } else {
        out.write(c);
      }
    }
    byte[] bytes = out.toByteArray();
    var dec = StandardCharsets.UTF_8.newDecoder();
    try {
      return dec.decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new HttpError(400, "bad_path", "the path is not UTF-8");
    }
  }

  private static double round(double ms) {
    return Math.round(ms * 1000) / 1000.0;
  }

  private static String printable(String s) {
    String p = SafeImages.printable(s);
    return p.length() > 200 ? p.substring(0, 200) + "…" : p;
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The routes, for messages and tests.
   *
   * @return the route list
   */
  static List<String> routes() {
    return List.of(
        "GET /",
        "GET /v1/health",
        "GET /v1/info",
        "GET /v1/openapi.json",
        "POST /v1/search",
        "GET /v1/images/{path}");
  }
}
