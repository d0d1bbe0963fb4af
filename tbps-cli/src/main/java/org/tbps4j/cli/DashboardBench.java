package org.tbps4j.cli;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tbps4j.bench.ui.DashboardBenchmark;
import org.tbps4j.model.ModelConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tbps bench dashboard}: what the dashboard listener adds to a training step, in alternating
 * blocks of steps without and with it in one process (see {@link DashboardBenchmark}).
 */
@Command(
    name = "dashboard",
    mixinStandardHelpOptions = true,
    description = {
      "Per-step cost of the dashboard stats listener: train steps with and without it, in",
      "alternating blocks in one process (both with the trainer's loss-term listener)."
    })
public final class DashboardBench implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--preset", defaultValue = "tiny", description = "Model preset. Default: tiny.")
  String preset;

  @Option(names = "--batch", defaultValue = "64", description = "Batch size. Default: 64.")
  int batch;

  @Option(names = "--block", defaultValue = "10", description = "Steps per block. Default: 10.")
  int block;

  @Option(
      names = "--rounds",
      defaultValue = "6",
      description = "Rounds of one block per arm (order alternates). Default: 6.")
  int rounds;

  @Option(
      names = "--warmup",
      defaultValue = "20",
      description = "Untimed steps after the first. Default: 20.")
  int warmup;

  @Option(
      names = "--sample-every",
      defaultValue = "10",
      description = "Listener: parameter statistics every N steps. Default: 10.")
  int sampleEvery;

  @Option(
      names = "--variables",
      defaultValue = "12",
      description = "Listener: weight matrices sampled. Default: 12.")
  int variables;

  @Mixin NetworkSizeOptions sizes;

  @Override
  public Integer call() throws IOException {
    if (batch < 2 || block < 1 || rounds < 1 || warmup < 0) {
      throw new IllegalArgumentException(
          "--batch must be >= 2, --block and --rounds >= 1, --warmup >= 0");
    }
    Map<String, Object> report =
        DashboardBenchmark.report(
            ModelConfig.preset(preset, sizes.classes, sizes.vocab),
            new DashboardBenchmark.Options(
                batch, block, rounds, warmup, sampleEvery, variables, sizes.seed));
    spec.commandLine().getOut().println(Json.write(report));
    return CliErrors.EXIT_OK;
  }
}
