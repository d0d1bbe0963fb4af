package org.tbps4j.ui;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.ui.api.HttpMethod;
import org.deeplearning4j.ui.api.Route;
import org.deeplearning4j.ui.i18n.I18NProvider;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.tbps4j.train.report.Html;

/**
 * The dashboard's own pages around DL4J's: the index ({@code /}), the SameDiff graph page ({@code
 * /samediff}, DL4J's page served from the class path), and an empty answer for the train module's
 * model graph ({@code /train/model/graph}): that page draws DL4J layer configurations, which a
 * SameDiff model does not have (DL4J's handler would log a parse error per request).
 */
final class IndexModule extends StorageModule {
  /** The SameDiff graph page inside DL4J's vertx jar. */
  static final String SAMEDIFF_PAGE = "templates/SameDiffUI.html";

  private final ClasspathAssets resources = new ClasspathAssets();

  @Override
  public List<Route> getRoutes() {
    return List.of(
        new Route("/", HttpMethod.GET, (p, rc) -> index(rc)),
        new Route("/samediff", HttpMethod.GET, (p, rc) -> sameDiffPage(rc)),
        new Route(
            "/train/model/graph",
            HttpMethod.GET,
            (p, rc) -> rc.response().putHeader("content-type", "application/json").end()));
  }

  static void setLanguage(RoutingContext rc) {
    I18NProvider.getInstance().setDefaultLanguage(rc.request().getParam("to"));
    rc.response().end();
  }

  /** A JavaScript string literal of any text (quotes, backslashes and angle brackets escaped). */
  static String jsString(String s) {
    StringBuilder b = new StringBuilder("'");
    for (char c : s.toCharArray()) {
      if (c == '\'' || c == '\\' || c == '<' || c == '>' || c == '&' || c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append("'").toString();
  }

  private void sameDiffPage(RoutingContext rc) {
    Optional<byte[]> page = resources.read(SAMEDIFF_PAGE);
    if (page.isEmpty()) {
      rc.response().setStatusCode(HttpResponseStatus.NOT_FOUND.code()).end("not found");
      return;
    }
    rc.response()
        .putHeader("content-type", "text/html; charset=utf-8")
        .end(Buffer.buffer(page.get()));
  }

  private void index(RoutingContext rc) {
    TreeSet<String> sessions = new TreeSet<>();
    for (StatsStorage s : storages) {
      for (String id : s.listSessionIDs()) {
        if (s.listTypeIDsForSession(id).contains(StatsListener.TYPE_ID)) {
          sessions.add(id);
        }
      }
    }
    StringBuilder list = new StringBuilder();
    for (String id : sessions) {
      list.append("<li><code>").append(Html.escape(id)).append("</code>");
      if (sessions.size() > 1) {
        // choosing a session changes the server's state: a POST, never a link
        list.append(" <button onclick=\"fetch('/train/sessions/set/'+encodeURIComponent(")
            .append(Html.escape(jsString(id)))
            .append(
                "),{method:'POST'}).then(function(){location='/train/overview'})\">show</button>");
      }
      list.append("</li>");
    }
    String html =
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>TBPS4J training dashboard</title>
        <style>body{font-family:sans-serif;margin:2em;max-width:52em;line-height:1.45}
        code{background:#f3f3f3;padding:0 .2em}li{margin:.3em 0}</style></head>
        <body><h1>TBPS4J training dashboard</h1>
        <p>Training sessions: %s</p><ul>%s</ul>
        <ul>
        <li><a href="/train/overview">Overview</a> &mdash; score (the total loss) per iteration,
        update:parameter ratios and update standard deviations of sampled weights, throughput
        (examples/s), model size.</li>
        <li><a href="/tbps/losses">Loss terms</a> &mdash; every loss term and the learning rate
        per iteration.</li>
        <li><a href="/train/system">System</a> &mdash; JVM heap and off-heap (ND4J) memory,
        hardware and software.</li>
        <li><a href="/samediff">SameDiff graph</a> &mdash; the graph and its loss plots: choose
        <em>Select File</em> and open <code>ui-graph.bin</code> from the run directory.</li>
        <li><a href="/train/model">Model</a> &mdash; DL4J's per-layer page; it draws DL4J layer
        networks only and stays empty for SameDiff models.</li>
        </ul></body></html>
        """
            .formatted(sessions.size(), list);
    rc.response().putHeader("content-type", "text/html; charset=utf-8").end(html);
  }
}
