package org.tbps4j.model.search;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a long job (embedding a gallery): a bar on a terminal, a line every few seconds in a
 * log, or nothing.
 */
public interface Progress {

  /** Reports nothing. */
  Progress NONE =
      new Progress() {
        @Override
        public void start(String what, long total) {}

        @Override
        public void advance(long n) {}

        @Override
        public void done() {}
      };

  /**
   * A job starts.
   *
   * @param what what is being done ("embedding images")
   * @param total units of work (images)
   */
  void start(String what, long total);

  /**
   * Units of work finished since the last call.
   *
   * @param n units
   */
  void advance(long n);

  /** The job ended. */
  void done();

  /**
   * A progress bar with rate and ETA on a stream: redrawn in place ({@code \r}) when {@code
   * terminal}, else one line at most every 5 seconds.
   *
   * @param out where to draw (standard error)
   * @param terminal whether {@code out} is an interactive terminal
   * @return the progress reporter
   */
  static Progress bar(PrintStream out, boolean terminal) {
    return new Progress() {
      private String what = "";
      private long total;
      private long doneUnits;
      private long t0;
      private long lastDraw;

      @Override
      public synchronized void start(String what, long total) {
        this.what = what;
        this.total = total;
        this.doneUnits = 0;
        this.t0 = System.nanoTime();
        this.lastDraw = 0;
      }

      @Override
      public synchronized void advance(long n) {
        doneUnits += n;
        long now = System.nanoTime();
        long every = terminal ? 200_000_000L : 5_000_000_000L;
        if (now - lastDraw >= every || doneUnits >= total) {
          lastDraw = now;
          draw(now, false);
        }
      }

      @Override
      public synchronized void done() {
        draw(System.nanoTime(), true);
      }

      private void draw(long now, boolean end) {
        double s = Math.max(1e-9, (now - t0) / 1e9);
        double rate = doneUnits / s;
        String eta =
            rate > 0 && total > doneUnits
                ? String.format(Locale.ROOT, " ETA %ds", Math.round((total - doneUnits) / rate))
                : "";
        int width = 30;
        int filled = total <= 0 ? width : (int) Math.min(width, width * doneUnits / total);
        String line =
            String.format(
                Locale.ROOT,
                "%s [%s%s] %d/%d %.1f/s%s",
                what,
                "#".repeat(filled),
                ".".repeat(width - filled),
                doneUnits,
                total,
                rate,
                end ? String.format(Locale.ROOT, " in %.1fs", s) : eta);
        if (terminal) {
          out.print("\r" + line + (end ? "\n" : ""));
        } else {
          out.println(line);
        }
        out.flush();
      }
    };
  }
}
