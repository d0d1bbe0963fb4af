package org.tbps4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.bench.FlopCounter;
import org.tbps4j.model.bench.GemmPeak;
import org.tbps4j.model.bench.OpTimer;
import org.tbps4j.train.bench.TrainBenchmark;
import org.tbps4j.train.config.ConfigLoader;
import org.tbps4j.train.config.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tbps bench train}: steady-state training throughput of the dual-path network with the
 * quickstart loss mix and optimiser ({@link TrainBenchmark}) per preset and batch size, FLOPs per
 * step and model FLOP utilisation against an sgemm peak measured in the same command, inference
 * embedding throughput, peak memory; with {@code --peer}, the same configuration in PyTorch ({@code
 * bench/torch_peer.py}) right after each one, and the ratios.
 *
 * <p>The peer runs twice per configuration. The headline ({@code peer}, {@code ratio_*}) is PyTorch
 * as a PyTorch user writes the network: {@code nn.Embedding} for the word lookup, fused batch-norm.
 * The secondary measurement ({@code peer_lookup_emulation}, {@code *_vs_lookup_emulation}) is the
 * peer emulating our own word lookup (one-hot × table, or the two-step unique-id lookup with {@code
 * --unique-tokens}), which no PyTorch user writes: it isolates what the rest of the step costs.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Training throughput (images/s, median of repeats after warm-up) of the dual-path network"
          + " with the quickstart loss mix (cmpm + 0.8 cmpc + 0.2 mam + psw) and Adam, FLOPs per"
          + " step, MFU against the sgemm peak measured here, embedding throughput, peak memory.",
      "--peer runs bench/torch_peer.py (PyTorch, same shapes, losses, optimiser, threads) after"
          + " each configuration and reports TBPS4J / PyTorch: ratio_* against idiomatic PyTorch"
          + " (nn.Embedding lookup, the headline), *_vs_lookup_emulation against the peer"
          + " emulating our one-hot (or unique-id) lookup.",
      "Threads: set OMP_NUM_THREADS (ND4J reads it at start-up); the peer gets the same number."
    })
public final class TrainBench implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(TrainBench.class);

  /** The peer's word lookup for the headline ratio: what a PyTorch user writes. */
  static final String PEER_LOOKUP = "embedding";

  @Spec CommandSpec spec;

  @Option(
      names = "--presets",
      split = ",",
      defaultValue = "tiny,resnet18",
      description = "Presets (micro, tiny, resnet18, resnet50). Default: ${DEFAULT-VALUE}.")
  List<String> presets;

  @Option(
      names = "--batches",
      split = ",",
      defaultValue = "32,64",
      description = "Batch sizes (multiples of 4). Default: ${DEFAULT-VALUE}.")
  List<Integer> batches;

  @Option(
      names = "--image",
      defaultValue = "128x64",
      description = "Image size HxW for every preset. Default: ${DEFAULT-VALUE}.")
  String image;

  @Option(names = "--length", description = "Token length L; default: each preset's own.")
  Integer length;

  @Mixin NetworkSizeOptions sizes;

  @Option(
      names = "--unique-tokens",
      defaultValue = "0",
      description =
          "Two-step token lookup over at most U distinct ids per batch (0 = one-hot over the"
              + " vocabulary). Default: 0.")
  int uniqueTokens;

  @Option(
      names = "--warmup",
      defaultValue = "20",
      description = "Untimed steps after the first. Default: 20.")
  int warmup;

  @Option(
      names = "--repeats",
      defaultValue = "5",
      description = "Timed repeats (median reported). Default: 5.")
  int repeats;

  @Option(names = "--steps", defaultValue = "2", description = "Steps per repeat. Default: 2.")
  int steps;

  @Option(
      names = "--embed-batch",
      defaultValue = "128",
      description = "Batch of the inference embedding timing. Default: 128.")
  int embedBatch;

  @Option(
      names = "--profile",
      defaultValue = "0",
      description = "Steps timed per op type after the measurement (0 = none). Default: 0.")
  int profile;

  @Option(
      names = "--gemm-size",
      defaultValue = "2048",
      description = "Size n of the n×n sgemm of the peak measurement. Default: 2048.")
  int gemmSize;

  @Option(names = "--peer", description = "Run the PyTorch peer after each configuration.")
  boolean peer;

  @Option(
      names = "--peer-script",
      defaultValue = "bench/torch_peer.py",
      description = "The peer script. Default: ${DEFAULT-VALUE}.")
  Path peerScript;

  @Option(
      names = "--python",
      defaultValue = "/usr/bin/python3",
      description = "Python with torch. Default: ${DEFAULT-VALUE}.")
  String python;

  @Override
  public Integer call() throws IOException, InterruptedException {
    int[] hw = parseImage(image);
    for (String p : presets) {
      if (!ModelConfig.PRESETS.contains(p)) {
        throw new IllegalArgumentException(
            "--presets: unknown preset '"
                + p
                + "' (valid: "
                + String.join(", ", ModelConfig.PRESETS)
                + ")");
      }
    }
    for (int b : batches) {
      if (b < 4 || b % 4 != 0) {
        throw new IllegalArgumentException(
            "--batches: " + b + " is not a multiple of 4 >= 4 (P×K batches with K = 4)");
      }
    }
    if (gemmSize < 16) {
      throw new IllegalArgumentException("--gemm-size must be >= 16, got " + gemmSize);
    }
    TrainBenchmark.Options options =
        new TrainBenchmark.Options(warmup, repeats, steps, embedBatch, profile, sizes.seed);
    if (peer && !Files.isRegularFile(peerScript)) {
      throw new NoSuchFileException(
          peerScript + " (--peer-script; run from the repository root or pass the path)");
    }
    // ND4J's (OpenMP's) thread count is fixed when the native library loads, from
    // OMP_NUM_THREADS (default: the cores); Environment.setMaxThreads does not change it in M2.1
    int nThreads = Nd4j.getEnvironment().maxThreads();
    TrainConfig base = quickstart();

    LOG.info("sgemm peak: {}x{} float", gemmSize, gemmSize);
    GemmPeak.Result gemm = GemmPeak.measure(gemmSize, 5);
    double peak = gemm.flopsPerSecond();

    List<Map<String, Object>> rows = new ArrayList<>();
    for (String p : presets) {
      for (int b : batches) {
        TrainConfig cfg = config(base, p, hw, b);
        LOG.info("train bench {} batch {} ({}x{})", p, b, hw[0], hw[1]);
        ProcessMemory.resetPeaks();
        TrainBenchmark.Result r = TrainBenchmark.run(cfg, sizes.classes, sizes.vocab, b, options);
        Map<String, Object> row = row(r, peak);
        row.put("peak_rss_mib", Math.round(ProcessMemory.peakRssMiB()));
        row.put("peak_heap_mib", Math.round(ProcessMemory.peakHeapMiB()));
        System.gc();
        if (peer) {
          LOG.info("peer {} batch {}: nn.Embedding lookup", p, b);
          JsonNode torch = runPeer(r.model(), b, nThreads, PEER_LOOKUP);
          String emulated = r.model().uniqueTokenCapacity() > 0 ? "unique" : "onehot";
          LOG.info("peer {} batch {}: {} lookup (emulating ours)", p, b, emulated);
          JsonNode torchEmulated = runPeer(r.model(), b, nThreads, emulated);
          row.put("peer", torch);
          row.putAll(ratios(r, torch, peak, b, ""));
          row.put("peer_lookup_emulation", torchEmulated);
          row.putAll(ratios(r, torchEmulated, peak, b, "_vs_lookup_emulation"));
          LOG.info(
              "{} batch {}: TBPS4J {} img/s; PyTorch (nn.Embedding) {} img/s, ratio {}; PyTorch"
                  + " emulating our {} lookup {} img/s, ratio {}",
              p,
              b,
              round3(r.imagesPerSecond()),
              round3(torch.path("train_images_per_second").asDouble()),
              row.get("ratio_train"),
              emulated,
              round3(torchEmulated.path("train_images_per_second").asDouble()),
              row.get("ratio_train_vs_lookup_emulation"));
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
    out.put("image", hw[0] + "x" + hw[1]);
    out.put("classes", sizes.classes);
    out.put("vocab", sizes.vocab);
    out.put("warmup", warmup);
    out.put("repeats", repeats);
    out.put("steps_per_repeat", steps);
    if (peer) {
      out.put(
          "peer_note",
          "ratio_* = TBPS4J / PyTorch as a PyTorch user writes it (peer: nn.Embedding lookup,"
              + " fused batch-norm), the headline; *_vs_lookup_emulation = TBPS4J / the same peer"
              + " emulating our one-hot x table (or unique-id) word lookup (peer_lookup_emulation)");
    }
    out.put("results", rows);
    spec.commandLine().getOut().println(Json.write(out));
    return CliErrors.EXIT_OK;
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
    out.put("ratio_train" + suffix, round3(r.imagesPerSecond() / ips));
    double peerBest = 0;
    for (JsonNode v : torch.path("train_images_per_second_all")) {
      peerBest = Math.max(peerBest, v.asDouble());
    }
    out.put("ratio_train_best" + suffix, round3(best(r.imagesPerSecondAll()) / peerBest));
    out.put(
        "ratio_embed_images" + suffix,
        round3(r.embedImagesPerSecond() / torch.path("images_per_second").asDouble()));
    out.put(
        "ratio_embed_texts" + suffix,
        round3(r.embedTextsPerSecond() / torch.path("texts_per_second").asDouble()));
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

  private Map<String, Object> row(TrainBenchmark.Result r, double peak) {
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

  private TrainConfig config(TrainConfig base, String preset, int[] hw, int batch) {
    ModelConfig defaults = ModelConfig.preset(preset, sizes.classes, sizes.vocab);
    List<String> sets = new ArrayList<>();
    sets.add("model.preset=" + preset);
    sets.add("data.image_height=" + hw[0]);
    sets.add("data.image_width=" + hw[1]);
    sets.add("data.max_length=" + (length != null ? length : defaults.maxLength()));
    sets.add("data.p=" + batch / 4);
    sets.add("data.k=4");
    sets.add("model.unique_token_capacity=" + uniqueTokens);
    return ConfigLoader.override(base, sets);
  }

  private static TrainConfig quickstart() throws IOException {
    try (InputStream in = TrainBench.class.getResourceAsStream(QuickstartCommand.CONFIG_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the packaged quickstart config is missing from the jar");
      }
      return ConfigLoader.parse(
          new String(in.readAllBytes(), StandardCharsets.UTF_8), "quickstart.yaml");
    }
  }

  private JsonNode runPeer(ModelConfig mc, int batch, int nThreads, String lookup)
      throws IOException, InterruptedException {
    TrainConfig.Optimizer o = quickstart().optimizer();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                python,
                peerScript.toString(),
                "--mode",
                "train",
                "--preset",
                mc.preset(),
                "--batch",
                Integer.toString(batch),
                "--image",
                mc.imageHeight() + "x" + mc.imageWidth(),
                "--length",
                Integer.toString(mc.maxLength()),
                "--dim",
                Integer.toString(mc.embeddingDim()),
                "--text-dim",
                Integer.toString(mc.textEmbeddingSize()),
                "--drop",
                Double.toString(mc.dropFraction()),
                "--vocab",
                Integer.toString(mc.vocabularySize()),
                "--classes",
                Integer.toString(mc.numClasses()),
                // the same heads and text path as the Java model (docs/models.md)
                "--image-net",
                "tiny",
                "--head",
                mc.head() == ModelConfig.Head.BN ? "bn" : "proj",
                "--text",
                mc.textPath() == ModelConfig.TextPath.CONV ? "conv3" : "bottleneck",
                "--text-width",
                Integer.toString(
                    org.tbps4j.model.layers.Architecture.of(mc.preset()).text().convWidth()),
                "--classifier-bias",
                "yes",
                "--lookup",
                lookup,
                "--unique-capacity",
                Integer.toString(mc.uniqueTokenCapacity()),
                "--lr",
                Double.toString(o.lr()),
                "--weight-decay",
                Double.toString(o.weightDecay()),
                "--warmup",
                Integer.toString(warmup),
                "--repeats",
                Integer.toString(repeats),
                "--steps",
                Integer.toString(steps),
                "--embed-batch",
                Integer.toString(embedBatch),
                "--threads",
                Integer.toString(nThreads),
                "--seed",
                Long.toString(sizes.seed)));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    String t = Integer.toString(nThreads);
    pb.environment().put("OMP_NUM_THREADS", t);
    pb.environment().put("OPENBLAS_NUM_THREADS", t);
    pb.environment().put("MKL_NUM_THREADS", t);
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process proc = pb.start();
    String stdout;
    try (InputStream in = proc.getInputStream()) {
      stdout = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!proc.waitFor(1, TimeUnit.HOURS) || proc.exitValue() != 0) {
      proc.destroy();
      throw new IllegalStateException(
          "the peer failed (exit " + proc.exitValue() + "): " + String.join(" ", cmd));
    }
    String last = stdout.strip();
    last = last.substring(last.lastIndexOf('\n') + 1);
    return Json.MAPPER.readTree(last);
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

  /**
   * Parses the benches' {@code --image HxW} option (both sides 1 to 5 digits) into {@code {H, W}}.
   */
  static int[] parseImage(String s) {
    String[] hw = s.toLowerCase(Locale.ROOT).split("x");
    if (hw.length != 2 || !hw[0].matches("\\d{1,5}") || !hw[1].matches("\\d{1,5}")) {
      throw new IllegalArgumentException("--image: expected HxW such as 128x64, got " + s);
    }
    return new int[] {Integer.parseInt(hw[0]), Integer.parseInt(hw[1])};
  }

  private static double best(double[] v) {
    double b = 0;
    for (double x : v) {
      b = Math.max(b, x);
    }
    return b;
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
