package org.tbps4j.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The top-level {@code tbps} command; all work happens in subcommands. */
@Command(
    name = "tbps",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Text-based person search on the JVM (Deeplearning4j SameDiff).",
      "Exit codes: 0 ok, 2 bad usage or input, 1 internal error."
    },
    subcommands = {
      ScoreCommand.class,
      BenchCommand.class,
      SynthCommand.class,
      ImportBackboneCommand.class,
      DataCommand.class,
      LossValueCommand.class,
      TrainCommand.class,
      EvalCommand.class,
      ProbeCommand.class,
      QuickstartCommand.class,
      SearchCommand.class,
      IndexCommand.class,
      ServeCommand.class,
      SweepCommand.class,
      UiCommand.class,
    })
public final class TbpsCommand implements Runnable {

  private static volatile boolean verbose;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  /**
   * Global {@code --verbose}: debug logging and stack traces on errors.
   *
   * @param on whether verbose output is wanted
   */
  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "Debug logging and stack traces on errors.")
  public void setVerbose(boolean on) {
    verbose = on;
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext) {
      ((Logger) LoggerFactory.getLogger("org.tbps4j")).setLevel(on ? Level.DEBUG : Level.INFO);
    }
  }

  /**
   * Whether {@code --verbose} was given.
   *
   * @return true in verbose mode
   */
  public static boolean verbose() {
    return verbose;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
