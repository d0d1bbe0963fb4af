package org.tbps4j.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tbps4j.model.search.Embeddings;
import org.tbps4j.model.search.Gallery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tbps bench search}: what {@code tbps search} costs once the query is embedded — the top-k
 * of {@link Gallery#search} over galleries of 10 k, 100 k and 1 M random L2-normalised embeddings:
 * the latency of one query (median and 95th percentile of single-query searches) and the throughput
 * of a batch of queries. Each row also checks the result: a query equal to a gallery item must find
 * that item first with score 1.
 */
@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    description = {
      "Top-k search over galleries of random embeddings: one-query latency and batch throughput.",
      "Default galleries: 10,000, 100,000 and 1,000,000 items of D = 256."
    })
public final class SearchBench implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(SearchBench.class);

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
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int g : galleries) {
      rows.add(run(g));
      System.gc();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("benchmark", "search");
    String omp = System.getenv("OMP_NUM_THREADS");
    out.put("threads", omp == null ? Runtime.getRuntime().availableProcessors() : omp);
    out.put("max_heap_mib", Math.round(ProcessMemory.maxHeapMiB()));
    out.put("results", rows);
    spec.commandLine().getOut().println(Json.write(out));
    return CliErrors.EXIT_OK;
  }

  private Map<String, Object> run(int size) {
    LOG.info("search bench: gallery {} x D={}, top {}", size, dim, k);
    Nd4j.getRandom().setSeed(seed);
    INDArray items = MetricsBench.unit(Nd4j.randn(DataType.FLOAT, size, dim));
    long[] ids = new long[size];
    for (int i = 0; i < size; i++) {
      ids[i] = i;
    }
    Gallery gallery = new Gallery(items, ids, Collections.nCopies(size, ""), null, 0);
    INDArray queries =
        MetricsBench.unit(Nd4j.randn(DataType.FLOAT, Math.max(batch, latencyQueries), dim));
    // correctness: a gallery item as the query finds itself first
    int probe = size / 2;
    Gallery.Hit self = gallery.search(one(items, probe), k).get(0).get(0);
    if (self.index() != probe || Math.abs(self.score() - 1) > 1e-4) {
      throw new IllegalStateException(
          "search returned " + self + " for gallery item " + probe + " as the query");
    }
    for (int i = 0; i < 5; i++) {
      gallery.search(one(queries, i), k); // warm-up: JIT and native kernels
    }
    ProcessMemory.resetPeaks();
    double[] ms = new double[latencyQueries];
    for (int i = 0; i < latencyQueries; i++) {
      Embeddings q = one(queries, i);
      long t0 = System.nanoTime();
      gallery.search(q, k);
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    Embeddings many =
        new Embeddings(
            queries.get(NDArrayIndex.interval(0, batch), NDArrayIndex.all()).dup(), null);
    gallery.search(many, k);
    double[] seconds = new double[repeats];
    for (int i = 0; i < repeats; i++) {
      long t0 = System.nanoTime();
      gallery.search(many, k);
      seconds[i] = (System.nanoTime() - t0) / 1e9;
    }
    Arrays.sort(seconds);
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("gallery", size);
    row.put("dim", dim);
    row.put("k", k);
    row.put("gallery_mib", MetricsBench.round(4.0 * size * dim / (1 << 20)));
    row.put("latency_ms_median", MetricsBench.round(ms[ms.length / 2]));
    row.put(
        "latency_ms_p95",
        MetricsBench.round(ms[Math.min(ms.length - 1, (int) Math.ceil(0.95 * ms.length) - 1)]));
    row.put("batch", batch);
    row.put("batch_seconds_median", MetricsBench.round(seconds[seconds.length / 2]));
    row.put("queries_per_second", Math.round(batch / seconds[seconds.length / 2]));
    row.put("peak_heap_mib", Math.round(ProcessMemory.peakHeapMiB()));
    row.put("peak_rss_mib", Math.round(ProcessMemory.peakRssMiB()));
    LOG.info(
        "  latency {} ms (median), {} queries/s in batches of {}",
        row.get("latency_ms_median"),
        row.get("queries_per_second"),
        batch);
    items.close();
    queries.close();
    return row;
  }

  private static Embeddings one(INDArray rows, int i) {
    return new Embeddings(
        rows.get(NDArrayIndex.interval(i, i + 1), NDArrayIndex.all()).dup(), null);
  }
}
