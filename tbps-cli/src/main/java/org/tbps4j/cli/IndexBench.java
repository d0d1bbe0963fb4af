package org.tbps4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tbps4j.bench.search.IndexBenchmark;
import org.tbps4j.search.index.IndexInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tbps bench index}: the persistent index: build throughput, query latency and throughput
 * for HNSW and exact, recall of HNSW against exact, memory and disk; {@code --serve} adds the HTTP
 * load test (see {@link IndexBenchmark}).
 */
@Command(
    name = "index",
    mixinStandardHelpOptions = true,
    description = {
      "The persistent index: build throughput, query latency/throughput for HNSW and exact,",
      "recall of HNSW against exact, memory and disk; --serve adds the HTTP load test."
    })
public final class IndexBench implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--vectors",
      defaultValue = "100000",
      description = "Index size. Default: ${DEFAULT-VALUE}.")
  int vectors;

  @Option(
      names = "--dim",
      defaultValue = "256",
      description = "Embedding size D. Default: ${DEFAULT-VALUE}.")
  int dim;

  @Option(
      names = "--k",
      defaultValue = "10",
      description = "Results per query. Default: ${DEFAULT-VALUE}.")
  int k;

  @Option(
      names = "--queries",
      defaultValue = "500",
      description = "Timed single queries per mode. Default: ${DEFAULT-VALUE}.")
  int queries;

  @Option(
      names = "--recall-queries",
      defaultValue = "200",
      description = "Queries for recall@k of HNSW against exact. Default: ${DEFAULT-VALUE}.")
  int recallQueries;

  @Option(
      names = "--threads",
      defaultValue = "2",
      description = "Threads for the throughput. Default: ${DEFAULT-VALUE}.")
  int threads;

  @Option(
      names = "--hnsw-m",
      defaultValue = "" + IndexInfo.DEFAULT_M,
      description = "HNSW degree. Default: ${DEFAULT-VALUE}.")
  int hnswM;

  @Option(
      names = "--hnsw-beam",
      defaultValue = "" + IndexInfo.DEFAULT_BEAM_WIDTH,
      description = "HNSW construction beam. Default: ${DEFAULT-VALUE}.")
  int hnswBeam;

  @Option(
      names = "--ram-buffer-mb",
      defaultValue = "2048",
      description =
          "The writer's RAM buffer (MiB) while the vectors are added: a buffer that holds the whole"
              + " gallery writes one segment (one HNSW graph) per thread and merges once, a small"
              + " one flushes many graphs that merges insert again. Default: ${DEFAULT-VALUE}.")
  double ramBufferMiB;

  @Option(
      names = "--no-merge",
      description =
          "Keep the segments the build wrote (one HNSW graph per indexing thread) instead of"
              + " merging them into one graph; queries then search the graphs at once (the index"
              + " of `tbps index build --no-merge`).")
  boolean noMerge;

  @Option(
      names = "--ef",
      split = ",",
      defaultValue = "50,100,150,200,400",
      description =
          "HNSW candidates per query, one row each (recall against exact, latency); the"
              + " first one at or above the recall target also serves. Default: ${DEFAULT-VALUE}.")
  List<Integer> efs;

  @Option(
      names = "--recall-target",
      defaultValue = "0.95",
      description =
          "Recall@k of HNSW against exact the serving ef must reach. Default: ${DEFAULT-VALUE}.")
  double recallTarget;

  @Option(
      names = "--distribution",
      defaultValue = "random",
      description =
          "random (i.i.d. unit vectors, the hardest case for HNSW) or clustered (identities:"
              + " 5 images around each of vectors/5 centres, queries near a centre, like a gallery)."
              + " Default: ${DEFAULT-VALUE}.")
  String distribution;

  @Option(
      names = "--embed-images",
      defaultValue = "512",
      description =
          "Synthetic images embedded and indexed end to end (0 = skip). Default: ${DEFAULT-VALUE}.")
  int embedImages;

  @Option(
      names = "--preset",
      defaultValue = "tiny",
      description =
          "Model size for embedding and query encoding (random weights). Default: ${DEFAULT-VALUE}.")
  String preset;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "Where to build (default: a temporary folder, deleted).")
  Path dir;

  @Option(
      names = "--reuse",
      description = "Reuse an index already in --dir with the same size and dimension.")
  boolean reuse;

  @Option(
      names = "--serve",
      description = "Also run the HTTP load test against tbps serve's server.")
  boolean serve;

  @Option(
      names = "--clients",
      defaultValue = "32",
      description = "Concurrent HTTP clients. Default: ${DEFAULT-VALUE}.")
  int clients;

  @Option(
      names = "--seconds",
      defaultValue = "60",
      description = "Duration of each load run. Default: ${DEFAULT-VALUE}.")
  int seconds;

  @Option(
      names = "--garbage-every",
      defaultValue = "10",
      description =
          "The second load run sends garbage every n-th request (0 = skip it). Default: ${DEFAULT-VALUE}.")
  int garbageEvery;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Random seed. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Override
  public Integer call() throws Exception {
    if (vectors < k
        || dim < 2
        || k < 1
        || queries < 1
        || threads < 1
        || clients < 1
        || seconds < 1) {
      throw new IllegalArgumentException(
          "--vectors >= --k >= 1, --dim >= 2, --queries, --threads, --clients, --seconds >= 1");
    }
    if (!distribution.equals("random") && !distribution.equals("clustered")) {
      throw new IllegalArgumentException(
          "--distribution must be random or clustered, got " + distribution);
    }
    Map<String, Object> report =
        IndexBenchmark.report(
            new IndexBenchmark.Options(
                new IndexBenchmark.Vectors(vectors, dim, distribution, seed),
                new IndexBenchmark.Hnsw(hnswM, hnswBeam, efs, recallTarget, ramBufferMiB, !noMerge),
                new IndexBenchmark.Queries(k, queries, recallQueries, threads),
                new IndexBenchmark.EndToEnd(embedImages, preset),
                new IndexBenchmark.Load(serve, clients, seconds, garbageEvery),
                dir,
                reuse));
    spec.commandLine().getOut().println(Json.write(report));
    spec.commandLine().getOut().flush();
    return CliErrors.EXIT_OK;
  }
}
