package org.tbps4j.train.listeners;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Terminal progress: stage, epoch, iteration, a bar, images/s, ETA, learning rate and every loss
 * term. On a terminal the line is redrawn in place at most every {@code refreshSeconds}; when the
 * output is not a terminal (a log file, CI) one line is printed every {@code logEverySeconds}.
 */
public final class ProgressListener implements TrainingListener {
  private final PrintStream out;
  private final boolean tty;
  private final double interval;
  private long lastPrintNanos;
  private double emaSeconds = -1;
  private long startIteration;
  private boolean lineOpen;

  /**
   * Creates a progress printer.
   *
   * @param out where to print (usually {@code System.err})
   * @param tty redraw one line in place (a terminal) instead of printing log lines
   * @param intervalSeconds minimum seconds between two updates
   */
  public ProgressListener(PrintStream out, boolean tty, double intervalSeconds) {
    this.out = out;
    this.tty = tty;
    this.interval = intervalSeconds;
  }

  @Override
  public void runStarted(long start, long total) {
    startIteration = start;
    lastPrintNanos = 0;
  }

  @Override
  public void iterationDone(IterationReport r) {
    // the first steps after the start build the gradient graph: keep them out of the average
    if (r.iteration() - startIteration >= 2) {
      emaSeconds = emaSeconds < 0 ? r.seconds() : 0.9 * emaSeconds + 0.1 * r.seconds();
    }
    long now = System.nanoTime();
    boolean last = r.iteration() + 1 >= r.totalIterations();
    if (!last && lastPrintNanos != 0 && (now - lastPrintNanos) / 1e9 < interval) {
      return;
    }
    lastPrintNanos = now;
    String line = format(r, emaSeconds);
    if (tty) {
      out.print("\r\033[2K" + line);
      lineOpen = true;
    } else {
      out.println(line);
    }
    out.flush();
  }

  @Override
  public void validationDone(int epoch, long iteration, Map<String, Double> m, boolean best) {
    closeLine();
    out.printf(
        Locale.ROOT,
        "validation after epoch %d: R@1 %.2f  R@5 %.2f  mAP %.2f%s%n",
        epoch + 1,
        m.getOrDefault("R@1", Double.NaN),
        m.getOrDefault("R@5", Double.NaN),
        m.getOrDefault("mAP", Double.NaN),
        best ? "  (best so far)" : "");
    out.flush();
  }

  @Override
  public void runFinished(long iteration) {
    closeLine();
  }

  private void closeLine() {
    if (lineOpen) {
      out.println();
      lineOpen = false;
    }
  }

  /**
   * Formats one progress line.
   *
   * @param r the step
   * @param secondsPerStep smoothed seconds per step, or negative when unknown
   * @return the line
   */
  static String format(IterationReport r, double secondsPerStep) {
    long done = r.iteration() + 1;
    double frac = r.totalIterations() == 0 ? 1 : Math.min(1, done / (double) r.totalIterations());
    int width = 20;
    int filled = (int) Math.round(frac * width);
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "[%s] epoch %d it %d/%d %s %3.0f%%",
            r.stageName(),
            r.epoch() + 1,
            done,
            r.totalIterations(),
            "#".repeat(filled) + ".".repeat(width - filled),
            100 * frac));
    if (secondsPerStep > 0) {
      long remaining = Math.max(0, r.totalIterations() - done);
      sb.append(
          String.format(
              Locale.ROOT,
              " %.0f img/s ETA %s",
              r.batchSize() / secondsPerStep,
              duration(remaining * secondsPerStep)));
    }
    sb.append(String.format(Locale.ROOT, " lr %.2e", r.learningRate()));
    for (Map.Entry<String, Double> t : r.terms().entrySet()) {
      String name = t.getKey().startsWith("loss/") ? t.getKey().substring(5) : t.getKey();
      sb.append(String.format(Locale.ROOT, " %s %.4g", name, t.getValue()));
    }
    return sb.toString();
  }

  /**
   * Formats seconds as {@code 1h02m}, {@code 3m05s} or {@code 42s}.
   *
   * @param seconds a duration
   * @return a short text
   */
  static String duration(double seconds) {
    long s = Math.round(seconds);
    if (s >= 3600) {
      return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
    if (s >= 60) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return s + "s";
  }
}
