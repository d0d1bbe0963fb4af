package org.tbps4j.bench.train;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.schedule.FixedSchedule;
import org.tbps4j.bench.FlopCounter;
import org.tbps4j.bench.OpTimer;
import org.tbps4j.model.GraphNames;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.Quiet;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.model.exec.FastExecution;
import org.tbps4j.train.ModelFactory;
import org.tbps4j.train.TrainingGraph;
import org.tbps4j.train.config.TrainConfig;

/**
 * Steady-state training throughput of a run config's model, loss mix and optimiser ({@link
 * TrainingGraph}, exactly as {@code Trainer} builds them, with a constant learning rate) on one
 * fixed random batch: images {@code U[-0.5, 0.5)}, token ids drawn log-uniformly from {@code [2,
 * V)} (a Zipf-like frequency, as in captions), labels {@code i / 4} (P×K batches with K = 4).
 *
 * <p>Protocol: the first {@code fit} step (builds the gradient graph) is timed apart, then {@code
 * warmup} untimed steps, then {@code repeats} timed repeats of {@code stepsPerRepeat} steps each;
 * the result is the median of the repeats' images/s. Then, untimed, one step with a {@link
 * FlopCounter} (FLOPs per step) and optionally steps with an {@link OpTimer} (where the time goes),
 * and the inference embedding throughput of each path.
 */
public final class TrainBenchmark {
  private TrainBenchmark() {}

  /**
   * How long to measure.
   *
   * @param warmup untimed steps after the first, {@code >= 0} (the first few tens are slower)
   * @param repeats timed repeats, {@code >= 1}
   * @param stepsPerRepeat steps per timed repeat, {@code >= 1}
   * @param embedBatch batch of the inference embedding timing, {@code >= 1}
   * @param profileSteps steps timed per op type after the measurement (0 = no profile)
   * @param seed seed of the inputs and of ND4J's generator
   */
  public record Options(
      int warmup, int repeats, int stepsPerRepeat, int embedBatch, int profileSteps, long seed) {
    /** Validates. */
    public Options {
      if (warmup < 0 || repeats < 1 || stepsPerRepeat < 1 || embedBatch < 1 || profileSteps < 0) {
        throw new IllegalArgumentException(
            "warmup >= 0, repeats >= 1, steps per repeat >= 1, embed batch >= 1 and profile"
                + " steps >= 0 required, got "
                + List.of(warmup, repeats, stepsPerRepeat, embedBatch, profileSteps));
      }
    }
  }

  /**
   * The measurement of one configuration.
   *
   * @param model the network configuration
   * @param batch batch size N
   * @param parameters parameter count
   * @param distinctTokens distinct token ids in the batch
   * @param firstStepSeconds the first {@code fit} step
   * @param imagesPerSecond median over the repeats of N·steps / time
   * @param imagesPerSecondAll every repeat's rate
   * @param flops FLOPs of one training step
   * @param profile op types by time per step: seconds and calls per step, averaged over {@code
   *     profileSteps} steps (empty without a profile)
   * @param profileStepSeconds wall time per profiled step (the listener adds some overhead)
   * @param embedImagesPerSecond inference: images embedded per second (median of the repeats)
   * @param embedTextsPerSecond inference: texts embedded per second (median of the repeats)
   */
  public record Result(
      ModelConfig model,
      int batch,
      long parameters,
      int distinctTokens,
      double firstStepSeconds,
      double imagesPerSecond,
      double[] imagesPerSecondAll,
      FlopCounter.Counts flops,
      List<OpTimer.Entry> profile,
      double profileStepSeconds,
      double embedImagesPerSecond,
      double embedTextsPerSecond) {}

  /**
   * The network of a run config for a dataset of {@code numClasses} identities and a vocabulary of
   * {@code vocabularySize} ids.
   *
   * @param config the run config (model, data sizes, loss mix, optimiser)
   * @param numClasses C
   * @param vocabularySize V
   * @return the model config
   */
  public static ModelConfig modelConfig(TrainConfig config, int numClasses, int vocabularySize) {
    return ModelFactory.modelConfig(config, numClasses, vocabularySize);
  }

  /**
   * Runs the benchmark.
   *
   * @param config the run config
   * @param numClasses C, {@code >= batch / 4}
   * @param vocabularySize V, {@code >= 4}
   * @param batch N, {@code >= 4} and a multiple of 4
   * @param options how long to measure
   * @return the measurement
   * @throws IllegalArgumentException for impossible sizes (the message names them)
   */
  public static Result run(
      TrainConfig config, int numClasses, int vocabularySize, int batch, Options options) {
    if (batch < 4 || batch % 4 != 0) {
      throw new IllegalArgumentException(
          "batch must be a multiple of 4 (P×K with K = 4) and >= 4, got " + batch);
    }
    if (numClasses < batch / 4) {
      throw new IllegalArgumentException(
          "classes must be >= batch / 4 = " + batch / 4 + ", got " + numClasses);
    }
    if (vocabularySize < 4) {
      throw new IllegalArgumentException("vocabulary must be >= 4, got " + vocabularySize);
    }
    ModelConfig mc = modelConfig(config, numClasses, vocabularySize);
    Nd4j.getRandom().setSeed(options.seed());
    // the config's top-level loss, nothing frozen, a constant rate, no metadata
    TbpsModel model =
        TrainingGraph.build(
                new TrainingGraph.Recipe(
                    config, mc, new FixedSchedule(config.optimizer().lr()), null, null),
                new TrainConfig.Stage("bench", 1, false, null),
                null,
                0)
            .model();
    SameDiff sd = model.sameDiff();

    SplittableRandom r = new SplittableRandom(options.seed());
    INDArray images = randomImages(r, batch, mc);
    INDArray tokens = Nd4j.createFromArray(zipfTokens(r, batch, mc)).reshape(batch, mc.maxLength());
    int distinct = (int) Arrays.stream(tokens.data().asInt()).distinct().count();
    int[] y = new int[batch];
    for (int i = 0; i < batch; i++) {
      y[i] = i / 4;
    }
    MultiDataSet mds = model.trainingBatch(images, tokens, Nd4j.createFromArray(y));

    long t0 = System.nanoTime();
    Quiet.run(() -> sd.fit(mds)); // builds the gradient graph (prints per op)
    double first = seconds(t0);
    // later steps as the trainer takes them (docs/samediff-executor.md)
    for (int i = 0; i < options.warmup(); i++) {
      FastExecution.fit(sd, mds);
    }
    double[] rates = new double[options.repeats()];
    for (int i = 0; i < options.repeats(); i++) {
      t0 = System.nanoTime();
      for (int s = 0; s < options.stepsPerRepeat(); s++) {
        FastExecution.fit(sd, mds);
      }
      rates[i] = (double) batch * options.stepsPerRepeat() / seconds(t0);
    }

    FlopCounter counter = new FlopCounter(Operation.TRAINING);
    sd.setListeners(counter);
    sd.fit(mds);
    FlopCounter.Counts flops = counter.counts();
    List<OpTimer.Entry> profile = List.of();
    double profileStep = 0;
    if (options.profileSteps() > 0) {
      OpTimer timer = new OpTimer(Operation.TRAINING);
      sd.setListeners(timer);
      FastExecution.fit(sd, mds); // the listener's own warm-up
      timer.reset();
      t0 = System.nanoTime();
      for (int i = 0; i < options.profileSteps(); i++) {
        FastExecution.fit(sd, mds);
      }
      profileStep = seconds(t0) / options.profileSteps();
      profile =
          timer.entries().stream()
              .map(
                  e ->
                      new OpTimer.Entry(
                          e.type(),
                          e.seconds() / options.profileSteps(),
                          e.calls() / options.profileSteps()))
              .toList();
    }
    sd.setListeners();

    int eb = options.embedBatch();
    INDArray eImages = randomImages(r, eb, mc);
    INDArray eTokens = Nd4j.createFromArray(zipfTokens(r, eb, mc)).reshape(eb, mc.maxLength());
    double embedImages =
        embedRate(
            sd, model.imageInputs(eImages), GraphNames.IMAGE_EMBEDDING_INFERENCE, eb, options);
    double embedTexts =
        embedRate(sd, model.textInputs(eTokens), GraphNames.TEXT_EMBEDDING_INFERENCE, eb, options);
    return new Result(
        mc,
        batch,
        model.parameterCount(),
        distinct,
        first,
        median(rates),
        rates,
        flops,
        profile,
        profileStep,
        embedImages,
        embedTexts);
  }

  private static double embedRate(
      SameDiff sd, Map<String, INDArray> inputs, String output, int batch, Options options) {
    for (int i = 0; i < 3; i++) {
      sd.output(inputs, output);
    }
    double[] rates = new double[options.repeats()];
    for (int i = 0; i < rates.length; i++) {
      long t0 = System.nanoTime();
      sd.output(inputs, output);
      rates[i] = batch / seconds(t0);
    }
    return median(rates);
  }

  private static INDArray randomImages(SplittableRandom r, int n, ModelConfig mc) {
    float[] v = new float[n * 3 * mc.imageHeight() * mc.imageWidth()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (r.nextDouble() - 0.5);
    }
    return Nd4j.create(v, new long[] {n, 3, mc.imageHeight(), mc.imageWidth()}, 'c');
  }

  /**
   * Token ids {@code min(floor(exp(u·ln V)), V − 3) + 2} for {@code u ~ U[0,1)}: in {@code [2, V)},
   * log-uniform, so low ids are frequent (0 and 1 are PAD and UNK).
   *
   * @param r the generator
   * @param n rows
   * @param mc the model config (L, V)
   * @return {@code n·L} ids, row-major
   */
  static int[] zipfTokens(SplittableRandom r, int n, ModelConfig mc) {
    int v = mc.vocabularySize();
    int[] ids = new int[n * mc.maxLength()];
    for (int i = 0; i < ids.length; i++) {
      double x = Math.floor(Math.exp(r.nextDouble() * Math.log(v)));
      ids[i] = (int) Math.min(x, v - 3) + 2;
    }
    return ids;
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
