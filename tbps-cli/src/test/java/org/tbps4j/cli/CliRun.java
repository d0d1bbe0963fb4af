package org.tbps4j.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the {@code tbps} command in-process and captures its output, for tests. */
public record CliRun(int exitCode, String out, String err) {

  /**
   * Runs {@code tbps args...}.
   *
   * @param args the arguments
   * @return exit code and captured streams
   */
  public static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(out), new PrintWriter(err), args);
    return new CliRun(code, out.toString(), err.toString());
  }
}
