package org.tbps4j.search.serve;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop HTTP load generator for {@code tbps serve} (loopback only: the benchmark and its
 * tests start the server themselves): {@code clients} threads, each sending one search after the
 * other for a fixed time; optionally every {@code garbageEvery}-th request of a client is garbage
 * (broken JSON, a wrong type, a huge {@code k}), which must be refused with a 4xx while the good
 * requests keep succeeding.
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
    List<int[]> counts = new ArrayList<>();
    long t0 = System.nanoTime();
    long end = t0 + duration.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      final int cid = c;
      double[][] lat = {new double[1024]};
      int[] n = {0};
      perClient.add(null);
      counts.add(n);
      Thread t =
          new Thread(
              () -> {
                HttpClient http =
                    HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(10))
                        .build();
                Random r = new Random(cid);
                long i = 0;
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
                  HttpRequest.Builder b =
                      HttpRequest.newBuilder(search)
                          .timeout(Duration.ofSeconds(30))
                          .header("Content-Type", "application/json")
                          .POST(HttpRequest.BodyPublishers.ofString(body));
                  if (token != null) {
                    b.header("Authorization", "Bearer " + token);
                  }
                  (bad ? garbage : good).incrementAndGet();
                  long s = System.nanoTime();
                  try {
                    HttpResponse<byte[]> resp =
                        http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                    double ms = (System.nanoTime() - s) / 1e6;
                    if (bad) {
                      if (resp.statusCode() >= 400 && resp.statusCode() < 500) {
                        refused.incrementAndGet();
                      }
                    } else if (resp.statusCode() == 200) {
                      ok.incrementAndGet();
                      if (n[0] == lat[0].length) {
                        lat[0] = Arrays.copyOf(lat[0], 2 * n[0]);
                      }
                      lat[0][n[0]++] = ms;
                    } else {
                      errors.incrementAndGet();
                    }
                  } catch (IOException e) {
                    dropped.incrementAndGet();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                  }
                }
                synchronized (perClient) {
                  perClient.set(cid, Arrays.copyOf(lat[0], n[0]));
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
