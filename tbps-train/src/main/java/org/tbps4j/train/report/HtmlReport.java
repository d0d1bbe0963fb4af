package org.tbps4j.train.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tbps4j.data.CaptionRecord;
import org.tbps4j.data.PedesDataset;
import org.tbps4j.data.ReadOptions;
import org.tbps4j.data.image.ImageDecodeException;
import org.tbps4j.data.image.ImageFiles;
import org.tbps4j.data.synth.Attribute;
import org.tbps4j.data.synth.SynthAttributes;
import org.tbps4j.model.AtomicFiles;
import org.tbps4j.train.SplitEvaluator;

/**
 * A self-contained HTML report of an evaluation: the metrics; for sampled queries the top-10 images
 * with the correct ones outlined; on synthetic data, which mentioned attributes the failed queries'
 * top-1 images contradict; and the training curves (loss terms, validation R@1) from {@code
 * metrics.json} as inline SVG charts. Images are embedded as small JPEG thumbnails, so the file can
 * be moved or mailed on its own.
 */
public final class HtmlReport {
  private static final int THUMB_HEIGHT = 72;
  private static final String[] COLOURS = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"
  };

  private HtmlReport() {}

  /**
   * What goes into a report.
   *
   * @param title heading
   * @param outcome the evaluation
   * @param datasetRoot the dataset root (thumbnails, and {@code attributes.json} when synthetic)
   * @param metricsHistory a run's {@code metrics.json}, or null
   * @param sampledQueries how many queries to show
   * @param extra extra key/value lines for the header (model file, oracle, ...)
   * @param imageDir the dataset's image directory under its root ({@code ReadOptions.imageDir()}):
   *     thumbnails are opened only inside it ({@link PedesDataset#imageFile(Path, String, String)})
   */
  public record Input(
      String title,
      SplitEvaluator.Outcome outcome,
      Path datasetRoot,
      Path metricsHistory,
      int sampledQueries,
      Map<String, String> extra,
      String imageDir) {
    /**
     * Input for a dataset read with the default image directory ({@code imgs}).
     *
     * @param title heading
     * @param outcome the evaluation
     * @param datasetRoot the dataset root
     * @param metricsHistory a run's {@code metrics.json}, or null
     * @param sampledQueries how many queries to show
     * @param extra extra header lines
     */
    public Input(
        String title,
        SplitEvaluator.Outcome outcome,
        Path datasetRoot,
        Path metricsHistory,
        int sampledQueries,
        Map<String, String> extra) {
      this(
          title,
          outcome,
          datasetRoot,
          metricsHistory,
          sampledQueries,
          extra,
          ReadOptions.DEFAULT_IMAGE_DIR);
    }
  }

  /**
   * Writes the report atomically.
   *
   * @param in the content
   * @param file the HTML file
   * @throws IOException on read/write failures
   */
  public static void write(Input in, Path file) throws IOException {
    AtomicFiles.writeString(file, render(in));
  }

  /**
   * Renders the report.
   *
   * @param in the content
   * @return HTML text
   * @throws IOException if images or the history cannot be read
   */
  public static String render(Input in) throws IOException {
    SplitEvaluator.Outcome o = in.outcome();
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
        .append(esc(in.title()))
        .append("</title><style>")
        .append(
            "body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse}"
                + "td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:left}"
                + ".q{margin:14px 0}.q img{height:"
                + THUMB_HEIGHT
                + "px;margin:2px;border:3px solid #c33}"
                + ".q img.ok{border-color:#2a2}.cap{font-size:14px;margin-bottom:4px}"
                + ".small{color:#666;font-size:12px}svg{background:#fafafa;border:1px solid #ddd}")
        .append("</style></head><body>");
    h.append("<h1>").append(esc(in.title())).append("</h1>");
    h.append("<p class=\"small\">").append(esc(Instant.now().toString()));
    for (Map.Entry<String, String> e : in.extra().entrySet()) {
      h.append("<br>").append(esc(e.getKey())).append(": ").append(esc(e.getValue()));
    }
    h.append("</p>");

    h.append("<h2>Metrics (").append(esc(o.split().toString())).append(" split)</h2><table>");
    for (Map.Entry<String, Object> e : o.metrics().asPercentMap().entrySet()) {
      Object v = e.getValue();
      h.append("<tr><th>")
          .append(esc(e.getKey()))
          .append("</th><td>")
          .append(v instanceof Double d ? String.format(Locale.ROOT, "%.2f", d) : esc(v.toString()))
          .append("</td></tr>");
    }
    h.append(
            "</table><p class=\"small\">Every caption is a query; the gallery is every image of the")
        .append(" split; an image is relevant when it shows the same person. Percentages.</p>");

    if (in.metricsHistory() != null && Files.isRegularFile(in.metricsHistory())) {
      curves(h, new ObjectMapper().readTree(in.metricsHistory().toFile()));
    }
    attributeBreakdown(h, in.datasetRoot(), o);
    samples(h, in, o);
    h.append("</body></html>\n");
    return h.toString();
  }

  // ---------------------------------------------------------------------------- training curves

  private static void curves(StringBuilder h, JsonNode history) {
    JsonNode its = history.get("iterations");
    if (its != null && its.size() > 1) {
      Map<String, List<double[]>> series = new LinkedHashMap<>();
      for (JsonNode e : its) {
        double x = e.get("iteration").asDouble();
        e.fieldNames()
            .forEachRemaining(
                f -> {
                  if (f.startsWith("loss/") && e.get(f).isNumber()) {
                    series
                        .computeIfAbsent(f.substring(5), k -> new ArrayList<>())
                        .add(new double[] {x, e.get(f).asDouble()});
                  }
                });
      }
      h.append("<h2>Training curves</h2>");
      h.append(chart("loss terms (unweighted) and total", "iteration", series));
    }
    JsonNode val = history.get("validation");
    if (val != null && val.size() > 0) {
      Map<String, List<double[]>> series = new LinkedHashMap<>();
      for (JsonNode e : val) {
        double x = e.get("epoch").asDouble() + 1;
        for (String k : new String[] {"R@1", "R@5", "mAP"}) {
          if (e.has(k)) {
            series
                .computeIfAbsent("val " + k, kk -> new ArrayList<>())
                .add(new double[] {x, e.get(k).asDouble()});
          }
        }
      }
      h.append(chart("validation (percent)", "epoch", series));
    }
  }

  /**
   * An SVG line chart.
   *
   * @param title chart title
   * @param xLabel x-axis label
   * @param series name → points (x, y)
   * @return SVG markup
   */
  static String chart(String title, String xLabel, Map<String, List<double[]>> series) {
    int w = 640;
    int ht = 280;
    int left = 56;
    int right = 150;
    int top = 28;
    int bottom = 36;
    double minX = Double.MAX_VALUE;
    double maxX = -Double.MAX_VALUE;
    double minY = Double.MAX_VALUE;
    double maxY = -Double.MAX_VALUE;
    for (List<double[]> pts : series.values()) {
      for (double[] p : pts) {
        if (Double.isFinite(p[1])) {
          minX = Math.min(minX, p[0]);
          maxX = Math.max(maxX, p[0]);
          minY = Math.min(minY, p[1]);
          maxY = Math.max(maxY, p[1]);
        }
      }
    }
    if (minX > maxX) {
      return "";
    }
    if (maxX == minX) {
      maxX = minX + 1;
    }
    if (maxY == minY) {
      maxY = minY + 1;
    }
    minY = Math.min(minY, 0);
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "<svg width=\"%d\" height=\"%d\">", w, ht));
    s.append(
        String.format(
            Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"13\">%s</text>", left, esc(title)));
    int pw = w - left - right;
    int ph = ht - top - bottom;
    s.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>",
            left,
            top,
            pw,
            ph));
    for (int i = 0; i <= 4; i++) {
      double yv = minY + (maxY - minY) * i / 4;
      int y = top + ph - (int) Math.round(ph * i / 4.0);
      s.append(
          String.format(
              Locale.ROOT, "<text x=\"4\" y=\"%d\" font-size=\"10\">%.3g</text>", y + 3, yv));
      double xv = minX + (maxX - minX) * i / 4;
      int x = left + (int) Math.round(pw * i / 4.0);
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" font-size=\"10\">%.0f</text>",
              x - 8,
              top + ph + 14,
              xv));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>",
            left + pw / 2 - 20,
            ht - 6,
            esc(xLabel)));
    int c = 0;
    for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
      String colour = COLOURS[c % COLOURS.length];
      StringBuilder pts = new StringBuilder();
      for (double[] p : e.getValue()) {
        if (!Double.isFinite(p[1])) {
          continue;
        }
        double x = left + pw * (p[0] - minX) / (maxX - minX);
        double y = top + ph - ph * (p[1] - minY) / (maxY - minY);
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      s.append("<polyline fill=\"none\" stroke=\"")
          .append(colour)
          .append("\" stroke-width=\"1.5\" points=\"")
          .append(pts)
          .append("\"/>");
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"%s\">%s</text>",
              left + pw + 8,
              top + 12 + 14 * c,
              colour,
              esc(e.getKey())));
      c++;
    }
    return s.append("</svg><br>").toString();
  }

  // ----------------------------------------------------------------- attribute failure breakdown

  /**
   * Counts, per attribute, how often the top-1 image of a failed query (R@1 miss) contradicts a
   * value the caption mentions.
   *
   * @param attrs the synthetic attributes
   * @param o the evaluation
   * @return attribute → {queries mentioning it, failed queries mentioning it, contradicted}
   */
  public static Map<Attribute, int[]> attributeFailures(
      SynthAttributes attrs, SplitEvaluator.Outcome o) {
    Map<Attribute, int[]> out = new LinkedHashMap<>();
    for (Attribute a : Attribute.values()) {
      out.put(a, new int[3]);
    }
    for (int q = 0; q < o.queries().size(); q++) {
      CaptionRecord cap = o.queries().get(q);
      List<Map<Attribute, String>> perCaption = attrs.mentions().get(cap.imagePath());
      if (perCaption == null || cap.captionIndex() >= perCaption.size()) {
        continue;
      }
      Map<Attribute, String> mentioned = perCaption.get(cap.captionIndex());
      boolean failed = o.firstRank()[q] != 1;
      Map<Attribute, String> top =
          failed ? attrs.identities().get(o.galleryIds()[o.top10()[q][0]]) : null;
      for (Map.Entry<Attribute, String> m : mentioned.entrySet()) {
        int[] c = out.get(m.getKey());
        c[0]++;
        if (failed) {
          c[1]++;
          if (top != null && !m.getValue().equals(top.get(m.getKey()))) {
            c[2]++;
          }
        }
      }
    }
    return out;
  }

  private static void attributeBreakdown(StringBuilder h, Path root, SplitEvaluator.Outcome o)
      throws IOException {
    SynthAttributes attrs;
    try {
      attrs = SynthAttributes.load(root);
    } catch (NoSuchFileException e) {
      return; // not a synthetic dataset
    }
    Map<Attribute, int[]> f = attributeFailures(attrs, o);
    h.append("<h2>Failures by attribute (synthetic data)</h2>")
        .append("<p class=\"small\">For queries whose best image is not at rank 1: how often the")
        .append(" rank-1 image contradicts a value the caption mentions.</p><table>")
        .append("<tr><th>attribute</th><th>queries mentioning it</th><th>failed queries")
        .append(" mentioning it</th><th>rank-1 image contradicts it</th><th>share</th></tr>");
    for (Map.Entry<Attribute, int[]> e : f.entrySet()) {
      int[] c = e.getValue();
      h.append("<tr><td>")
          .append(e.getKey().name().toLowerCase(Locale.ROOT).replace('_', ' '))
          .append("</td><td>")
          .append(c[0])
          .append("</td><td>")
          .append(c[1])
          .append("</td><td>")
          .append(c[2])
          .append("</td><td>")
          .append(c[1] == 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", 100.0 * c[2] / c[1]))
          .append("</td></tr>");
    }
    h.append("</table>");
  }

  // ------------------------------------------------------------------------- sampled queries

  private static void samples(StringBuilder h, Input in, SplitEvaluator.Outcome o)
      throws IOException {
    int n = Math.min(in.sampledQueries(), o.queries().size());
    if (n == 0) {
      return;
    }
    h.append("<h2>Sampled queries</h2><p class=\"small\">Top-10 images per query, best first;")
        .append(" green = the described person, red = someone else.</p>");
    Map<Integer, String> thumbs = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      int q = (int) ((long) i * o.queries().size() / n);
      CaptionRecord cap = o.queries().get(q);
      h.append("<div class=\"q\"><div class=\"cap\">")
          .append(esc(cap.caption()))
          .append(" <span class=\"small\">(person ")
          .append(cap.personId())
          .append(", first correct at rank ")
          .append(o.firstRank()[q] == 0 ? "-" : String.valueOf(o.firstRank()[q]))
          .append(")</span></div>");
      for (int g : o.top10()[q]) {
        String uri = thumbs.get(g);
        if (uri == null) {
          uri = thumbnail(in.datasetRoot(), in.imageDir(), o.galleryPaths().get(g));
          thumbs.put(g, uri);
        }
        boolean ok = o.galleryIds()[g] == cap.personId();
        h.append("<img ")
            .append(ok ? "class=\"ok\" " : "")
            .append("title=\"")
            .append(esc(o.galleryPaths().get(g)))
            .append("\" src=\"")
            .append(uri)
            .append("\">");
      }
      h.append("</div>");
    }
  }

  /**
   * The image opened inside the image directory (links resolved; one that leads out of it is
   * refused), decoded with the pixel limit and re-encoded small; "" when it is missing or cannot be
   * decoded.
   */
  private static String thumbnail(Path root, String imageDir, String path) throws IOException {
    BufferedImage src;
    try {
      src = ImageFiles.read(PedesDataset.imageFile(root, imageDir, path));
    } catch (NoSuchFileException | ImageDecodeException e) {
      return "";
    }
    return ImageFiles.jpegDataUri(src, THUMB_HEIGHT);
  }

  static String esc(String s) {
    return Html.escape(s);
  }
}
