package org.tbps4j.train.sweep;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.tbps4j.model.AtomicFiles;
import org.tbps4j.train.report.Html;

/**
 * The sweep's self-contained HTML page: a summary, one score-against-parameter scatter plot per
 * searched path (inline SVG; log axis for {@code log_uniform} ranges; the best candidate ringed,
 * failed candidates as crosses under the axis) and the results table, best first.
 */
public final class SweepReport {
  private static final int W = 420;
  private static final int H = 260;
  private static final int LEFT = 48;
  private static final int RIGHT = 16;
  private static final int TOP = 24;
  private static final int BOTTOM = 44;

  private SweepReport() {}

  /**
   * Writes the page atomically.
   *
   * @param plan the sweep
   * @param rows its rows
   * @param file the HTML file
   * @throws IOException on write failures
   */
  public static void write(SweepPlan plan, List<SweepResults.Row> rows, Path file)
      throws IOException {
    AtomicFiles.writeString(file, render(plan, rows));
  }

  /**
   * Renders the page.
   *
   * @param plan the sweep
   * @param rows its rows
   * @return HTML text
   */
  public static String render(SweepPlan plan, List<SweepResults.Row> rows) {
    SweepConfig c = plan.config();
    Optional<SweepResults.Row> best = SweepResults.best(rows);
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Sweep ")
        .append(esc(c.name()))
        .append("</title><style>")
        .append(
            "body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse}"
                + "td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:left}"
                + "tr.best td{background:#eaf6ea;font-weight:bold}.small{color:#666;font-size:12px}"
                + "svg{background:#fafafa;border:1px solid #ddd;margin:0 12px 12px 0}"
                + ".err{color:#a22;font-size:12px}")
        .append("</style></head><body>");
    h.append("<h1>Sweep ").append(esc(c.name())).append("</h1>");
    h.append("<p class=\"small\">")
        .append(esc(Instant.now().toString()))
        .append("<br>sweep file: ")
        .append(esc(plan.source()))
        .append("<br>search: ")
        .append(esc(c.search()))
        .append(c.search().equals(SweepConfig.RANDOM) ? " (seed " + c.seed() + ")" : "")
        .append(", budget: ")
        .append(
            plan.budget() == Integer.MAX_VALUE
                ? "until the time limit"
                : plan.budget()
                    + " candidates"
                    + (c.search().equals(SweepConfig.GRID)
                        ? " (grid of " + plan.gridSize() + ")"
                        : ""))
        .append(c.maxMinutes() == null ? "" : ", at most " + c.maxMinutes() + " minutes")
        .append("<br>score: ")
        .append(esc(SweepResults.SCORE_MEANING))
        .append("</p>");
    if (!c.description().isBlank()) {
      h.append("<p>").append(esc(c.description())).append("</p>");
    }
    long complete = rows.stream().filter(SweepResults.Row::complete).count();
    long failed = rows.stream().filter(r -> SweepResults.FAILED.equals(r.status())).count();
    h.append("<p>")
        .append(complete)
        .append(" complete, ")
        .append(failed)
        .append(" failed, ")
        .append(rows.size() - complete - failed)
        .append(" running or interrupted.");
    best.ifPresent(
        b ->
            h.append(" <b>Best: candidate ")
                .append(b.index())
                .append(", val R@1 ")
                .append(fmt(b.score()))
                .append("</b> (")
                .append(esc(b.point().toString()))
                .append("); its training config is ")
                .append(Sweep.BEST_CONFIG)
                .append("."));
    h.append("</p>");
    SeedSpread.of(c.paths(), rows).ifPresent(sp -> h.append(seedTable(sp)));

    h.append("<h2>Score against each parameter</h2><div>");
    for (Dimension d : c.space()) {
      h.append(scatter(d, rows, best.map(SweepResults.Row::index).orElse(-1)));
    }
    h.append("</div>");

    h.append("<h2>Candidates (best first)</h2><table><tr><th>candidate</th><th>status</th>")
        .append("<th>val R@1</th><th>seconds</th>");
    for (String p : c.paths()) {
      h.append("<th>").append(esc(p)).append("</th>");
    }
    h.append("<th>run directory</th></tr>");
    for (SweepResults.Row r : SweepResults.ranked(rows)) {
      boolean isBest = best.isPresent() && best.get().index() == r.index();
      h.append(isBest ? "<tr class=\"best\">" : "<tr>")
          .append("<td>")
          .append(r.index())
          .append("</td><td>")
          .append(esc(r.status()))
          .append("</td><td>")
          .append(r.score() == null ? "-" : fmt(r.score()))
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "%.1f", r.seconds()))
          .append("</td>");
      for (String p : c.paths()) {
        Double v = r.parameters().get(p);
        h.append("<td>").append(v == null ? "" : esc(short4(v))).append("</td>");
      }
      h.append("<td>").append(esc(r.runDir() == null ? "" : r.runDir())).append("</td></tr>");
      if (r.error() != null) {
        h.append("<tr><td></td><td colspan=\"")
            .append(c.paths().size() + 4)
            .append("\" class=\"err\">")
            .append(esc(r.error()))
            .append("</td></tr>");
      }
    }
    h.append("</table></body></html>\n");
    return h.toString();
  }

  /** The settings over their seeds, best mean first, and the verdict. */
  private static String seedTable(SeedSpread sp) {
    StringBuilder h = new StringBuilder();
    h.append("<h2>Settings over seeds</h2><p><b>")
        .append(esc(sp.verdict()))
        .append("</b></p><table><tr><th>setting</th><th>seeds</th><th>mean val R@1</th>")
        .append("<th>spread (half-range)</th><th>scores</th></tr>");
    for (SeedSpread.Group g : sp.groups()) {
      h.append("<tr><td>")
          .append(esc(SweepPoint.of(g.setting()).toString()))
          .append("</td><td>")
          .append(g.scores().size())
          .append("</td><td>")
          .append(fmt(g.mean()))
          .append("</td><td>")
          .append(fmt(g.halfRange()))
          .append("</td><td>");
      for (int i = 0; i < g.scores().size(); i++) {
        h.append(i == 0 ? "" : ", ").append(fmt(g.scores().get(i)));
      }
      h.append("</td></tr>");
    }
    return h.append("</table>").toString();
  }

  /**
   * One scatter plot: the parameter on x (log scale for log_uniform), the score on y.
   *
   * @param d the dimension
   * @param rows the candidates
   * @param bestIndex the best candidate's index, or -1
   * @return SVG markup
   */
  static String scatter(Dimension d, List<SweepResults.Row> rows, int bestIndex) {
    boolean log = d.type().equals(Dimension.LOG_UNIFORM);
    double lo;
    double hi;
    if (d.type().equals(Dimension.DISCRETE)) {
      lo = d.values().stream().mapToDouble(Double::doubleValue).min().orElse(0);
      hi = d.values().stream().mapToDouble(Double::doubleValue).max().orElse(1);
    } else {
      lo = d.min();
      hi = d.max();
    }
    double x0 = log ? Math.log10(lo) : lo;
    double x1 = log ? Math.log10(hi) : hi;
    if (x1 == x0) {
      x0 -= 0.5;
      x1 += 0.5;
    }
    double pad = (x1 - x0) * 0.05;
    x0 -= pad;
    x1 += pad;
    double y0 = Double.MAX_VALUE;
    double y1 = -Double.MAX_VALUE;
    for (SweepResults.Row r : rows) {
      if (r.complete()) {
        y0 = Math.min(y0, r.score());
        y1 = Math.max(y1, r.score());
      }
    }
    if (y0 > y1) {
      y0 = 0;
      y1 = 100;
    }
    if (y1 - y0 < 1) {
      double mid = (y0 + y1) / 2;
      y0 = mid - 0.5;
      y1 = mid + 0.5;
    }
    double ypad = (y1 - y0) * 0.08;
    y0 -= ypad;
    y1 += ypad;
    int pw = W - LEFT - RIGHT;
    int ph = H - TOP - BOTTOM;
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "<svg width=\"%d\" height=\"%d\">", W, H));
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"16\" font-size=\"12\">val R@1 vs %s%s</text>",
            LEFT,
            esc(d.path()),
            log ? " (log scale)" : ""));
    s.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>",
            LEFT,
            TOP,
            pw,
            ph));
    for (int i = 0; i <= 4; i++) {
      double yv = y0 + (y1 - y0) * i / 4;
      int y = TOP + ph - (int) Math.round(ph * i / 4.0);
      s.append(
          String.format(
              Locale.ROOT, "<text x=\"4\" y=\"%d\" font-size=\"10\">%.3g</text>", y + 3, yv));
    }
    for (double xv : ticks(d, x0, x1, log)) {
      double x = LEFT + pw * ((log ? Math.log10(xv) : xv) - x0) / (x1 - x0);
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%s</text>",
              x,
              TOP + ph + 14,
              esc(short4(xv))));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>",
            LEFT + pw / 2,
            H - 6,
            esc(d.path())));
    for (SweepResults.Row r : rows) {
      Double v = r.parameters().get(d.path());
      if (v == null) {
        continue;
      }
      double xv = log ? Math.log10(v) : v;
      double x = LEFT + pw * (xv - x0) / (x1 - x0);
      String tip =
          "candidate "
              + r.index()
              + ": "
              + r.point()
              + (r.complete() ? ", val R@1 " + fmt(r.score()) : " (" + r.status() + ")");
      if (r.complete()) {
        double y = TOP + ph - ph * (r.score() - y0) / (y1 - y0);
        boolean isBest = r.index() == bestIndex;
        s.append(
            String.format(
                Locale.ROOT,
                "<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"%s\""
                    + " fill-opacity=\"0.75\"%s><title>%s</title></circle>",
                x,
                y,
                isBest ? 7 : 4,
                isBest ? "#2ca02c" : "#1f77b4",
                isBest ? " stroke=\"#114411\" stroke-width=\"2\"" : "",
                esc(tip)));
      } else if (SweepResults.FAILED.equals(r.status())) {
        double y = TOP + ph + 24;
        s.append(
            String.format(
                Locale.ROOT,
                "<text class=\"failed\" x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"#d62728\""
                    + " text-anchor=\"middle\">×<title>%s</title></text>",
                x,
                y,
                esc(tip)));
      }
    }
    return s.append("</svg>").toString();
  }

  /** Tick values: the values of a short discrete or integer dimension, else 5 even steps. */
  private static List<Double> ticks(Dimension d, double x0, double x1, boolean log) {
    if (d.type().equals(Dimension.DISCRETE) && d.values().size() <= 10) {
      return d.values();
    }
    if (d.type().equals(Dimension.INTEGER) && d.max() - d.min() <= 10) {
      List<Double> t = new java.util.ArrayList<>();
      for (double v = d.min(); v <= d.max(); v++) {
        t.add(v);
      }
      return t;
    }
    double lo = d.type().equals(Dimension.DISCRETE) ? x0 : (log ? Math.log10(d.min()) : d.min());
    double hi = d.type().equals(Dimension.DISCRETE) ? x1 : (log ? Math.log10(d.max()) : d.max());
    List<Double> t = new java.util.ArrayList<>();
    for (int i = 0; i <= 4; i++) {
      double v = lo + (hi - lo) * i / 4;
      t.add(log ? Math.pow(10, v) : v);
    }
    return t;
  }

  private static String fmt(double score) {
    return String.format(Locale.ROOT, "%.2f", score);
  }

  /** A value with at most 4 significant digits and no trailing zeros. */
  static String short4(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e6) {
      return Long.toString((long) v);
    }
    return new java.math.BigDecimal(v)
        .round(new java.math.MathContext(4))
        .stripTrailingZeros()
        .toString();
  }

  static String esc(String s) {
    return Html.escape(s);
  }
}
