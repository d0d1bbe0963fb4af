package org.tbps4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tbps4j.bench.train.TorchPeer;
import org.tbps4j.bench.train.TrainBenchmark;
import org.tbps4j.bench.train.TrainReport;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.train.config.ConfigLoader;
import org.tbps4j.train.config.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tbps bench train}: steady-state training throughput of the dual-path network with the
 * quickstart loss mix and optimiser per preset and batch size, FLOPs per step, MFU, embedding
 * throughput, peak memory; with {@code --peer}, the PyTorch peer after each configuration and the
 * ratios (see {@link TrainReport}).
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
      defaultValue = "60",
      description =
          "Untimed steps after the first. Default: 60 (after 20 the first timed repeat still ran"
              + " at a third to a half of the last; docs/samediff-m2.1.md, \"Timing SameDiff\").")
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
    Map<String, Object> report =
        TrainReport.report(
            quickstart(),
            new TrainReport.Options(
                new TrainReport.Networks(
                    presets, hw[0], hw[1], length, sizes.classes, sizes.vocab, uniqueTokens),
                batches,
                options,
                gemmSize,
                peer ? new TorchPeer(python, peerScript) : null));
    spec.commandLine().getOut().println(Json.write(report));
    return CliErrors.EXIT_OK;
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
}
