package org.tbps4j.bench.train;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tbps4j.bench.FlopCounter;
import org.tbps4j.bench.GemmPeak;
import org.tbps4j.bench.OpTimer;
import org.tbps4j.bench.ProcessMemory;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.train.config.ConfigLoader;
import org.tbps4j.train.config.TrainConfig;

/**
 * The report of {@code tbps bench train}: steady-state training throughput ({@link TrainBenchmark})
 * of a base run config's loss mix and optimiser per preset and batch size, FLOPs per step and model
 * FLOP utilisation against an sgemm peak ({@link GemmPeak}) measured in the same process, inference
 * embedding throughput, peak memory; with a {@link TorchPeer}, the same configuration in PyTorch
 * right after each one, and the ratios.
 *
 * <p>The headline ({@code peer}, {@code ratio_*}) is PyTorch as a PyTorch user writes the network:
 * {@code nn.Embedding} for the word lookup, fused batch-norm. Our training lookup is a row gather
 * too (docs/models.md, "Text path"), so that is the like-for-like comparison. With {@code
 * --unique-tokens} our training pass uses the two-step unique-id product instead, and the peer runs
 * a second time emulating it ({@code peer_lookup_emulation}, {@code *_vs_lookup_emulation}), which
 * no PyTorch user writes: it isolates what the rest of the step costs.
 */
public final class TrainReport {
  private static final Logger LOG = LoggerFactory.getLogger(TrainReport.class);

  private TrainReport() {}

  /**
   * The networks measured.
   *
   * @param presets model presets, each one row per batch size
   * @param imageHeight H of every preset
   * @param imageWidth W of every preset
   * @param maxLength token length L; null: each preset's own
   * @param classes classifier size C
   * @param vocabularySize vocabulary size V
   * @param uniqueTokens two-step token lookup over at most this many distinct ids per batch (0 =
   *     one-hot over the vocabulary)
   */
  public record Networks(
      List<String> presets,
      int imageHeight,
      int imageWidth,
      Integer maxLength,
      int classes,
      int vocabularySize,
      int uniqueTokens) {
    /** Copies the list. */
    public Networks {
      presets = List.copyOf(presets);
    }
  }

  /**
   * Everything.
   *
   * @param networks the networks
   * @param batches batch sizes, multiples of 4
   * @param measure the measuring protocol of each configuration (its seed also seeds the peer)
   * @param gemmSize size n of the n×n sgemm of the peak measurement, {@code >= 16}
   * @param peer the PyTorch peer; null: none
   */
  public record Options(
      Networks networks,
      List<Integer> batches,
      TrainBenchmark.Options measure,
      int gemmSize,
      TorchPeer peer) {
    /** Validates. */
    public Options {
      batches = List.copyOf(batches);
      for (int b : batches) {
        if (b < 4 || b % 4 != 0) {
          throw new IllegalArgumentException(
              "batch " + b + " is not a multiple of 4 >= 4 (P×K batches with K = 4)");
        }
      }
      if (gemmSize < 16) {
        throw new IllegalArgumentException("the sgemm size must be >= 16, got " + gemmSize);
      }
    }
  }

  /**
   * Runs every configuration (and the peer after each, when given) and reports, as {@code tbps
   * bench train} prints it: {@code machine}, {@code threads}, {@code blas}, {@code sgemm}, the
   * settings and one {@code results} row per preset and batch size.
   *
   * @param base the run config whose loss mix and optimiser are measured (e.g. the quickstart's)
   * @param options what to measure
   * @return the report, a JSON object (field order as printed)
   * @throws IOException when the peer cannot run
   * @throws InterruptedException when interrupted while waiting for the peer
   */
  public static Map<String, Object> report(TrainConfig base, Options options)
      throws IOException, InterruptedException {
    Networks nets = options.networks();
    TrainBenchmark.Options measure = options.measure();
    // ND4J's (OpenMP's) thread count is fixed when the native library loads, from
    // OMP_NUM_THREADS (default: the cores); Environment.setMaxThreads does not change it in M2.1
    int nThreads = Nd4j.getEnvironment().maxThreads();

    LOG.info("sgemm peak: {}x{} float", options.gemmSize(), options.gemmSize());
    GemmPeak.Result gemm = GemmPeak.measure(options.gemmSize(), 5);
    double peak = gemm.flopsPerSecond();

    TorchPeer peer = options.peer();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String p : nets.presets()) {
      for (int b : options.batches()) {
        TrainConfig cfg = config(base, nets, p, b);
        LOG.info("train bench {} batch {} ({}x{})", p, b, nets.imageHeight(), nets.imageWidth());
        ProcessMemory.resetPeaks();
        TrainBenchmark.Result r =
            TrainBenchmark.run(cfg, nets.classes(), nets.vocabularySize(), b, measure);
        Map<String, Object> row = row(r, peak);
        row.put("peak_rss_mib", Math.round(ProcessMemory.peakRssMiB()));
        row.put("peak_heap_mib", Math.round(ProcessMemory.peakHeapMiB()));
        System.gc();
        if (peer != null) {
          LOG.info("peer {} batch {}: nn.Embedding lookup", p, b);
          JsonNode torch =
              peer.train(
                  r.model(), b, nThreads, TorchPeer.IDIOMATIC_LOOKUP, base.optimizer(), measure);
          row.put("peer", torch);
          row.putAll(ratios(r, torch, peak, b, ""));
          if (r.model().uniqueTokenCapacity() > 0) {
            // the two-step lookup differs from nn.Embedding: also measure the peer emulating it
            // (without it our training lookup is a gather, as nn.Embedding is: nothing to emulate)
            LOG.info("peer {} batch {}: unique lookup (emulating ours)", p, b);
            JsonNode torchEmulated =
                peer.train(r.model(), b, nThreads, "unique", base.optimizer(), measure);
            row.put("peer_lookup_emulation", torchEmulated);
            row.putAll(ratios(r, torchEmulated, peak, b, "_vs_lookup_emulation"));
            LOG.info(
                "{} batch {}: PyTorch emulating our unique lookup {} img/s, ratio {}",
                p,
                b,
                round3(torchEmulated.path("train_images_per_second").asDouble()),
                row.get("ratio_train_vs_lookup_emulation"));
          }
          LOG.info(
              "{} batch {}: TBPS4J {} img/s; PyTorch (nn.Embedding) {} img/s, ratio {}",
              p,
              b,
              round3(r.imagesPerSecond()),
              round3(torch.path("train_images_per_second").asDouble()),
              row.get("ratio_train"));
        }
        rows.add(row);
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("benchmark", "train");
    out.put("machine", machine());
    out.put("threads", nThreads);
    out.put("blas", Nd4j.factory().blas().getBlasVendor().toString());
    out.put("onednn_helpers", Nd4j.getEnvironment().helpersAllowed());
    out.put(
        "sgemm",
        Map.of(
            "n", gemm.size(),
            "gflops", round3(peak / 1e9)));
    out.put("image", nets.imageHeight() + "x" + nets.imageWidth());
    out.put("classes", nets.classes());
    out.put("vocab", nets.vocabularySize());
    out.put("warmup", measure.warmup());
    out.put("repeats", measure.repeats());
    out.put("steps_per_repeat", measure.stepsPerRepeat());
    if (peer != null) {
      out.put(
          "peer_note",
          "ratio_* = TBPS4J / PyTorch as a PyTorch user writes it (peer: nn.Embedding lookup,"
              + " fused batch-norm), the headline; with --unique-tokens, *_vs_lookup_emulation ="
              + " TBPS4J / the same peer emulating our two-step unique-id word lookup"
              + " (peer_lookup_emulation)");
    }
    out.put("results", rows);
    return out;
  }

  /** The base config at one preset, image size, token length and batch (P = batch / 4, K = 4). */
  private static TrainConfig config(TrainConfig base, Networks nets, String preset, int batch) {
    ModelConfig defaults = ModelConfig.preset(preset, nets.classes(), nets.vocabularySize());
    List<String> sets = new ArrayList<>();
    sets.add("model.preset=" + preset);
    sets.add("data.image_height=" + nets.imageHeight());
    sets.add("data.image_width=" + nets.imageWidth());
    sets.add(
        "data.max_length=" + (nets.maxLength() != null ? nets.maxLength() : defaults.maxLength()));
    sets.add("data.p=" + batch / 4);
    sets.add("data.k=4");
    sets.add("model.unique_token_capacity=" + nets.uniqueTokens());
    return ConfigLoader.override(base, sets);
  }

  /**
   * The ratios TBPS4J / peer of one peer run: train images/s (median and best repeat), embedding
   * throughput, the peer's MFU, and whether the parameter counts are equal.
   */
  private static Map<String, Object> ratios(
      TrainBenchmark.Result r, JsonNode torch, double peak, int batch, String suffix) {
    Map<String, Object> out = new LinkedHashMap<>();
    double ips = torch.path("train_images_per_second").asDouble();
    long peerParams = torch.path("parameters").asLong();
    out.put("parameters_equal" + suffix, peerParams == r.parameters());
    out.put("ratio_train" + suffix, ratio(r.imagesPerSecond() / ips));
    double peerBest = 0;
    for (JsonNode v : torch.path("train_images_per_second_all")) {
      peerBest = Math.max(peerBest, v.asDouble());
    }
    out.put("ratio_train_best" + suffix, ratio(best(r.imagesPerSecondAll()) / peerBest));
    out.put(
        "ratio_embed_images" + suffix,
        ratio(r.embedImagesPerSecond() / torch.path("images_per_second").asDouble()));
    out.put(
        "ratio_embed_texts" + suffix,
        ratio(r.embedTextsPerSecond() / torch.path("texts_per_second").asDouble()));
    out.put("peer_mfu" + suffix, round3(r.flops().model() * ips / batch / peak));
    if (peerParams != r.parameters()) {
      LOG.warn(
          "parameter counts differ: TBPS4J {} vs PyTorch {} ({} lookup)",
          r.parameters(),
          peerParams,
          torch.path("lookup").asText());
    }
    return out;
  }

  private static Map<String, Object> row(TrainBenchmark.Result r, double peak) {
    ModelConfig mc = r.model();
    FlopCounter.Counts f = r.flops();
    double stepsPerSecond = r.imagesPerSecond() / r.batch();
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("preset", mc.preset());
    row.put("batch", r.batch());
    row.put("image", mc.imageHeight() + "x" + mc.imageWidth());
    row.put("tokens", mc.maxLength());
    row.put("embedding_dim", mc.embeddingDim());
    row.put("text_embedding_dim", mc.textEmbeddingSize());
    row.put("unique_tokens", mc.uniqueTokenCapacity());
    row.put("distinct_tokens", r.distinctTokens());
    row.put("parameters", r.parameters());
    row.put("first_step_seconds", round3(r.firstStepSeconds()));
    row.put("train_images_per_second", round3(r.imagesPerSecond()));
    row.put("train_images_per_second_best", round3(best(r.imagesPerSecondAll())));
    row.put("train_images_per_second_all", roundAll(r.imagesPerSecondAll()));
    row.put("model_gflop_per_step", round3(f.model() / 1e9));
    row.put("forward_gflop_per_step", round3(f.forward() / 1e9));
    row.put("executed_gflop_per_step", round3(f.executed() / 1e9));
    row.put("achieved_gflops", round3(f.model() * stepsPerSecond / 1e9));
    row.put("mfu", round3(f.model() * stepsPerSecond / peak));
    row.put("embed_images_per_second", round3(r.embedImagesPerSecond()));
    row.put("embed_texts_per_second", round3(r.embedTextsPerSecond()));
    if (!r.profile().isEmpty()) {
      Map<String, Object> prof = new LinkedHashMap<>();
      prof.put("step_seconds", round3(r.profileStepSeconds()));
      double total = r.profile().stream().mapToDouble(OpTimer.Entry::seconds).sum();
      prof.put("ops_seconds", round3(total));
      // ops the executor runs per step, by kind (from the op's name: *_bp are gradient ops,
      // *updater* the optimiser's if the session runs them — M2.1 applies Adam outside the session,
      // one native op per parameter array, not counted here; the rest are forward ops and the
      // gradient graph's helpers such as the adds that sum gradient contributions and zeroslike)
      long all = r.profile().stream().mapToLong(OpTimer.Entry::calls).sum();
      long bp =
          r.profile().stream()
              .filter(e -> e.type().endsWith("_bp"))
              .mapToLong(OpTimer.Entry::calls)
              .sum();
      long upd =
          r.profile().stream()
              .filter(e -> e.type().contains("updater"))
              .mapToLong(OpTimer.Entry::calls)
              .sum();
      prof.put("ops_per_step", all);
      prof.put("backward_ops_per_step", bp);
      prof.put("updater_ops_per_step", upd);
      prof.put("other_ops_per_step", all - bp - upd);
      // what the step spends outside op kernels: SameDiff's executor, listeners, Java
      prof.put(
          "outside_ops_share",
          round3(Math.max(0, 1 - total / Math.max(1e-12, r.profileStepSeconds()))));
      List<Map<String, Object>> ops = new ArrayList<>();
      for (OpTimer.Entry e : r.profile()) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("op", e.type());
        o.put("seconds", Math.round(e.seconds() * 1e5) / 1e5);
        o.put("share", round3(e.seconds() / total));
        o.put("calls_per_step", e.calls());
        ops.add(o);
      }
      prof.put("ops", ops);
      row.put("profile", prof);
    }
    return row;
  }

  private static Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    String model = "unknown";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          model = line.substring(line.indexOf(':') + 1).strip();
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    m.put("cpu", model);
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("java", System.getProperty("java.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    return m;
  }

  private static double best(double[] v) {
    double b = 0;
    for (double x : v) {
      b = Math.max(b, x);
    }
    return b;
  }

  /**
   * A ratio to three significant digits: a loaded machine can make one side hundreds of times
   * slower, and three decimals would then print a ratio of 0.
   */
  static double ratio(double v) {
    if (!Double.isFinite(v) || v == 0) {
      return v;
    }
    return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).doubleValue();
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  private static double[] roundAll(double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = round3(v[i]);
    }
    return out;
  }
}
