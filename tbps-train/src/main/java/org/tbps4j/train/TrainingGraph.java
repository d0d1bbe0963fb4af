package org.tbps4j.train;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.nd4j.linalg.schedule.ISchedule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tbps4j.data.sample.Seeds;
import org.tbps4j.loss.LossMix;
import org.tbps4j.loss.LossNames;
import org.tbps4j.model.ModelAttachments;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.model.pretrained.PretrainedBackbone;
import org.tbps4j.train.config.TrainConfig;
import org.tbps4j.train.listeners.LossTermsListener;

/**
 * The graph one training stage fits: the model of the run's {@link ModelConfig}, its weights from
 * the previous stage's graph (or the pretrained image backbone at the first stage), the run's
 * metadata attachments, the stage's loss mix as the graph's loss, the image backbone frozen when
 * the stage says so, and SameDiff's training configuration (optimiser, schedule, weight decay).
 * This is the one place that assembles a trainable graph: the trainer at every stage switch, the
 * training benchmark and the dashboard benchmark all call {@link #build}.
 *
 * <p>Data flow of one build: {@code ModelConfig → TbpsModel.create → copy weights (previous) or
 * pretrained backbone → metadata → LossMix.define → freeze → TrainingConfig}.
 */
public final class TrainingGraph {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingGraph.class);

  /**
   * Everything a stage's graph is made of except the stage.
   *
   * @param config the run config (loss mixes, optimiser, seed)
   * @param model the network configuration
   * @param schedule the learning-rate schedule over the whole run
   * @param pretrained the image backbone the first stage starts from, or null
   * @param metadata writes the run's attachments (vocabulary, classes, …) into a new model; may do
   *     nothing
   */
  public record Recipe(
      TrainConfig config,
      ModelConfig model,
      ISchedule schedule,
      PretrainedBackbone pretrained,
      Consumer<TbpsModel> metadata) {}

  private final TbpsModel model;
  private final LossMix mix;
  private final LossTermsListener terms;

  private TrainingGraph(TbpsModel model, LossMix mix, long seed) {
    this.model = model;
    this.mix = mix;
    this.terms = new LossTermsListener(ModelFactory.termWeights(mix), Seeds.derive(seed, "step"));
  }

  /**
   * Builds the graph of a stage.
   *
   * @param recipe the run's pieces
   * @param stage the stage (its loss mix, or the config's top-level one, and {@code freeze_image})
   * @param previous the previous stage's model, whose weights and batch-norm statistics are copied
   *     and which is then closed; null at the first stage
   * @param iteration the run's current step (the schedule continues from it)
   * @return the graph, ready for {@code fit}
   * @throws IllegalArgumentException for unknown loss names or parameters, or a pretrained backbone
   *     that does not fit the model
   */
  public static TrainingGraph build(
      Recipe recipe, TrainConfig.Stage stage, TbpsModel previous, long iteration) {
    TrainConfig config = recipe.config();
    LossMix mix = ModelFactory.lossMix(config.lossOf(stage));
    TbpsModel model = TbpsModel.create(recipe.model());
    byte[] backbone = null;
    if (previous != null) {
      int n = ModelFactory.copyWeights(previous.sameDiff(), model.sameDiff());
      LOG.debug("copied {} arrays into the graph of stage '{}'", n, stage.name());
      backbone = previous.attachment(ModelAttachments.BACKBONE).orElse(null);
      previous.close(); // its native memory now, not at some later GC
    } else if (recipe.pretrained() != null) {
      PretrainedBackbone pretrained = recipe.pretrained();
      int n =
          pretrained.applyTo(model, "model.image.pretrained (" + config.model().pretrained() + ")");
      LOG.info(
          "image backbone from {} ({} arrays, {} parameters, from {})",
          config.model().pretrained(),
          n,
          pretrained.parameterCount(),
          pretrained.source());
      backbone = pretrained.metadata(false).toString().getBytes(StandardCharsets.UTF_8);
    }
    if (recipe.metadata() != null) {
      recipe.metadata().accept(model);
    }
    if (backbone != null) {
      model.putAttachment(ModelAttachments.BACKBONE, backbone);
    }
    ModelFactory.attach(model, mix);
    if (stage.freezeImage()) {
      model.freezeImageBackbone();
    }
    model
        .sameDiff()
        .setTrainingConfig(
            ModelFactory.trainingConfig(config, model, recipe.schedule(), iteration));
    return new TrainingGraph(model, mix, config.seed());
  }

  /**
   * The graph of a stage restored from a checkpoint (which holds the loss, the frozen backbone and
   * the optimiser state already): makes the stage's total the loss and adds the loss-term listener.
   *
   * @param config the run config
   * @param stage the checkpoint's stage
   * @param model the model loaded with its training state
   * @return the graph
   */
  public static TrainingGraph restored(
      TrainConfig config, TrainConfig.Stage stage, TbpsModel model) {
    LossMix mix = ModelFactory.lossMix(config.lossOf(stage));
    model.sameDiff().setLossVariables(LossNames.TOTAL);
    return new TrainingGraph(model, mix, config.seed());
  }

  /**
   * The model.
   *
   * @return the model whose graph holds the loss
   */
  public TbpsModel model() {
    return model;
  }

  /**
   * The stage's loss mix.
   *
   * @return the mix
   */
  public LossMix mix() {
    return mix;
  }

  /**
   * The listener passed to every {@code fit} step: seeds the graph's random ops by step and reads
   * the loss terms (seeded from the config's seed, component {@code step}).
   *
   * @return the loss-term listener
   */
  public LossTermsListener terms() {
    return terms;
  }
}
