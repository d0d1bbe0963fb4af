package org.tbps4j.bench.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tbps4j.bench.ProcessMemory;
import org.tbps4j.loss.LossMix;
import org.tbps4j.model.GraphNames;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.Quiet;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.train.ModelFactory;

/**
 * Times one model: the forward pass of both paths in inference mode ({@code output} of both
 * embeddings) and one training step ({@code fit} on one batch: forward, backward through both paths
 * and the {@link #LOSS} mix, Adam update), on random inputs of a fixed batch; {@link #report} runs
 * it for several configurations and gives {@code tbps bench model}'s JSON report.
 *
 * <p>The loss is {@code instance + sdm} from tbps-loss ({@link ModelFactory#attach}, as the trainer
 * attaches it: with ESA, SDM sees the combined similarity): a shared-classifier cross-entropy of
 * both paths plus a softmax matching term over the batch's similarity matrix, i.e. the two kinds of
 * term every recipe has. Its cost ({@code O(N²D + NDC)}) is small beside the two networks, which
 * are what this benchmark times; the training benchmark ({@code tbps bench train}) times a recipe's
 * own mix.
 */
public final class ModelBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(ModelBenchmark.class);

  /** The loss of the timed training step: {@code instance + sdm}, weights 1. */
  public static final LossMix LOSS = LossMix.builder().add("instance", 1).add("sdm", 1).build();

  private ModelBenchmark() {}

  /**
   * Timings of one configuration.
   *
   * @param preset the preset
   * @param batch batch size
   * @param imageHeight H
   * @param imageWidth W
   * @param maxLength L
   * @param parameters parameter count
   * @param buildSeconds time to build the graph and initialise the weights
   * @param firstStepSeconds the first {@code fit} step (builds the gradient graph)
   * @param forwardSeconds median forward time per batch
   * @param trainStepSeconds median training-step time per batch
   * @param forwardAll every timed forward pass
   * @param trainAll every timed training step
   */
  public record Result(
      String preset,
      int batch,
      int imageHeight,
      int imageWidth,
      int maxLength,
      long parameters,
      double buildSeconds,
      double firstStepSeconds,
      double forwardSeconds,
      double trainStepSeconds,
      double[] forwardAll,
      double[] trainAll) {}

  /**
   * Runs the benchmark.
   *
   * @param config the model config
   * @param batch batch size
   * @param warmup untimed steps of each kind after the first (the first 10–20 steps are slower)
   * @param repeats timed steps of each kind (median reported)
   * @param seed seed of the random inputs and of ND4J's generator
   * @return the timings
   */
  public static Result run(ModelConfig config, int batch, int warmup, int repeats, long seed) {
    if (batch < 2 || warmup < 0 || repeats < 1) {
      throw new IllegalArgumentException(
          "batch must be >= 2, warmup >= 0 and repeats >= 1, got "
              + batch
              + ", "
              + warmup
              + ", "
              + repeats);
    }
    Nd4j.getRandom().setSeed(seed);
    long t0 = System.nanoTime();
    TbpsModel model = TbpsModel.create(config);
    double build = seconds(t0);
    ModelFactory.attach(model, LOSS);
    model.sameDiff().setTrainingConfig(model.trainingConfig(new Adam(1e-4)).build());
    INDArray images =
        Nd4j.rand(DataType.FLOAT, batch, 3, config.imageHeight(), config.imageWidth()).subi(0.5);
    int[] ids = new int[batch * config.maxLength()];
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    for (int i = 0; i < ids.length; i++) {
      ids[i] = 1 + r.nextInt(config.vocabularySize() - 1);
    }
    INDArray tokens = Nd4j.createFromArray(ids).reshape(batch, config.maxLength());
    int[] y = new int[batch];
    for (int i = 0; i < batch; i++) {
      y[i] = i % config.numClasses();
    }
    INDArray labels = Nd4j.createFromArray(y);
    MultiDataSet mds = model.trainingBatch(images, tokens, labels);
    Map<String, INDArray> ph = model.inputs(images, tokens, labels);

    t0 = System.nanoTime();
    Quiet.run(() -> model.sameDiff().fit(mds)); // builds the gradient graph (prints per op)
    double first = seconds(t0);
    double[] train = new double[repeats];
    for (int i = 0; i < warmup + repeats; i++) {
      t0 = System.nanoTime();
      model.sameDiff().fit(mds);
      if (i >= warmup) {
        train[i - warmup] = seconds(t0);
      }
    }
    double[] fwd = new double[repeats];
    for (int i = 0; i < warmup + 1 + repeats; i++) {
      t0 = System.nanoTime();
      model
          .sameDiff()
          .output(ph, GraphNames.IMAGE_EMBEDDING_INFERENCE, GraphNames.TEXT_EMBEDDING_INFERENCE);
      if (i > warmup) {
        fwd[i - warmup - 1] = seconds(t0);
      }
    }
    return new Result(
        config.preset(),
        batch,
        config.imageHeight(),
        config.imageWidth(),
        config.maxLength(),
        model.parameterCount(),
        build,
        first,
        median(fwd),
        median(train),
        fwd,
        train);
  }

  /**
   * Runs the benchmark for each configuration and reports, as {@code tbps bench model} prints it:
   * {@code benchmark}, {@code threads}, {@code warmup}, {@code repeats} and one {@code results} row
   * per configuration (preset, batch, image, tokens, esa, parameters, build / first step / forward
   * / train step seconds, pairs per second, peak RSS).
   *
   * @param configs the model configurations, in order
   * @param batch batch size, {@code >= 2}
   * @param warmup untimed steps of each kind after the first
   * @param repeats timed steps of each kind (median reported)
   * @param seed seed of the random inputs and of ND4J's generator
   * @return the report, a JSON object (field order as printed)
   */
  public static Map<String, Object> report(
      List<ModelConfig> configs, int batch, int warmup, int repeats, long seed) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (ModelConfig c : configs) {
      LOG.info(
          "model bench {}: batch {}, {}x{} images, {} tokens",
          c.preset(),
          batch,
          c.imageHeight(),
          c.imageWidth(),
          c.maxLength());
      Result r = run(c, batch, warmup, repeats, seed);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("preset", r.preset());
      row.put("batch", r.batch());
      row.put("image", r.imageHeight() + "x" + r.imageWidth());
      row.put("tokens", r.maxLength());
      row.put("esa", c.esa().enabled());
      row.put("parameters", r.parameters());
      row.put("build_seconds", round(r.buildSeconds()));
      row.put("first_step_seconds", round(r.firstStepSeconds()));
      row.put("forward_seconds", round(r.forwardSeconds()));
      row.put("train_step_seconds", round(r.trainStepSeconds()));
      row.put("forward_pairs_per_second", Math.round(r.batch() / r.forwardSeconds()));
      row.put("train_pairs_per_second", Math.round(r.batch() / r.trainStepSeconds()));
      row.put("peak_rss_mib", Math.round(ProcessMemory.peakRssMiB()));
      rows.add(row);
      System.gc();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("benchmark", "model");
    out.put("threads", Runtime.getRuntime().availableProcessors());
    out.put("warmup", warmup);
    out.put("repeats", repeats);
    out.put("results", rows);
    return out;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
