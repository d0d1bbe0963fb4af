package org.tbps4j.search.serve;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop HTTP load generator for {@code tbps serve} (loopback only: the benchmark and its
 * tests start the server themselves): {@code clients} threads, each sending one search after the
 * other for a fixed time; optionally every {@code garbageEvery}-th request of a client is garbage
 * (broken JSON, a wrong type, a huge {@code k}), which must be refused with a 4xx while the good
 * requests keep succeeding.
 *
 * <p>Each client is one HTTP/1.1 keep-alive connection on a plain blocking socket ({@link
 * Connection}), not the JDK's {@code HttpClient}: the generator shares the machine (and, in {@code
 * tbps bench index --serve}, the JVM) with the server it measures, and the JDK client spent about
 * 1.5 ms of CPU per request (a selector thread and a worker pool per client) — more than the
 * server's own HTTP and JSON handling — so its cost showed up as server latency.
 */
public final class LoadGenerator {

  /**
   * What a run measured.
   *
   * @param seconds wall time
   * @param good good requests sent
   * @param goodOk good requests answered 200
   * @param goodErrors good requests answered with another status
   * @param dropped requests that got no answer (connection error, timeout)
   * @param garbage garbage requests sent
   * @param garbage4xx garbage requests refused with a 4xx
   * @param latenciesMs latency of every good request answered 200, sorted
   */
  public record Result(
      double seconds,
      long good,
      long goodOk,
      long goodErrors,
      long dropped,
      long garbage,
      long garbage4xx,
      double[] latenciesMs) {

    /**
     * A latency percentile of the good requests.
     *
     * @param p in {@code [0, 100]}
     * @return milliseconds (nearest rank), NaN with no request
     */
    public double percentile(double p) {
      if (latenciesMs.length == 0) {
        return Double.NaN;
      }
      int i = (int) Math.ceil(p / 100.0 * latenciesMs.length) - 1;
      return latenciesMs[Math.max(0, Math.min(latenciesMs.length - 1, i))];
    }

    /**
     * The summary as a JSON-ready map.
     *
     * @return ordered map
     */
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("seconds", round(seconds));
      m.put("requests_per_s", round(goodOk / seconds));
      m.put("good_requests", good);
      m.put("good_ok", goodOk);
      m.put("good_errors", goodErrors);
      m.put("dropped", dropped);
      m.put("garbage_requests", garbage);
      m.put("garbage_refused_4xx", garbage4xx);
      m.put("p50_ms", round(percentile(50)));
      m.put("p95_ms", round(percentile(95)));
      m.put("p99_ms", round(percentile(99)));
      m.put("max_ms", round(percentile(100)));
      return m;
    }

    private static double round(double x) {
      return Math.round(x * 1000) / 1000.0;
    }
  }

  private final URI search;
  private final String token;
  private final List<String> queries;
  private final int k;

  /**
   * A generator against a server.
   *
   * @param baseUrl {@code http://127.0.0.1:PORT}
   * @param token bearer token, or null
   * @param queries the texts to send (round robin with a per-client offset)
   * @param k results per query
   */
  public LoadGenerator(String baseUrl, String token, List<String> queries, int k) {
    this.search = URI.create(baseUrl + "/v1/search");
    this.token = token;
    this.queries = List.copyOf(queries);
    this.k = k;
  }

  /**
   * Runs the load.
   *
   * @param clients concurrent clients (threads, one connection each)
   * @param duration how long
   * @param garbageEvery every n-th request of a client is garbage (0 = none)
   * @return the measurements
   * @throws InterruptedException if interrupted
   */
  public Result run(int clients, Duration duration, int garbageEvery) throws InterruptedException {
    AtomicLong good = new AtomicLong();
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong dropped = new AtomicLong();
    AtomicLong garbage = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    List<double[]> perClient = new ArrayList<>();
    long t0 = System.nanoTime();
    long end = t0 + duration.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      final int cid = c;
      perClient.add(null);
      Thread t =
          new Thread(
              () -> {
                double[] lat = new double[1024];
                int n = 0;
                Random r = new Random(cid);
                long i = 0;
                try (Connection conn = new Connection(search, token)) {
                  while (System.nanoTime() < end) {
                    i++;
                    boolean bad = garbageEvery > 0 && i % garbageEvery == 0;
                    String body =
                        bad
                            ? garbage(r)
                            : "{\"query\": "
                                + quote(queries.get((int) ((cid * 7919L + i) % queries.size())))
                                + ", \"k\": "
                                + k
                                + "}";
                    (bad ? garbage : good).incrementAndGet();
                    long s = System.nanoTime();
                    int status;
                    try {
                      // garbage is raw bytes (one char per byte), a query is UTF-8
                      status =
                          conn.post(
                              body.getBytes(
                                  bad ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8));
                    } catch (IOException e) {
                      dropped.incrementAndGet();
                      conn.reset();
                      continue;
                    }
                    double ms = (System.nanoTime() - s) / 1e6;
                    if (bad) {
                      if (status >= 400 && status < 500) {
                        refused.incrementAndGet();
                      }
                    } else if (status == 200) {
                      ok.incrementAndGet();
                      if (n == lat.length) {
                        lat = Arrays.copyOf(lat, 2 * n);
                      }
                      lat[n++] = ms;
                    } else {
                      errors.incrementAndGet();
                    }
                  }
                }
                synchronized (perClient) {
                  perClient.set(cid, Arrays.copyOf(lat, n));
                }
              },
              "tbps-load-" + c);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    double[] all =
        perClient.stream()
            .filter(a -> a != null)
            .flatMapToDouble(Arrays::stream)
            .sorted()
            .toArray();
    return new Result(
        seconds,
        good.get(),
        ok.get(),
        errors.get(),
        dropped.get(),
        garbage.get(),
        refused.get(),
        all);
  }

  /**
   * One client's HTTP/1.1 connection: a blocking socket kept alive between requests (opened again
   * after an error or a {@code Connection: close}), requests written by hand, the status line and
   * headers parsed and the body read to its end ({@code Content-Length} or chunked). The response
   * time therefore covers the whole answer.
   */
  static final class Connection implements AutoCloseable {
    private static final int TIMEOUT_MS = 30_000;
    private final String host;
    private final int port;
    private final byte[] head;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    /**
     * A connection to a search endpoint (opened on first use).
     *
     * @param endpoint {@code http://127.0.0.1:PORT/v1/search}
     * @param token bearer token, or null
     */
    Connection(URI endpoint, String token) {
      if (!"http".equals(endpoint.getScheme()) || endpoint.getPort() < 0) {
        throw new IllegalArgumentException("expected http://host:port/…, got " + endpoint);
      }
      this.host = endpoint.getHost();
      this.port = endpoint.getPort();
      String authority = host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
      this.head =
          ("POST "
                  + endpoint.getRawPath()
                  + " HTTP/1.1\r\nHost: "
                  + authority
                  + "\r\nContent-Type: application/json\r\n"
                  + (token != null ? "Authorization: Bearer " + token + "\r\n" : ""))
              .getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Sends one POST and reads the whole answer.
     *
     * @param body the request body
     * @return the status code
     * @throws IOException when the connection fails or the answer is not HTTP (the caller counts it
     *     as dropped)
     */
    int post(byte[] body) throws IOException {
      if (socket == null) {
        socket = new Socket(host, port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(TIMEOUT_MS);
        in = new BufferedInputStream(socket.getInputStream(), 16384);
        out = new BufferedOutputStream(socket.getOutputStream(), 16384);
      }
      out.write(head);
      out.write(
          ("Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      String status = line(in);
      if (!status.startsWith("HTTP/1.") || status.length() < 12) {
        throw new IOException("not an HTTP status line: " + status);
      }
      int code;
      try {
        code = Integer.parseInt(status.substring(9, 12));
      } catch (NumberFormatException e) {
        throw new IOException("not an HTTP status line: " + status);
      }
      long length = -1;
      boolean chunked = false;
      boolean close = status.startsWith("HTTP/1.0");
      for (String h = line(in); !h.isEmpty(); h = line(in)) {
        int colon = h.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = h.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
        switch (name) {
          case "content-length" -> length = Long.parseLong(value);
          case "transfer-encoding" -> chunked = value.contains("chunked");
          case "connection" -> close = value.contains("close") ? true : close;
          default -> {
            // not needed
          }
        }
      }
      if (chunked) {
        for (long size = chunkSize(line(in)); size > 0; size = chunkSize(line(in))) {
          skip(in, size);
          line(in);
        }
        while (!line(in).isEmpty()) {
          // trailers
        }
      } else if (length >= 0) {
        skip(in, length);
      } else {
        in.transferTo(OutputStream.nullOutputStream()); // the body ends with the connection
        close = true;
      }
      if (close) {
        reset();
      }
      return code;
    }

    private static long chunkSize(String line) throws IOException {
      int semi = line.indexOf(';');
      try {
        return Long.parseLong((semi < 0 ? line : line.substring(0, semi)).trim(), 16);
      } catch (NumberFormatException e) {
        throw new IOException("bad chunk size: " + line);
      }
    }

    private static void skip(InputStream in, long n) throws IOException {
      byte[] buf = new byte[8192];
      while (n > 0) {
        int r = in.read(buf, 0, (int) Math.min(buf.length, n));
        if (r < 0) {
          throw new EOFException("the connection closed inside a response body");
        }
        n -= r;
      }
    }

    private static String line(InputStream in) throws IOException {
      StringBuilder b = new StringBuilder();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new EOFException("the connection closed inside a response");
        }
        if (b.length() > 8192) {
          throw new IOException("response line too long");
        }
        if (c != '\r') {
          b.append((char) c);
        }
      }
      return b.toString();
    }

    /** Closes the socket; the next request opens a new one. */
    void reset() {
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
      socket = null;
    }

    @Override
    public void close() {
      reset();
    }
  }

  private static String garbage(Random r) {
    return switch (r.nextInt(5)) {
      case 0 -> "{\"query\": \"unterminated";
      case 1 -> "{\"query\": 42}";
      case 2 -> "{\"query\": \"x\", \"k\": 1000000}";
      case 3 -> "[" + "\u0000".repeat(8) + "]";
      default -> new String(randomBytes(r, 64), StandardCharsets.ISO_8859_1);
    };
  }

  private static byte[] randomBytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    b[0] = '{';
    return b;
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\');
      }
      b.append(c < 0x20 ? ' ' : c);
    }
    return b.append('"').toString();
  }
}
