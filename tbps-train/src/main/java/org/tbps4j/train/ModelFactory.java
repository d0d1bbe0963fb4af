package org.tbps4j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.schedule.ISchedule;
import org.tbps4j.data.image.ImageSettings;
import org.tbps4j.data.sample.Seeds;
import org.tbps4j.loss.LossInputs;
import org.tbps4j.loss.LossMix;
import org.tbps4j.loss.LossNames;
import org.tbps4j.model.GraphNames;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.model.layers.TokenFeatureHead;
import org.tbps4j.model.pretrained.PretrainedBackbone;
import org.tbps4j.train.config.TrainConfig;

/**
 * Maps a {@link TrainConfig} onto the model, the loss mix and SameDiff's training configuration
 * (the one {@code from(config)} mapping of this module).
 */
public final class ModelFactory {
  private ModelFactory() {}

  /**
   * The network configuration of a run: the preset's defaults, overridden by what the config sets.
   *
   * @param c the run config
   * @param numClasses training identities
   * @param vocabularySize vocabulary size
   * @return the model config
   */
  public static ModelConfig modelConfig(TrainConfig c, int numClasses, int vocabularySize) {
    TrainConfig.Model m = c.model();
    ModelConfig.Builder b =
        ModelConfig.builder(m.preset())
            .setNumClasses(numClasses)
            .setVocabularySize(vocabularySize)
            .optImageSize(c.imageHeight(), c.imageWidth())
            .optMaxLength(c.maxLength())
            .optEsa(new ModelConfig.EsaConfig(m.esa(), m.esaSets(), m.esaLambda()))
            .optUniqueTokenCapacity(m.uniqueTokenCapacity())
            .optSeed(Seeds.derive(c.seed(), "init"));
    if (m.embeddingDim() != null) {
      b.optEmbeddingDim(m.embeddingDim());
    }
    if (m.textEmbeddingDim() != null) {
      b.optTextEmbeddingSize(m.textEmbeddingDim());
    }
    if (m.dropFraction() != null) {
      b.optDropFraction(m.dropFraction());
    }
    if (m.textShift() != null) {
      b.optTextShift(m.textShift());
    }
    if (m.head() != null) {
      b.optHead(ModelConfig.Head.of(m.head()));
    }
    if (m.textPath() != null) {
      b.optTextPath(ModelConfig.TextPath.of(m.textPath()));
    }
    TrainConfig.Text t = m.text();
    if (t.tower()) {
      // the tower's token features replace the word lookup; the shift augmentation moves token
      // ids and has no meaning for a frozen tower's features
      b.optText(
              ModelConfig.TextEncoder.minilm(
                  TokenFeatureHead.Variant.of(t.head()), t.channels(), t.blocks()))
          .optMaxLength(t.maxLength())
          .optTextShift(false);
    }
    return b.build();
  }

  /**
   * The image preprocessing of a network: its input size ({@code H × W} of the model config, the
   * one source of the size) with the ImageNet normalisation. The trainer stores it as {@code
   * preprocessing.json} in every model it saves; opening a model checks that the two agree.
   *
   * @param model the network configuration
   * @return the preprocessing
   */
  public static ImageSettings imageSettings(ModelConfig model) {
    return ImageSettings.imagenet(model.imageHeight(), model.imageWidth());
  }

  /**
   * The pretrained image backbone a run starts from ({@code model.image.pretrained}), checked
   * against the run: same preset, same input normalisation as the run's images.
   *
   * @param c the run config
   * @param images the run's image preprocessing
   * @return the backbone, or null when the config names none
   * @throws IllegalArgumentException naming {@code model.image.pretrained} and the file when it is
   *     missing, not a backbone file, or does not fit the run
   * @throws IOException on read failure
   */
  public static PretrainedBackbone pretrainedBackbone(TrainConfig c, ImageSettings images)
      throws IOException {
    String p = c.model().pretrained();
    if (p == null) {
      return null;
    }
    Path file = Path.of(p);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "model.image.pretrained: no such file '"
              + p
              + "' (write it with tbps import-backbone --onnx FILE --preset "
              + c.model().preset()
              + " --out "
              + p
              + ")");
    }
    PretrainedBackbone bb;
    try {
      bb = PretrainedBackbone.load(file);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("model.image.pretrained: " + e.getMessage(), e);
    }
    if (!bb.preset().equals(c.model().preset().json())) {
      throw new IllegalArgumentException(
          "model.image.pretrained: "
              + p
              + " holds a "
              + bb.preset()
              + " backbone, model.preset is "
              + c.model().preset());
    }
    if (!bb.normalisationMatches(images.mean(), images.std())) {
      throw new IllegalArgumentException(
          "model.image.pretrained: "
              + p
              + " expects inputs normalised with mean "
              + java.util.Arrays.toString(bb.mean())
              + ", std "
              + java.util.Arrays.toString(bb.std())
              + "; the run normalises with mean "
              + java.util.Arrays.toString(images.mean())
              + ", std "
              + java.util.Arrays.toString(images.std()));
    }
    return bb;
  }

  /**
   * The loss mix of a list of config entries.
   *
   * @param terms (name, weight, params) entries
   * @return the mix
   * @throws IllegalArgumentException for unknown names or parameters (the message lists the valid
   *     ones)
   */
  public static LossMix lossMix(List<TrainConfig.LossTerm> terms) {
    LossMix.Builder b = LossMix.builder();
    for (TrainConfig.LossTerm t : terms) {
      b.add(t.name(), t.weight(), t.params());
    }
    return b.build();
  }

  /**
   * Adds a loss mix to a model's graph and makes its total the graph's loss. With ESA enabled, the
   * similarity the similarity-based losses see is the retrieval score {@code s_global + λ·S_set}.
   *
   * @param model the model
   * @param mix the mix
   * @return the variables added
   */
  public static LossMix.Variables attach(TbpsModel model, LossMix mix) {
    SameDiff sd = model.sameDiff();
    LossInputs.Builder in =
        LossInputs.builder()
            .setImage(sd.getVariable(GraphNames.IMAGE_EMBEDDING))
            .setText(sd.getVariable(GraphNames.TEXT_EMBEDDING))
            .setIds(sd.getVariable(GraphNames.LABELS))
            .optClassifier(
                sd.getVariable(GraphNames.CLASSIFIER_W), sd.getVariable(GraphNames.CLASSIFIER_B));
    if (model.config().esa().enabled()) {
      SDVariable xi = sd.getVariable(GraphNames.IMAGE_EMBEDDING_NORMALIZED);
      SDVariable ti = sd.getVariable(GraphNames.TEXT_EMBEDDING_NORMALIZED);
      SDVariable global = sd.mmul(xi, ti, false, true, false);
      SDVariable combined =
          global.add(
              "similarity/combined",
              sd.getVariable(GraphNames.ESA_SIMILARITY).mul(model.config().esa().lambda()));
      in.optSimilarity(combined);
    }
    LossMix.Variables v = mix.define(sd, in.build());
    sd.setLossVariables(v.total());
    return v;
  }

  /**
   * The weight of every term of a mix by its graph variable name ({@code loss/<name>}).
   *
   * @param mix the mix
   * @return variable name → weight, in mix order
   */
  public static Map<String, Double> termWeights(LossMix mix) {
    Map<String, Double> w = new LinkedHashMap<>();
    for (LossMix.Term t : mix.terms()) {
      w.put(LossNames.of(t.loss().name()), t.weight());
    }
    return w;
  }

  /**
   * SameDiff's training configuration: optimiser with the run's schedule, weight decay, and the
   * placeholder mapping of the model's batches.
   *
   * @param c the run config
   * @param model the model
   * @param schedule the learning-rate schedule
   * @param iteration the run's current step (the schedule and the per-step seeds continue from it)
   * @return the training config
   */
  public static TrainingConfig trainingConfig(
      TrainConfig c, TbpsModel model, ISchedule schedule, long iteration) {
    TrainConfig.Optimizer o = c.optimizer();
    IUpdater updater =
        switch (o.type()) {
          case ADAM ->
              Adam.builder()
                  .learningRateSchedule(schedule)
                  .beta1(o.beta1())
                  .beta2(o.beta2())
                  .epsilon(o.epsilon())
                  .build();
          case SGD -> o.nesterov() ? new Nesterovs(schedule, o.momentum()) : new Sgd(schedule);
        };
    TrainingConfig.Builder b = model.trainingConfig(updater);
    if (o.weightDecay() > 0) {
      b.weightDecay(o.weightDecay(), true);
    }
    TrainingConfig tc = b.build();
    tc.setIterationCount(Math.toIntExact(iteration));
    return tc;
  }

  /**
   * Copies every weight and batch-norm statistic of {@code from} into the same-named, same-shaped
   * variables and constants of {@code to} (stage switches rebuild the graph with a new loss mix);
   * loss constants ({@code loss/...}) keep the new graph's values.
   *
   * @param from the previous stage's graph
   * @param to the new graph
   * @return number of arrays copied
   */
  public static int copyWeights(SameDiff from, SameDiff to) {
    int n = 0;
    for (SDVariable v : to.variables()) {
      VariableType t = v.getVariableType();
      if ((t != VariableType.VARIABLE && t != VariableType.CONSTANT)
          || !from.hasVariable(v.name())) {
        continue;
      }
      if (v.name().startsWith("loss/")) {
        continue; // the new stage's own loss hyperparameters
      }
      INDArray src = from.getArrForVarName(v.name());
      INDArray dst = v.getArr();
      if (src != null && dst != null && java.util.Arrays.equals(src.shape(), dst.shape())) {
        dst.assign(src);
        n++;
      }
    }
    return n;
  }
}
