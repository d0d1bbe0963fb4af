package org.tbps4j.model.bench;

import java.util.Arrays;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.tbps4j.model.GraphNames;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.Quiet;
import org.tbps4j.model.TbpsModel;

/**
 * Times one model: the forward pass of both paths in inference mode ({@code output} of both
 * embeddings) and one training step ({@code fit} on one batch: forward, backward through both paths
 * and the {@link MatchingLoss}, Adam update), on random inputs of a fixed batch.
 */
public final class ModelBenchmark {
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
    MatchingLoss.define(model);
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

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
