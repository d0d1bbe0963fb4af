package org.tbps4j.search.serve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A raw HTTP/1.1 client for tests: writes exactly the request line, headers and body given (no URI
 * normalisation, any Host header), reads one response with {@code Connection: close}.
 */
final class Http {
  private Http() {}

  record Response(int status, Map<String, String> headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  static Response send(
      int port, String method, String target, Map<String, String> headers, byte[] body)
      throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      StringBuilder req = new StringBuilder();
      req.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
      Map<String, String> h = new LinkedHashMap<>();
      h.put("Host", "127.0.0.1:" + port);
      h.put("Connection", "close");
      h.putAll(headers);
      if (body != null && !h.containsKey("Transfer-Encoding")) {
        h.putIfAbsent("Content-Length", Integer.toString(body.length));
      }
      h.forEach(
          (k, v) -> {
            if (v != null) {
              req.append(k).append(": ").append(v).append("\r\n");
            }
          });
      req.append("\r\n");
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (body != null) {
        out.write(body);
      }
      out.flush();
      return read(s.getInputStream());
    }
  }

  static Response get(int port, String target) throws IOException {
    return send(port, "GET", target, Map.of(), null);
  }

  static Response post(int port, String target, String json) throws IOException {
    return send(
        port,
        "POST",
        target,
        Map.of("Content-Type", "application/json"),
        json.getBytes(StandardCharsets.UTF_8));
  }

  private static Response read(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    in.transferTo(all);
    byte[] b = all.toByteArray();
    int end = -1;
    for (int i = 0; i + 3 < b.length; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
        end = i;
        break;
      }
    }
    if (end < 0) {
      throw new IOException("no complete response: " + new String(b, StandardCharsets.ISO_8859_1));
    }
    String[] lines = new String(b, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int c = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(c + 1).trim());
    }
    byte[] body = java.util.Arrays.copyOfRange(b, end + 4, b.length);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = dechunk(body);
    }
    return new Response(status, headers, body);
  }

  private static byte[] dechunk(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < b.length) {
      int eol = i;
      while (b[eol] != '\r') {
        eol++;
      }
      int n = Integer.parseInt(new String(b, i, eol - i, StandardCharsets.ISO_8859_1).trim(), 16);
      if (n == 0) {
        break;
      }
      out.write(b, eol + 2, n);
      i = eol + 2 + n + 2;
    }
    return out.toByteArray();
  }
}
