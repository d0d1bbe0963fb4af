package org.tbps4j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tbps bench}: throughput benchmarks; results are JSON for BENCHMARKS.md. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmarks. Run one at a time on an otherwise idle machine; each prints JSON.",
    },
    subcommands = {
      MetricsBench.class,
      SearchBench.class,
      IndexBench.class,
      DataBench.class,
      ModelBench.class,
      TrainBench.class,
      DashboardBench.class
    })
public final class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
