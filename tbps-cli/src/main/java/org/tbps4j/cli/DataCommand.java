package org.tbps4j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tbps data}: dataset tools. */
@Command(
    name = "data",
    mixinStandardHelpOptions = true,
    description = {"Dataset tools (CUHK-PEDES, ICFG-PEDES, RSTPReid, synthetic)."},
    subcommands = {DataValidateCommand.class})
public final class DataCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
