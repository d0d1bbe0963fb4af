package org.tbps4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code tbps ARGS} in a child JVM with this test's class path, its output in a log file: for the
 * tests that kill a command or stop {@code tbps serve} with SIGTERM (here and in tbps-solr-it).
 */
public final class ServeProcess {
  private static final Pattern SERVING = Pattern.compile("serving .* at (http://\\S+?:\\d+)/");

  private final Process process;
  private final Path log;
  private String url;

  private ServeProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * The child's command line: this JVM's java, a 1 GiB heap, this test's class path.
   *
   * @param args the {@code tbps} arguments
   * @return the command
   */
  public static List<String> command(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.add("-Dorg.bytedeco.javacpp.maxphysicalbytes=3G");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(IndexBuildMain.class.getName());
    cmd.addAll(List.of(args));
    return cmd;
  }

  /**
   * Starts {@code tbps args...} (standard output and error both into {@code log}).
   *
   * @param log the log file
   * @param args the {@code tbps} arguments
   * @return the running child
   * @throws Exception when it cannot start
   */
  public static ServeProcess start(Path log, String... args) throws Exception {
    return new ServeProcess(
        new ProcessBuilder(command(args))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start(),
        log);
  }

  /**
   * Waits (at most 120 s) for {@code tbps serve}'s "serving … at URL/" line.
   *
   * @return the base URL, e.g. {@code http://127.0.0.1:41234}
   * @throws Exception when the line does not come (the log is in the message)
   */
  public String awaitUrl() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (url == null && process.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
      Matcher m = SERVING.matcher(Files.readString(log));
      if (m.find()) {
        url = m.group(1);
      }
    }
    assertTrue(url != null, "no 'serving … at' line: " + Files.readString(log));
    return url;
  }

  /**
   * The port of the URL {@link #awaitUrl} found.
   *
   * @return the port
   * @throws Exception as {@link #awaitUrl}
   */
  public int port() throws Exception {
    String u = awaitUrl();
    return Integer.parseInt(u.substring(u.lastIndexOf(':') + 1));
  }

  /**
   * The child.
   *
   * @return the process
   */
  public Process process() {
    return process;
  }

  /**
   * What the child wrote so far.
   *
   * @return the log's text
   * @throws Exception on read errors
   */
  public String log() throws Exception {
    return Files.readString(log);
  }

  /**
   * Sends SIGTERM and waits (at most 60 s) for the child to end.
   *
   * @return its exit code (143 after SIGTERM)
   * @throws Exception when it does not end (it is then killed)
   */
  public int stop() throws Exception {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly(); // never leave it running, even when the test fails here
      fail("the child did not stop within 60 s of SIGTERM");
    }
    return process.exitValue();
  }

  /**
   * Fetches the image of a search answer's first hit from the server and checks it is a JPEG.
   *
   * @param url the server's base URL
   * @param answer the JSON answer of {@code POST /v1/search}
   * @throws Exception on HTTP errors or when it is not a JPEG
   */
  public static void assertFirstHitImageIsJpeg(String url, JsonNode answer) throws Exception {
    URI image = URI.create(url + answer.get("hits").get(0).get("image").asText());
    HttpResponse<byte[]> r =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(image).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode(), image.toString());
    assertEquals("image/jpeg", r.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(r.body().length > 2 && (r.body()[0] & 0xff) == 0xff && (r.body()[1] & 0xff) == 0xd8);
  }

  /**
   * {@code POST /v1/search} with a JSON body, expecting 200.
   *
   * @param url the server's base URL
   * @param json the request body
   * @return the answer's JSON
   * @throws Exception on HTTP errors or another status
   */
  public static JsonNode search(String url, String json) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url + "/v1/search"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return new ObjectMapper().readTree(r.body());
  }
}
