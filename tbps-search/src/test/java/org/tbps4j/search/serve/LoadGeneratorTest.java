package org.tbps4j.search.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.search.Planted;
import org.tbps4j.search.Searcher;
import org.tbps4j.search.index.LuceneIndex;

class LoadGeneratorTest {
  @TempDir Path tmp;

  /** Reads one request (head and Content-Length body) and returns it as text, or null at EOF. */
  private static String readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      head.write(c);
      byte[] h = head.toByteArray();
      int n = h.length;
      if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
        break;
      }
    }
    if (c < 0) {
      return null;
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    int at = text.toLowerCase().indexOf("content-length:");
    int len = Integer.parseInt(text.substring(at + 15, text.indexOf('\r', at)).trim());
    return text + new String(in.readNBytes(len), StandardCharsets.ISO_8859_1);
  }

  @Test
  void aConnectionReadsWholeAnswersKeepsAliveAndReconnectsAfterCloseOrFailure() throws Exception {
    List<String> answers =
        List.of(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n"
                + "{\"a\": 123}\n",
            "HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n3;x=y\r\n!!!\r\n0\r\n\r\n",
            "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}",
            "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
            "", // closes without an answer
            "HTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nx");
    List<String> requests = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger connections = new AtomicInteger();
    try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      Thread t =
          new Thread(
              () -> {
                int next = 0;
                try {
                  while (next < answers.size()) {
                    try (Socket s = server.accept()) {
                      connections.incrementAndGet();
                      InputStream in = new BufferedInputStream(s.getInputStream());
                      OutputStream out = s.getOutputStream();
                      for (String req; next < answers.size() && (req = readRequest(in)) != null; ) {
                        requests.add(req);
                        String a = answers.get(next++);
                        if (a.isEmpty()) {
                          break;
                        }
                        out.write(a.getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                        if (a.contains("Connection: close")) {
                          break;
                        }
                      }
                    }
                  }
                } catch (IOException e) {
                  // the test fails on the client side
                }
              });
      t.setDaemon(true);
      t.start();
      URI uri = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1/search");
      try (LoadGenerator.Connection c = new LoadGenerator.Connection(uri, "s3cret-token-0123")) {
        assertEquals(200, c.post("{\"query\": \"ü\"}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(400, c.post("{garbage".getBytes(StandardCharsets.UTF_8)));
        assertEquals(503, c.post("{}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(200, c.post("{}".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IOException.class, () -> c.post("{}".getBytes(StandardCharsets.UTF_8)));
        c.reset(); // what the generator does after a dropped request
        assertEquals(201, c.post("{}".getBytes(StandardCharsets.UTF_8)));
      }
      t.join(10_000);
    }
    // keep-alive: the first three on one connection, then one after Connection: close, one after
    // the dropped request
    assertEquals(3, connections.get());
    assertEquals(6, requests.size());
    String first = requests.get(0);
    assertTrue(first.startsWith("POST /v1/search HTTP/1.1\r\n"), first);
    assertTrue(first.contains("\r\nHost: 127.0.0.1:"), first);
    assertTrue(first.contains("\r\nContent-Type: application/json\r\n"), first);
    assertTrue(first.contains("\r\nAuthorization: Bearer s3cret-token-0123\r\n"), first);
    byte[] body = "{\"query\": \"ü\"}".getBytes(StandardCharsets.UTF_8);
    assertTrue(first.contains("\r\nContent-Length: " + body.length + "\r\n\r\n"), first);
    assertTrue(
        first.endsWith(new String(body, StandardCharsets.ISO_8859_1)), "the UTF-8 body: " + first);
  }

  @Test
  void aRunAgainstTheServerAnswersEveryGoodRequestAndRefusesEveryGarbageOne() throws Exception {
    Path root = tmp.resolve("images");
    List<String> paths = Planted.paths(20);
    float[][] v = Planted.unitVectors(20, 16, 3);
    Planted.images(root, paths);
    Planted.build(tmp.resolve("idx"), root, paths, v);
    try (LuceneIndex index = LuceneIndex.openReadOnly(tmp.resolve("idx"));
        SearchServer s =
            SearchServer.start(
                new Searcher(new Planted.Encoder(16).put("person 3", v[6]), index),
                ServerConfig.defaults(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, root))) {
      LoadGenerator load =
          new LoadGenerator(s.url(), null, List.of("person 3", "a red coat", "ünïcödé"), 5);
      LoadGenerator.Result r = load.run(4, Duration.ofMillis(1500), 3);
      assertTrue(r.good() > 8 && r.garbage() > 4, r.toMap().toString());
      assertEquals(r.good(), r.goodOk(), r.toMap().toString());
      assertEquals(0, r.goodErrors());
      assertEquals(0, r.dropped());
      assertEquals(r.garbage(), r.garbage4xx(), r.toMap().toString());
      assertEquals(r.goodOk(), r.latenciesMs().length);
      for (int i = 1; i < r.latenciesMs().length; i++) {
        assertTrue(r.latenciesMs()[i - 1] <= r.latenciesMs()[i]);
      }
      assertTrue(r.percentile(50) <= r.percentile(99));
    }
  }
}
