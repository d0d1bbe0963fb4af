package org.tbps4j.ui;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves {@code /assets/...} from the class path only: DL4J's UI assets ({@code
 * deeplearning4jUiAssets/}) and the web jars ({@code META-INF/resources/webjars/}). Never from the
 * file system, and paths with {@code ..} or backslashes are refused.
 */
final class ClasspathAssets {
  private static final String PREFIX = "/assets/";
  private static final String UI_ROOT = "deeplearning4jUiAssets/";
  private static final String WEBJARS_ROOT = "META-INF/resources/";

  private static final Map<String, String> TYPES =
      Map.ofEntries(
          Map.entry("js", "application/javascript; charset=utf-8"),
          Map.entry("css", "text/css; charset=utf-8"),
          Map.entry("html", "text/html; charset=utf-8"),
          Map.entry("json", "application/json"),
          Map.entry("map", "application/json"),
          Map.entry("png", "image/png"),
          Map.entry("gif", "image/gif"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("ico", "image/x-icon"),
          Map.entry("svg", "image/svg+xml"),
          Map.entry("woff", "font/woff"),
          Map.entry("woff2", "font/woff2"),
          Map.entry("ttf", "font/ttf"),
          Map.entry("eot", "application/vnd.ms-fontobject"),
          Map.entry("otf", "font/otf"));

  private final Map<String, Optional<byte[]>> cache = new ConcurrentHashMap<>();

  /**
   * The class-path resource for a request path, or empty when the path is not an asset path.
   *
   * @param requestPath e.g. {@code /assets/webjars/flot/0.8.3/jquery.flot.js}
   * @return e.g. {@code META-INF/resources/webjars/flot/0.8.3/jquery.flot.js}
   */
  static Optional<String> resourceFor(String requestPath) {
    if (requestPath == null || !requestPath.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String rest = requestPath.substring(PREFIX.length());
    if (rest.isEmpty() || rest.contains("\\") || rest.contains("\0")) {
      return Optional.empty();
    }
    for (String segment : rest.split("/")) {
      if (segment.equals("..") || segment.equals(".")) {
        return Optional.empty();
      }
    }
    int w = rest.indexOf("webjars/");
    return Optional.of(w >= 0 ? WEBJARS_ROOT + rest.substring(w) : UI_ROOT + rest);
  }

  /**
   * The content type for a file name.
   *
   * @param name file name
   * @return MIME type ({@code application/octet-stream} when unknown)
   */
  static String contentType(String name) {
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    return TYPES.getOrDefault(ext, "application/octet-stream");
  }

  /**
   * Reads a class-path resource (cached).
   *
   * @param resource resource name
   * @return its bytes, or empty when there is no such resource
   */
  Optional<byte[]> read(String resource) {
    return cache.computeIfAbsent(resource, ClasspathAssets::load);
  }

  private static Optional<byte[]> load(String resource) {
    try (InputStream in = ClasspathAssets.class.getClassLoader().getResourceAsStream(resource)) {
      return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  void handle(RoutingContext rc) {
    Optional<byte[]> bytes = resourceFor(rc.request().path()).flatMap(this::read);
    if (bytes.isEmpty()) {
      rc.response().setStatusCode(HttpResponseStatus.NOT_FOUND.code()).end("not found");
      return;
    }
    rc.response()
        .putHeader("content-type", contentType(rc.request().path()))
        .putHeader("cache-control", "max-age=3600")
        .end(Buffer.buffer(bytes.get()));
  }
}
