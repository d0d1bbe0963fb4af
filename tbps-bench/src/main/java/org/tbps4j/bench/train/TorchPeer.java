package org.tbps4j.bench.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.layers.Architecture;
import org.tbps4j.train.config.TrainConfig;

/**
 * The PyTorch peer of the training benchmark: {@code bench/torch_peer.py --mode train}, run as a
 * child process with the same network, batch, losses, optimiser, protocol and thread count, its
 * last line of standard output read as JSON. Its standard error goes to ours.
 *
 * @param python the Python with torch, e.g. {@code /usr/bin/python3}
 * @param script the peer script
 */
public record TorchPeer(String python, Path script) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The peer's word lookup for the headline ratio: what a PyTorch user writes. */
  public static final String IDIOMATIC_LOOKUP = "embedding";

  /**
   * Runs the peer for one configuration and waits for it (at most an hour).
   *
   * @param mc the network as the Java side built it
   * @param batch batch size
   * @param threads OpenMP/OpenBLAS/MKL threads of the child
   * @param lookup the peer's word lookup: {@code embedding} (nn.Embedding), {@code onehot} or
   *     {@code unique} (emulating ours)
   * @param optimizer learning rate and weight decay of the run config
   * @param measure the protocol (warm-up, repeats, steps per repeat, embedding batch, seed)
   * @return the peer's JSON report
   * @throws IOException when the peer cannot start or prints no JSON
   * @throws InterruptedException when interrupted while waiting
   * @throws IllegalStateException when the peer fails or times out (the message has its command)
   */
  public JsonNode train(
      ModelConfig mc,
      int batch,
      int threads,
      String lookup,
      TrainConfig.Optimizer optimizer,
      TrainBenchmark.Options measure)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                python,
                script.toString(),
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
                Integer.toString(Architecture.of(mc.preset()).text().convWidth()),
                "--classifier-bias",
                "yes",
                "--lookup",
                lookup,
                "--unique-capacity",
                Integer.toString(mc.uniqueTokenCapacity()),
                "--lr",
                Double.toString(optimizer.lr()),
                "--weight-decay",
                Double.toString(optimizer.weightDecay()),
                "--warmup",
                Integer.toString(measure.warmup()),
                "--repeats",
                Integer.toString(measure.repeats()),
                "--steps",
                Integer.toString(measure.stepsPerRepeat()),
                "--embed-batch",
                Integer.toString(measure.embedBatch()),
                "--threads",
                Integer.toString(threads),
                "--seed",
                Long.toString(measure.seed())));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    String t = Integer.toString(threads);
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
    return JSON.readTree(last);
  }
}
