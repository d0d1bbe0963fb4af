package org.tbps4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tbps4j.model.AtomicFiles;
import org.tbps4j.search.ModelBundle;
import org.tbps4j.search.SafeImages;
import org.tbps4j.search.Searcher;
import org.tbps4j.search.index.IndexHit;
import org.tbps4j.search.index.IndexInfo;
import org.tbps4j.search.index.SearchMode;
import org.tbps4j.search.index.VectorIndex;
import org.tbps4j.train.report.Html;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tbps index query}: one text query against an index. */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    description = {
      "Rank an index's images for a text query: HNSW by default, --exact scores every image.",
      "The model defaults to the file the index was built with (its content hash must match)."
    })
public final class IndexQueryCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(IndexQueryCommand.class);

  @Spec CommandSpec spec;

  @Mixin IndexReadOptions source;

  @Option(names = "--query", required = true, paramLabel = "TEXT", description = "The description.")
  String query;

  @Option(
      names = {"-k", "--top"},
      defaultValue = "10",
      description = "How many results (1..1000). Default: ${DEFAULT-VALUE}.")
  int k;

  @Option(names = "--exact", description = "Score every image (the ground truth for HNSW recall).")
  boolean exact;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Option(names = "--html", paramLabel = "FILE", description = "Also write a page with thumbnails.")
  Path html;

  @Override
  public Integer call() throws Exception {
    if (k < 1 || k > 1000) {
      throw new IllegalArgumentException("-k must be in 1..1000, got " + k);
    }
    if (query.isBlank()) {
      throw new IllegalArgumentException("--query is empty");
    }
    try (VectorIndex idx = source.open()) {
      IndexInfo info = IndexReadOptions.info(idx);
      ModelBundle bundle = source.openModel(info);
      Searcher searcher = Searcher.of(bundle, idx);
      Searcher.Result r = searcher.search(query, k, exact ? SearchMode.EXACT : SearchMode.HNSW);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("query", query);
        m.put("mode", exact ? "exact" : "hnsw");
        if (!exact && idx.efSearch() > 0) {
          m.put("ef", idx.efSearch());
        }
        m.put("took_ms", r.totalMillis());
        List<Map<String, Object>> hits = new ArrayList<>();
        int rank = 1;
        for (IndexHit h : r.hits()) {
          Map<String, Object> o = new LinkedHashMap<>();
          o.put("rank", rank++);
          o.put("path", h.image().path());
          o.put("id", h.image().hasId() ? h.image().personId() : null);
          o.put("score", h.score());
          hits.add(o);
        }
        m.put("hits", hits);
        out.println(Json.write(m));
      } else {
        out.printf(Locale.ROOT, "query: %s%n", query);
        int rank = 1;
        for (IndexHit h : r.hits()) {
          out.printf(
              Locale.ROOT,
              "%3d. %.4f  %s%s%n",
              rank++,
              h.score(),
              h.image().path(),
              h.image().hasId() ? "  (id " + h.image().personId() + ")" : "");
        }
        out.printf(Locale.ROOT, "(%s, %.1f ms)%n", exact ? "exact" : "hnsw", r.totalMillis());
      }
      if (html != null) {
        Path imageRoot = source.imageRoot(info);
        AtomicFiles.writeString(html, page(query, r.hits(), imageRoot));
        if (!json) {
          out.println("html: " + html);
        }
      }
      out.flush();
    }
    return CliErrors.EXIT_OK;
  }

  /**
   * Opens the model of an index: the given file, else the one the index recorded.
   *
   * @param given the {@code --model} value or null
   * @param info the index metadata
   * @return the bundle
   * @throws IOException on read errors
   */
  static ModelBundle openModel(Path given, IndexInfo info) throws IOException {
    Path m = given != null ? given : Path.of(info.modelFile());
    if (given == null && !Files.isRegularFile(m)) {
      throw new IllegalArgumentException(
          "the index was built with " + m + ", which is gone: give the model with --model");
    }
    return ModelBundle.open(m);
  }

  /**
   * A page with the ranked thumbnails: each image resolved inside the root by real path, decoded
   * and re-encoded (never the file's bytes); an image that cannot be shown is named instead.
   */
  static String page(String query, List<IndexHit> hits, Path root) throws IOException {
    Path realRoot = root.toRealPath();
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>tbps search</title>")
        .append("<style>body{font-family:sans-serif;margin:24px}.hit{display:inline-block;")
        .append("margin:6px;text-align:center;font-size:12px;width:110px;overflow:hidden}")
        .append(".hit img{height:160px;display:block;margin:auto}</style></head><body><h1>")
        .append(Html.escape(query))
        .append("</h1>");
    int rank = 1;
    for (IndexHit hit : hits) {
      String src = "";
      try {
        Path file = SafeImages.resolve(realRoot, hit.image().path());
        src =
            "data:image/jpeg;base64,"
                + Base64.getEncoder().encodeToString(SafeImages.thumbnailJpeg(file, 160, 320));
      } catch (IOException | IllegalArgumentException e) {
        LOG.warn("no thumbnail for {}: {}", hit.image().path(), e.getMessage());
      }
      h.append("<div class=\"hit\" title=\"score ")
          .append(String.format(Locale.ROOT, "%.4f", hit.score()))
          .append("\"><img alt=\"\" src=\"")
          .append(src)
          .append("\">")
          .append(rank++)
          .append(". ")
          .append(String.format(Locale.ROOT, "%.3f", hit.score()))
          .append("<br>")
          .append(Html.escape(hit.image().path()))
          .append("</div>");
    }
    return h.append("</body></html>\n").toString();
  }
}
