package org.tbps4j.model;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * Runs code with {@code System.out} silenced: SameDiff M2.1 prints one line per op ("Added
 * differentiated op ...") to stdout whenever it builds a gradient graph, i.e. on the first {@code
 * fit} or {@code calculateGradients} after a change of the graph (docs/samediff-m2.1.md, note 9).
 * Wrap those calls so the command line's output stays clean. Not for concurrent use with other code
 * that writes to {@code System.out}.
 */
public final class Quiet {
  private Quiet() {}

  /**
   * Calls {@code body} with {@code System.out} discarded, then restores it.
   *
   * @param body the work
   * @param <T> result type
   * @return the body's result
   */
  public static <T> T call(Supplier<T> body) {
    PrintStream original = System.out;
    System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    try {
      return body.get();
    } finally {
      System.setOut(original);
    }
  }

  /**
   * Runs {@code body} with {@code System.out} discarded, then restores it.
   *
   * @param body the work
   */
  public static void run(Runnable body) {
    call(
        () -> {
          body.run();
          return null;
        });
  }
}
