package org.tbps4j.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.ui.i18n.I18NProvider;
import org.junit.jupiter.api.Test;

/**
 * The dashboard against a hostile web page in the user's browser: requests whose {@code Host} is
 * not this machine's address (DNS rebinding) are refused; every response declares its type and
 * forbids sniffing; no GET request changes server state, and a state-changing POST from another
 * origin is refused.
 */
class DashboardHardeningTest {

  /** A raw HTTP/1.1 exchange (java.net.http will not send a foreign Host header). */
  record Reply(int status, Map<String, String> headers, String body) {}

  static Reply send(int port, String method, String path, String host, String origin)
      throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      StringBuilder req =
          new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
      if (origin != null) {
        req.append("Origin: ").append(origin).append("\r\n");
      }
      req.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String all = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      int end = all.indexOf("\r\n\r\n");
      String[] head = all.substring(0, end).split("\r\n");
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < head.length; i++) {
        int c = head[i].indexOf(':');
        headers.put(
            head[i].substring(0, c).trim().toLowerCase(Locale.ROOT),
            head[i].substring(c + 1).trim());
      }
      return new Reply(Integer.parseInt(head[0].split(" ")[1]), headers, all.substring(end + 4));
    }
  }

  @Test
  void aForeignHostHeaderIsRefused() throws Exception {
    try (DashboardServer s = DashboardServer.start(DashboardServer.LOOPBACK, 0)) {
      int port = s.getPort();
      assertEquals(200, send(port, "GET", "/", "127.0.0.1:" + port, null).status());
      assertEquals(200, send(port, "GET", "/", "localhost:" + port, null).status());
      for (String evil :
          List.of("rebind.example.com:" + port, "rebind.example.com", "10.0.0.7:" + port)) {
        Reply r = send(port, "GET", "/train/overview/data", evil, null);
        assertEquals(403, r.status(), evil + ": " + r.body());
      }
    }
  }

  @Test
  void everyResponseDeclaresItsTypeAndForbidsSniffing() throws Exception {
    try (DashboardServer s = DashboardServer.start(DashboardServer.LOOPBACK, 0)) {
      int port = s.getPort();
      for (String path :
          List.of(
              "/",
              "/train/overview",
              "/train/overview/data",
              "/train/sessions/current",
              "/train/model/graph",
              "/tbps/losses",
              "/tbps/losses/data?max_points=1",
              "/samediff",
              "/assets/webjars/webcola/3.3.8/WebCola/cola.js",
              "/no/such/page")) {
        Reply r = send(port, "GET", path, "127.0.0.1:" + port, null);
        assertNotNull(r.headers().get("content-type"), path + " " + r.headers());
        assertEquals(
            "nosniff", r.headers().get("x-content-type-options"), path + " " + r.headers());
      }
      // with nosniff the declared type decides: pages must be HTML and scripts JavaScript, or a
      // browser shows the page as text and runs none of its scripts
      for (String page : List.of("/", "/train/overview", "/train/model", "/train/system")) {
        Reply r = send(port, "GET", page, "127.0.0.1:" + port, null);
        assertTrue(
            String.valueOf(r.headers().get("content-type")).startsWith("text/html"),
            page + " " + r.headers());
      }
      Reply script =
          send(
              port,
              "GET",
              "/assets/webjars/jquery/3.4.1/dist/jquery.min.js",
              "127.0.0.1:" + port,
              null);
      assertTrue(
          String.valueOf(script.headers().get("content-type")).startsWith("application/javascript"),
          script.headers().toString());
      Reply refused = send(port, "GET", "/", "evil.example", null);
      assertEquals("nosniff", refused.headers().get("x-content-type-options"));
      assertNotNull(refused.headers().get("content-type"));
    }
  }

  @Test
  void noGetChangesStateAndForeignOriginsCannotPost() throws Exception {
    String before = I18NProvider.getInstance().getDefaultLanguage();
    try (DashboardServer s = DashboardServer.start(DashboardServer.LOOPBACK, 0)) {
      int port = s.getPort();
      String host = "127.0.0.1:" + port;
      for (String path :
          List.of("/setlang/de", "/train/sessions/set/other", "/train/workers/setByIdx/1")) {
        Reply r = send(port, "GET", path, host, null);
        assertEquals(405, r.status(), "GET " + path + ": " + r.body());
      }
      assertEquals(before, I18NProvider.getInstance().getDefaultLanguage(), "language unchanged");
      Reply foreign = send(port, "POST", "/setlang/de", host, "http://evil.example");
      assertEquals(403, foreign.status(), foreign.body());
      assertEquals(before, I18NProvider.getInstance().getDefaultLanguage());
      Reply same = send(port, "POST", "/train/sessions/set/x", host, "http://" + host);
      // a same-origin POST reaches DL4J's handler (which answers 400 for an unknown session)
      assertTrue(
          same.status() != 403 && same.status() != 405,
          "a same-origin POST is not refused: " + same.status() + " " + same.body());
    } finally {
      I18NProvider.getInstance().setDefaultLanguage(before);
    }
  }
}
