package org.tbps4j.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tbps4j.eval.ChunkedRetrieval;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tbps bench metrics}: time and peak memory of the chunked evaluator (matrix products plus
 * ranking) at the test-split sizes of CUHK-PEDES and ICFG-PEDES and for a 1 M-image gallery, on
 * random L2-normalised embeddings.
 */
@Command(
    name = "metrics",
    mixinStandardHelpOptions = true,
    description = {
      "Time and peak memory of retrieval metrics on random embeddings.",
      "Sizes: cuhk = 6,156 x 3,074; icfg = 19,848 x 19,848; 1m = 1,000 x 1,000,000."
    })
public final class MetricsBench implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsBench.class);

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

  record Size(String name, int queries, int gallery, int ids) {}

  static Size size(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "cuhk" -> new Size("cuhk", 6_156, 3_074, 1_000);
      case "icfg" -> new Size("icfg", 19_848, 19_848, 1_000);
      case "1m" -> new Size("1m", 1_000, 1_000_000, 200_000);
      default ->
          throw new IllegalArgumentException(
              "--sizes: unknown size '" + name + "' (valid: cuhk, icfg, 1m)");
    };
  }

  @Override
  public Integer call() {
    if (dim < 1 || repeats < 1 || chunkMiB < 1) {
      throw new IllegalArgumentException("--dim, --repeats and --chunk-mib must be >= 1");
    }
    List<Size> todo = sizes.stream().map(MetricsBench::size).toList();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Size s : todo) {
      rows.add(run(s));
      System.gc();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("benchmark", "metrics");
    out.put("max_heap_mib", Math.round(ProcessMemory.maxHeapMiB()));
    out.put("threads", Runtime.getRuntime().availableProcessors());
    out.put("results", rows);
    spec.commandLine().getOut().println(Json.write(out));
    return CliErrors.EXIT_OK;
  }

  private Map<String, Object> run(Size s) {
    Nd4j.getRandom().setSeed(seed);
    Random rnd = new Random(seed);
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
    int chunk = ChunkedRetrieval.chunkSizeFor(s.gallery(), (long) chunkMiB << 20);
    ChunkedRetrieval cr = new ChunkedRetrieval(chunk);
    // warm-up on a slice: JIT and native kernels
    int warm = Math.min(s.queries(), chunk);
    cr.evaluate(
        queries.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, warm)).dup(),
        Arrays.copyOf(qIds, warm),
        gallery,
        gIds,
        10);
    System.gc();
    ProcessMemory.resetPeaks();
    double[] seconds = new double[repeats];
    ChunkedRetrieval.Result r = null;
    for (int i = 0; i < repeats; i++) {
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
    row.put("all_seconds", Arrays.stream(seconds).map(MetricsBench::round).toArray());
    row.put("queries_per_second", Math.round(s.queries() / seconds[seconds.length / 2]));
    row.put("peak_heap_mib", Math.round(ProcessMemory.peakHeapMiB()));
    row.put("peak_rss_mib", Math.round(ProcessMemory.peakRssMiB()));
    row.put("native_mib_after", Math.round(ProcessMemory.nativeMiB()));
    row.put("R@1_random", round(100 * r.metrics().recallAt1()));
    LOG.info("  {} s (median of {})", row.get("median_seconds"), repeats);
    gallery.close();
    queries.close();
    return row;
  }

  /** Rows scaled to unit L2 norm, in place. */
  static INDArray unit(INDArray x) {
    INDArray norms = x.norm2(1).addi(1e-12f);
    return x.diviColumnVector(norms);
  }

  /** Rounded to three decimals. */
  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
