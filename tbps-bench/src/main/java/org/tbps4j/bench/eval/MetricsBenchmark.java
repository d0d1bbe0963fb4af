package org.tbps4j.bench.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tbps4j.bench.ProcessMemory;
import org.tbps4j.eval.ChunkedRetrieval;

/**
 * Time and peak memory of the chunked evaluator ({@link ChunkedRetrieval}: matrix products plus
 * ranking) at the test-split sizes of CUHK-PEDES and ICFG-PEDES and for a 1 M-image gallery, on
 * random L2-normalised embeddings: {@code tbps bench metrics}.
 */
public final class MetricsBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsBenchmark.class);

  private MetricsBenchmark() {}

  /**
   * One problem size.
   *
   * @param name its name
   * @param queries query count
   * @param gallery gallery size
   * @param ids identities (gallery item {@code i} has id {@code i mod ids}, queries a random one)
   */
  public record Size(String name, int queries, int gallery, int ids) {}

  /**
   * How to measure.
   *
   * @param dim embedding size D, {@code >= 1}
   * @param chunkMiB budget for one chunk of scores in MiB (sets the chunk size), {@code >= 1}
   * @param repeats timed repeats (median reported), {@code >= 1}
   * @param seed seed of the embeddings and ids
   */
  public record Options(int dim, int chunkMiB, int repeats, long seed) {
    /** Validates. */
    public Options {
      if (dim < 1 || repeats < 1 || chunkMiB < 1) {
        throw new IllegalArgumentException(
            "dim, repeats and chunk MiB must be >= 1, got " + List.of(dim, repeats, chunkMiB));
      }
    }
  }

  /**
   * A named size: {@code cuhk} (6,156 queries × 3,074 images), {@code icfg} (19,848 × 19,848) or
   * {@code 1m} (1,000 × 1,000,000), case-insensitive.
   *
   * @param name the name
   * @return the size
   * @throws IllegalArgumentException for another name (the message lists the valid ones)
   */
  public static Size size(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "cuhk" -> new Size("cuhk", 6_156, 3_074, 1_000);
      case "icfg" -> new Size("icfg", 19_848, 19_848, 1_000);
      case "1m" -> new Size("1m", 1_000, 1_000_000, 200_000);
      default ->
          throw new IllegalArgumentException("unknown size '" + name + "' (valid: cuhk, icfg, 1m)");
    };
  }

  /**
   * Measures every size and reports, as {@code tbps bench metrics} prints it: {@code benchmark},
   * {@code max_heap_mib}, {@code threads} and one {@code results} row per size (median and all
   * timings, queries per second, peak heap and RSS, native memory after, R@1 of the random
   * embeddings).
   *
   * @param sizes the sizes, in order
   * @param options how to measure
   * @return the report, a JSON object (field order as printed)
   */
  public static Map<String, Object> report(List<Size> sizes, Options options) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Size s : sizes) {
      rows.add(run(s, options));
      System.gc();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("benchmark", "metrics");
    out.put("max_heap_mib", Math.round(ProcessMemory.maxHeapMiB()));
    out.put("threads", Runtime.getRuntime().availableProcessors());
    out.put("results", rows);
    return out;
  }

  private static Map<String, Object> run(Size s, Options o) {
    int dim = o.dim();
    Nd4j.getRandom().setSeed(o.seed());
    Random rnd = new Random(o.seed());
    LOG.info(
        "metrics bench {}: {} queries x {} gallery, D={}", s.name(), s.queries(), s.gallery(), dim);
    INDArray gallery = unit(Nd4j.randn(DataType.FLOAT, s.gallery(), dim));
    INDArray queries = unit(Nd4j.randn(DataType.FLOAT, s.queries(), dim));
    long[] gIds = new long[s.gallery()];
    for (int i = 0; i < gIds.length; i++) {
      gIds[i] = i % s.ids();
    }
    long[] qIds = new long[s.queries()];
    for (int i = 0; i < qIds.length; i++) {
      qIds[i] = rnd.nextInt(s.ids());
    }
    int chunk = ChunkedRetrieval.chunkSizeFor(s.gallery(), (long) o.chunkMiB() << 20);
    ChunkedRetrieval cr = new ChunkedRetrieval(chunk);
    // warm-up on a slice: JIT and native kernels
    int warm = Math.min(s.queries(), chunk);
    cr.evaluate(
        queries.get(NDArrayIndex.interval(0, warm)).dup(),
        Arrays.copyOf(qIds, warm),
        gallery,
        gIds,
        10);
    System.gc();
    ProcessMemory.resetPeaks();
    double[] seconds = new double[o.repeats()];
    ChunkedRetrieval.Result r = null;
    for (int i = 0; i < o.repeats(); i++) {
      long t0 = System.nanoTime();
      r = cr.evaluate(queries, qIds, gallery, gIds, 10);
      seconds[i] = (System.nanoTime() - t0) / 1e9;
    }
    Arrays.sort(seconds);
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("size", s.name());
    row.put("queries", s.queries());
    row.put("gallery", s.gallery());
    row.put("dim", dim);
    row.put("chunk", chunk);
    row.put("median_seconds", round(seconds[seconds.length / 2]));
    row.put("all_seconds", Arrays.stream(seconds).map(MetricsBenchmark::round).toArray());
    row.put("queries_per_second", Math.round(s.queries() / seconds[seconds.length / 2]));
    row.put("peak_heap_mib", Math.round(ProcessMemory.peakHeapMiB()));
    row.put("peak_rss_mib", Math.round(ProcessMemory.peakRssMiB()));
    row.put("native_mib_after", Math.round(ProcessMemory.nativeMiB()));
    row.put("R@1_random", round(100 * r.metrics().recallAt1()));
    LOG.info("  {} s (median of {})", row.get("median_seconds"), o.repeats());
    gallery.close();
    queries.close();
    return row;
  }

  /**
   * Rows scaled to unit L2 norm, in place.
   *
   * @param x {@code [N, D]}
   * @return {@code x}, each row divided by its norm (plus 1e-12)
   */
  public static INDArray unit(INDArray x) {
    INDArray norms = x.norm2(1).addi(1e-12f);
    return x.diviColumnVector(norms);
  }

  /**
   * Rounded to three decimals.
   *
   * @param v a number
   * @return {@code v} rounded half up to 0.001
   */
  public static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
