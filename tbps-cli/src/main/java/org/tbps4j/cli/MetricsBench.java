package org.tbps4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tbps4j.bench.eval.MetricsBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tbps bench metrics}: time and peak memory of the chunked evaluator at the test-split sizes
 * of CUHK-PEDES and ICFG-PEDES and for a 1 M-image gallery, on random L2-normalised embeddings (see
 * {@link MetricsBenchmark}).
 */
@Command(
    name = "metrics",
    mixinStandardHelpOptions = true,
    description = {
      "Time and peak memory of retrieval metrics on random embeddings.",
      "Sizes: cuhk = 6,156 x 3,074; icfg = 19,848 x 19,848; 1m = 1,000 x 1,000,000."
    })
public final class MetricsBench implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--sizes",
      split = ",",
      defaultValue = "cuhk,icfg,1m",
      description = "Which sizes to run (cuhk, icfg, 1m). Default: ${DEFAULT-VALUE}.")
  List<String> sizes;

  @Option(names = "--dim", defaultValue = "256", description = "Embedding size D.")
  int dim;

  @Option(
      names = "--chunk-mib",
      defaultValue = "512",
      description = "Budget for one chunk of scores, in MiB (sets the chunk size).")
  int chunkMiB;

  @Option(names = "--repeats", defaultValue = "3", description = "Timed repeats (median reported).")
  int repeats;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed.")
  long seed;

  @Override
  public Integer call() {
    if (dim < 1 || repeats < 1 || chunkMiB < 1) {
      throw new IllegalArgumentException("--dim, --repeats and --chunk-mib must be >= 1");
    }
    List<MetricsBenchmark.Size> todo = new ArrayList<>();
    for (String name : sizes) {
      try {
        todo.add(MetricsBenchmark.size(name));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--sizes: " + e.getMessage(), e);
      }
    }
    Map<String, Object> report =
        MetricsBenchmark.report(todo, new MetricsBenchmark.Options(dim, chunkMiB, repeats, seed));
    spec.commandLine().getOut().println(Json.write(report));
    return CliErrors.EXIT_OK;
  }
}
