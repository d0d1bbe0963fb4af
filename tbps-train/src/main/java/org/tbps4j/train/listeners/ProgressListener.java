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
  private double budgetSeconds;
  private long firstStepNanos;

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

  /**
   * Tells the printer that the run stops after a time budget: the bar and the ETA then show
   * whichever ends first, the iterations or the budget (counted from this process's first step, as
   * the trainer counts it; a resumed run's earlier time is not known here, so its ETA errs long).
   *
   * @param seconds the budget, 0 for none
   * @return this printer
   */
  public ProgressListener withBudget(double seconds) {
    this.budgetSeconds = Math.max(0, seconds);
    return this;
  }

  @Override
  public void runStarted(long start, long total) {
    startIteration = start;
    lastPrintNanos = 0;
    firstStepNanos = 0;
  }

  @Override
  public void iterationDone(IterationReport r) {
    // the first steps after the start build the gradient graph: keep them out of the average
    if (r.iteration() - startIteration >= 2) {
      emaSeconds = emaSeconds < 0 ? r.seconds() : 0.9 * emaSeconds + 0.1 * r.seconds();
    }
    long now = System.nanoTime();
    if (firstStepNanos == 0) {
      firstStepNanos = now;
    }
    boolean last = r.iteration() + 1 >= r.totalIterations();
    if (!last && lastPrintNanos != 0 && (now - lastPrintNanos) / 1e9 < interval) {
      return;
    }
    lastPrintNanos = now;
    double left =
        budgetSeconds > 0 ? Math.max(0, budgetSeconds - (now - firstStepNanos) / 1e9) : -1;
    String line = format(r, emaSeconds, left, budgetSeconds);
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
    return format(r, secondsPerStep, -1, 0);
  }

  /**
   * Formats one progress line of a run with a time budget.
   *
   * @param r the step
   * @param secondsPerStep smoothed seconds per step, or negative when unknown
   * @param budgetLeft seconds of the budget left, or negative without a budget
   * @param budget the whole budget in seconds (used when {@code budgetLeft >= 0})
   * @return the line; bar and ETA follow the budget when it ends before the iterations do
   */
  static String format(IterationReport r, double secondsPerStep, double budgetLeft, double budget) {
    long done = r.iteration() + 1;
    double frac = r.totalIterations() == 0 ? 1 : Math.min(1, done / (double) r.totalIterations());
    long remaining = Math.max(0, r.totalIterations() - done);
    boolean budgetFirst =
        budgetLeft >= 0 && (secondsPerStep <= 0 || budgetLeft < remaining * secondsPerStep);
    if (budgetFirst && budget > 0) {
      frac = Math.max(frac, Math.min(1, 1 - budgetLeft / budget));
    }
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
      sb.append(
          String.format(
              Locale.ROOT,
              " %.0f img/s ETA %s",
              r.batchSize() / secondsPerStep,
              budgetFirst
                  ? duration(budgetLeft) + " (time budget)"
                  : duration(remaining * secondsPerStep)));
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
