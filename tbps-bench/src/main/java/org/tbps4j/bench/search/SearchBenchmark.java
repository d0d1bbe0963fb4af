package org.tbps4j.bench.search;

import static org.tbps4j.bench.eval.MetricsBenchmark.round;
import static org.tbps4j.bench.eval.MetricsBenchmark.unit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tbps4j.bench.ProcessMemory;
import org.tbps4j.model.search.Embeddings;
import org.tbps4j.model.search.Gallery;

/**
 * What {@code tbps search} costs once the query is embedded: the top-k of {@link Gallery#search}
 * over galleries of random L2-normalised embeddings, the latency of one query (median and 95th
 * percentile of single-query searches) and the throughput of a batch of queries ({@code tbps bench
 * search}). Each row also checks the result: a query equal to a gallery item must find that item
 * first with score 1.
 */
public final class SearchBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(SearchBenchmark.class);

  private SearchBenchmark() {}

  /**
   * How to measure.
   *
   * @param dim embedding size D, {@code >= 1}
   * @param k results per query, {@code >= 1}
   * @param latencyQueries single-query searches timed for the latency, {@code >= 1}
   * @param batch queries per batch for the throughput, {@code >= 1}
   * @param repeats timed batch repeats (median reported), {@code >= 1}
   * @param seed seed of the embeddings
   */
  public record Options(int dim, int k, int latencyQueries, int batch, int repeats, long seed) {
    /** Validates. */
    public Options {
      if (dim < 1 || k < 1 || latencyQueries < 1 || batch < 1 || repeats < 1) {
        throw new IllegalArgumentException(
            "dim, k, latency queries, batch and repeats must be >= 1, got "
                + List.of(dim, k, latencyQueries, batch, repeats));
      }
    }
  }

  /**
   * Measures each gallery size and reports, as {@code tbps bench search} prints it: {@code
   * benchmark}, {@code threads} ({@code OMP_NUM_THREADS} if set, else the cores), {@code
   * max_heap_mib} and one {@code results} row per gallery.
   *
   * @param galleries gallery sizes G, each {@code >= 1}
   * @param options how to measure
   * @return the report, a JSON object (field order as printed)
   * @throws IllegalStateException when a gallery item used as the query is not found first
   */
  public static Map<String, Object> report(List<Integer> galleries, Options options) {
    for (int g : galleries) {
      if (g < 1) {
        throw new IllegalArgumentException("every gallery size must be >= 1, got " + g);
      }
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int g : galleries) {
      rows.add(run(g, options));
      System.gc();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("benchmark", "search");
    String omp = System.getenv("OMP_NUM_THREADS");
    out.put("threads", omp == null ? Runtime.getRuntime().availableProcessors() : omp);
    out.put("max_heap_mib", Math.round(ProcessMemory.maxHeapMiB()));
    out.put("results", rows);
    return out;
  }

  private static Map<String, Object> run(int size, Options o) {
    int dim = o.dim();
    int k = o.k();
    int batch = o.batch();
    LOG.info("search bench: gallery {} x D={}, top {}", size, dim, k);
    Nd4j.getRandom().setSeed(o.seed());
    INDArray items = unit(Nd4j.randn(DataType.FLOAT, size, dim));
    long[] ids = new long[size];
    for (int i = 0; i < size; i++) {
      ids[i] = i;
    }
    Gallery gallery = new Gallery(items, ids, Collections.nCopies(size, ""), null, 0);
    INDArray queries = unit(Nd4j.randn(DataType.FLOAT, Math.max(batch, o.latencyQueries()), dim));
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
    double[] ms = new double[o.latencyQueries()];
    for (int i = 0; i < ms.length; i++) {
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
    double[] seconds = new double[o.repeats()];
    for (int i = 0; i < seconds.length; i++) {
      long t0 = System.nanoTime();
      gallery.search(many, k);
      seconds[i] = (System.nanoTime() - t0) / 1e9;
    }
    Arrays.sort(seconds);
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("gallery", size);
    row.put("dim", dim);
    row.put("k", k);
    row.put("gallery_mib", round(4.0 * size * dim / (1 << 20)));
    row.put("latency_ms_median", round(ms[ms.length / 2]));
    row.put(
        "latency_ms_p95",
        round(ms[Math.min(ms.length - 1, (int) Math.ceil(0.95 * ms.length) - 1)]));
    row.put("batch", batch);
    row.put("batch_seconds_median", round(seconds[seconds.length / 2]));
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
