package org.tbps4j.cli;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tbps4j.bench.search.SearchBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tbps bench search}: what {@code tbps search} costs once the query is embedded, over
 * galleries of 10 k, 100 k and 1 M random embeddings by default (see {@link SearchBenchmark}).
 */
@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    description = {
      "Top-k search over galleries of random embeddings: one-query latency and batch throughput.",
      "Default galleries: 10,000, 100,000 and 1,000,000 items of D = 256."
    })
public final class SearchBench implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--galleries",
      split = ",",
      defaultValue = "10000,100000,1000000",
      description = "Gallery sizes G. Default: ${DEFAULT-VALUE}.")
  List<Integer> galleries;

  @Option(names = "--dim", defaultValue = "256", description = "Embedding size D. Default: 256.")
  int dim;

  @Option(names = "--k", defaultValue = "10", description = "Results per query. Default: 10.")
  int k;

  @Option(
      names = "--latency-queries",
      defaultValue = "50",
      description = "Single-query searches timed for the latency. Default: 50.")
  int latencyQueries;

  @Option(
      names = "--batch",
      defaultValue = "256",
      description = "Queries per batch for the throughput. Default: 256.")
  int batch;

  @Option(
      names = "--repeats",
      defaultValue = "3",
      description = "Timed batch repeats (median reported). Default: 3.")
  int repeats;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed. Default: 42.")
  long seed;

  @Override
  public Integer call() {
    if (dim < 1 || k < 1 || latencyQueries < 1 || batch < 1 || repeats < 1) {
      throw new IllegalArgumentException(
          "--dim, --k, --latency-queries, --batch and --repeats must be >= 1");
    }
    for (int g : galleries) {
      if (g < 1) {
        throw new IllegalArgumentException("--galleries: every size must be >= 1, got " + g);
      }
    }
    Map<String, Object> report =
        SearchBenchmark.report(
            galleries, new SearchBenchmark.Options(dim, k, latencyQueries, batch, repeats, seed));
    spec.commandLine().getOut().println(Json.write(report));
    return CliErrors.EXIT_OK;
  }
}
