package org.tbps4j.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.tbps4j.data.DatasetFormat;
import org.tbps4j.data.PedesDataset;
import org.tbps4j.data.image.Augmentation;
import org.tbps4j.data.image.ImageLoader;
import org.tbps4j.data.image.ImageSettings;
import org.tbps4j.data.iter.PkTrainingIterator;
import org.tbps4j.data.iter.TrainingBatch;
import org.tbps4j.data.text.Vocabulary;
import org.tbps4j.loss.LossInputs;
import org.tbps4j.loss.LossMix;
import org.tbps4j.loss.LossNames;
import org.tbps4j.model.BatchNormStatistics;
import org.tbps4j.model.GraphNames;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.Quiet;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.model.search.Embedder;

/**
 * Example 3: build the {@code tiny} dual-path network from Java, put the MAM paper's loss mix on it
 * and train it for a few steps with SameDiff's own {@code fit} — the loop that {@code tbps train}
 * (the {@code Trainer}) wraps with schedules, validation and checkpoints.
 *
 * <ol>
 *   <li>Read the data and build P×K batches (example 2).
 *   <li>{@link ModelConfig#preset} gives the network's sizes; {@link TbpsModel#create} builds the
 *       SameDiff graph: an image path (ResNet) and a text path (1-D CNN) ending in embeddings of
 *       the same size D, plus a classifier shared by both.
 *   <li>{@link LossMix#define} adds the losses on the graph's named variables ({@link GraphNames})
 *       and returns {@code loss/total}, the variable to minimise.
 *   <li>{@code sd.fit(batch)} does one optimiser step. SameDiff reports loss 0 to its listeners
 *       during {@code fit} (docs/samediff-m2.1.md, note 5), so this example measures the loss
 *       itself with a forward pass on a fixed batch.
 *   <li>SameDiff keeps no batch-norm running statistics: set them from a few batches before using
 *       the model for inference (docs/samediff-m2.1.md, note 1).
 * </ol>
 */
public final class Ex3TrainATinyDualPath {
  private Ex3TrainATinyDualPath() {}

  /**
   * What the example did.
   *
   * @param parameters number of parameters of the network
   * @param lossBefore {@code loss/total} on the first batch before training
   * @param lossAfter {@code loss/total} on the same batch after training
   * @param seconds wall time of each step (the first one builds the gradient graph)
   * @param embeddingDim size D of the embeddings the trained model produces (the preset's)
   */
  public record Result(
      long parameters,
      double lossBefore,
      double lossAfter,
      List<Double> seconds,
      int embeddingDim) {}

  /**
   * Runs the example.
   *
   * @param root dataset root in CUHK-PEDES layout
   * @param steps optimiser steps
   * @return what happened
   * @throws IOException when the dataset cannot be read
   */
  public static Result run(Path root, int steps) throws IOException {
    // 1. Data: 64×32 images, 16 tokens per caption, batches of 4 people × 2 pairs.
    PedesDataset dataset = PedesDataset.load(DatasetFormat.CUHK_PEDES, root).requireUsable();
    Vocabulary vocabulary = dataset.vocabulary(1);
    ImageLoader images = new ImageLoader(ImageSettings.imagenet(64, 32));
    PkTrainingIterator.Config batches =
        new PkTrainingIterator.Config(4, 2, 16, Augmentation.NONE, 42, 1, 2);

    // 2. The network: the tiny preset (1.7 M parameters), resized to the data. No dropout and no
    //    text shift, so that the loss of a fixed batch is a plain function of the weights (tbps
    //    train uses both).
    ModelConfig config =
        ModelConfig.preset("tiny", dataset.trainClasses().size(), vocabulary.size()).toBuilder()
            .optImageSize(64, 32)
            .optMaxLength(16)
            .optDropFraction(0)
            .optTextShift(false)
            .build();
    TbpsModel model = TbpsModel.create(config);
    SameDiff sd = model.sameDiff();
    System.out.printf("tiny dual-path network: %,d parameters%n", model.parameterCount());

    // 3. The objective: cmpm + 0.8 cmpc + 0.2 mam + psw on the two embeddings and the classifier.
    LossMix mix =
        LossMix.builder()
            .add("cmpm", 1.0)
            .add("cmpc", 0.8)
            .add("mam", 0.2, Map.of("m", 4))
            .add("psw", 1.0)
            .build();
    LossInputs inputs =
        LossInputs.builder()
            .setImage(sd.getVariable(GraphNames.IMAGE_EMBEDDING))
            .setText(sd.getVariable(GraphNames.TEXT_EMBEDDING))
            .setIds(sd.getVariable(GraphNames.LABELS))
            .optClassifier(
                sd.getVariable(GraphNames.CLASSIFIER_W), sd.getVariable(GraphNames.CLASSIFIER_B))
            .build();
    LossMix.Variables loss = mix.define(sd, inputs);
    sd.setLossVariables(loss.total());

    // 4. The optimiser, and the mapping of a batch's arrays onto the graph's placeholders.
    sd.setTrainingConfig(model.trainingConfig(new Adam(1e-3)).build());

    List<Double> seconds = new ArrayList<>();
    List<Map<String, INDArray>> seen = new ArrayList<>();
    double before;
    double after;
    try (PkTrainingIterator it = new PkTrainingIterator(dataset, vocabulary, images, batches)) {
      Map<String, INDArray> first = placeholders(model, it.next()); // kept to measure the loss
      before = totalLoss(sd, first);
      it.resetTo(0, 0); // train from the first batch on
      for (int step = 0; step < steps; step++) {
        if (!it.hasNext()) {
          it.reset(); // next epoch
        }
        TrainingBatch b = it.next();
        MultiDataSet trainingBatch = model.trainingBatch(b.images(), b.tokens(), b.labels());
        // the first fit builds the gradient graph and prints a line per op: keep it quiet
        long start = System.nanoTime();
        Quiet.run(() -> sd.fit(trainingBatch));
        seconds.add((System.nanoTime() - start) / 1e9);
        System.out.printf("step %d: %.2f s%n", step, seconds.get(step));
        if (seen.size() < 4) {
          seen.add(placeholders(model, b));
        }
      }
      after = totalLoss(sd, first);
    }
    System.out.printf("loss/total of the first batch: %.4f before, %.4f after%n", before, after);

    // 5. Batch-norm running statistics for inference, then embed a few images and captions.
    BatchNormStatistics.recalibrate(model, seen);
    Embedder embedder = new Embedder(model, 8);
    INDArray embedded = embedder.embedImages(seen.get(0).get(GraphNames.IMAGES)); // [N, D]
    System.out.println("image embeddings: " + Arrays.toString(embedded.shape()));
    return new Result(model.parameterCount(), before, after, seconds, (int) embedded.columns());
  }

  /** A batch of the iterator as the graph's placeholders (images, tokens, labels). */
  private static Map<String, INDArray> placeholders(TbpsModel model, TrainingBatch batch) {
    return model.inputs(batch.images(), batch.tokens(), batch.labels());
  }

  /** {@code loss/total} of one batch: a forward pass of the training outputs. */
  private static double totalLoss(SameDiff sd, Map<String, INDArray> batch) {
    return sd.output(batch, LossNames.TOTAL).get(LossNames.TOTAL).getDouble(0);
  }

  /**
   * Trains the tiny network for 20 steps and prints the loss.
   *
   * @param args optional dataset root (default: 30 generated synthetic people)
   * @throws IOException when the dataset cannot be read
   */
  public static void main(String[] args) throws IOException {
    run(ExampleData.rootFrom(args, 30), 20);
  }
}
