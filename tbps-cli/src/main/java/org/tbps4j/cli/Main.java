package org.tbps4j.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * Entry point of the {@code tbps} command. Maps outcomes to exit codes: 0 success; 2 bad usage or
 * input ({@link IllegalArgumentException} and I/O problems with user files, printed as one message,
 * no stack trace); 1 internal failure (stack trace with {@code --verbose}). Running out of memory
 * (heap or native) or stack is an internal failure too, reported as one line with the setting to
 * change ({@code TBPS_HEAP}, {@code TBPS_NATIVE}, {@code TBPS_JAVA_OPTS}).
 */
public final class Main {

  private Main() {}

  /**
   * Runs the command and exits the JVM with its exit code.
   *
   * @param args command-line arguments
   */
  public static void main(String[] args) {
    int code = execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    System.exit(code);
  }

  /**
   * Runs the command in-process (used by tests and by {@link #main}).
   *
   * @param out standard output
   * @param err standard error
   * @param args command-line arguments
   * @return the exit code
   */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cmd = commandLine();
    cmd.setOut(out);
    cmd.setErr(err);
    try {
      return cmd.execute(args);
    } catch (OutOfMemoryError | StackOverflowError e) {
      err.println("tbps: " + CliErrors.resourceAdvice(e, Runtime.getRuntime().maxMemory()));
      if (TbpsCommand.verbose()) {
        e.printStackTrace(err);
      }
      return CliErrors.EXIT_INTERNAL;
    } catch (Error e) {
      err.println("tbps: internal error: " + e);
      if (TbpsCommand.verbose()) {
        e.printStackTrace(err);
      } else {
        err.println("(run with --verbose for the stack trace)");
      }
      return CliErrors.EXIT_INTERNAL;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /**
   * Builds the command tree with the project's exception handling.
   *
   * @return a configured command line
   */
  public static CommandLine commandLine() {
    CommandLine cmd = new CommandLine(new TbpsCommand());
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    cmd.setExecutionExceptionHandler(Main::handle);
    return cmd;
  }

  private static int handle(
      Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    PrintWriter err = commandLine.getErr();
    String name = commandLine.getCommandSpec().qualifiedName();
    Throwable badInput = CliErrors.badInputCause(ex);
    if (badInput != null) {
      err.println(name + ": error: " + CliErrors.describe(badInput));
      if (TbpsCommand.verbose()) {
        ex.printStackTrace(err);
      }
      return CliErrors.EXIT_BAD_INPUT;
    }
    err.println(name + ": internal error: " + CliErrors.describe(ex));
    if (TbpsCommand.verbose()) {
      ex.printStackTrace(err);
    } else {
      err.println("(run with --verbose for the stack trace)");
    }
    return CliErrors.EXIT_INTERNAL;
  }

  /**
   * Renders a stack trace as text.
   *
   * @param t the throwable
   * @return its stack trace
   */
  static String stackTrace(Throwable t) {
    StringWriter sw = new StringWriter();
    t.printStackTrace(new PrintWriter(sw));
    return sw.toString();
  }
}
