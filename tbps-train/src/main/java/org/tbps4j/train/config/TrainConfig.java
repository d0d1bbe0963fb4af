package org.tbps4j.train.config;

import static org.tbps4j.train.config.Checks.fraction;
import static org.tbps4j.train.config.Checks.nonNegative;
import static org.tbps4j.train.config.Checks.oneOf;
import static org.tbps4j.train.config.Checks.positive;
import static org.tbps4j.train.config.Checks.required;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tbps4j.data.DatasetFormat;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.train.schedule.WarmupSchedule;

/**
 * A complete training run: data, model, loss mix, optimiser, schedule, stages, evaluation and
 * checkpointing. Every section is a record validated in its constructor (missing optional values
 * get the documented defaults); load it with {@link ConfigLoader}, which rejects unknown keys.
 *
 * <p>YAML keys are snake_case versions of the component names ({@code image_height}, {@code
 * drop_fraction}, ...).
 *
 * @param name a label for the run (reports, run directory name)
 * @param description free text: where the recipe comes from and how it deviates
 * @param seed master seed; components derive their own seeds from it
 * @param data the dataset and batching
 * @param model the network
 * @param loss the default loss mix (stages may override it)
 * @param optimizer the optimiser
 * @param schedule the learning-rate schedule
 * @param stages training stages, run in order
 * @param eval validation/test evaluation
 * @param checkpoint checkpointing
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainConfig(
    String name,
    String description,
    Long seed,
    Data data,
    Model model,
    List<LossTerm> loss,
    Optimizer optimizer,
    Schedule schedule,
    List<Stage> stages,
    Eval eval,
    Checkpoint checkpoint) {

  /** Validates and fills defaults. */
  public TrainConfig {
    name = name == null ? "run" : name;
    description = description == null ? "" : description;
    seed = seed == null ? 42L : seed;
    data = required("data", data);
    model =
        model == null
            ? new Model(
                null, null, null, null, null, null, null, null, null, null, null, null, null)
            : model;
    optimizer =
        optimizer == null
            ? new Optimizer(null, null, null, null, null, null, null, null)
            : optimizer;
    schedule = schedule == null ? new Schedule(null, null, null, null, null, null, null) : schedule;
    eval = eval == null ? new Eval(null, null, null, null) : eval;
    checkpoint = checkpoint == null ? new Checkpoint(null, null) : checkpoint;
    loss = loss == null ? List.of() : List.copyOf(loss);
    // the sizes the run trains at: the data section's where it gives them, else the preset's
    ModelConfig sizes = model.preset().config(1, 2);
    int height = data.imageHeight() != null ? data.imageHeight() : sizes.imageHeight();
    int width = data.imageWidth() != null ? data.imageWidth() : sizes.imageWidth();
    Data.checkBatchFloats(height, width, data.p(), data.k());
    long evalFloats = 3L * eval.batchSize() * height * width;
    if (evalFloats > Checks.MAX_ARRAY) {
      throw new IllegalArgumentException(
          "eval.batch_size × 3 × data.image_height × data.image_width = "
              + evalFloats
              + " floats per embedding batch is above "
              + Checks.MAX_ARRAY
              + " (one Java array): lower eval.batch_size");
    }
    if (stages == null || stages.isEmpty()) {
      throw new IllegalArgumentException("stages: at least one stage is required");
    }
    stages = List.copyOf(stages);
    for (int i = 0; i < stages.size(); i++) {
      if (stages.get(i).loss() == null && loss.isEmpty()) {
        throw new IllegalArgumentException(
            "stages["
                + i
                + "] ("
                + stages.get(i).name()
                + ") has no loss and there is no top-level loss");
      }
    }
  }

  /**
   * A copy with another dataset root, set on the record (never parsed as text, so any folder name
   * is taken as it is).
   *
   * @param root the dataset root
   * @return the copy
   */
  public TrainConfig withDataRoot(String root) {
    return new TrainConfig(
        name,
        description,
        seed,
        data.withRoot(root),
        model,
        loss,
        optimizer,
        schedule,
        stages,
        eval,
        checkpoint);
  }

  /**
   * A copy with another master seed.
   *
   * @param newSeed the seed
   * @return the copy
   */
  public TrainConfig withSeed(long newSeed) {
    return new TrainConfig(
        name,
        description,
        newSeed,
        data,
        model,
        loss,
        optimizer,
        schedule,
        stages,
        eval,
        checkpoint);
  }

  /**
   * The loss mix of a stage: its own list, or the top-level one.
   *
   * @param stage the stage
   * @return the (loss, weight, params) entries
   */
  public List<LossTerm> lossOf(Stage stage) {
    return stage.loss() != null ? stage.loss() : loss;
  }

  /**
   * Total number of epochs over all stages.
   *
   * @return the sum of the stages' epochs
   */
  public int totalEpochs() {
    return stages.stream().mapToInt(Stage::epochs).sum();
  }

  /**
   * The image height the run trains at: {@code data.image_height} when the config gives it, else
   * the model preset's (the one place the two are combined; the network and its image preprocessing
   * take theirs from the model config built on it).
   *
   * @return {@code H} in pixels
   */
  public int imageHeight() {
    return data.imageHeight() != null ? data.imageHeight() : presetSizes().imageHeight();
  }

  /**
   * The image width the run trains at: {@code data.image_width} when given, else the preset's.
   *
   * @return {@code W} in pixels
   */
  public int imageWidth() {
    return data.imageWidth() != null ? data.imageWidth() : presetSizes().imageWidth();
  }

  /**
   * The word path's token length: {@code data.max_length} when given, else the preset's (a
   * pretrained tower has its own, {@code model.text.max_length}).
   *
   * @return {@code L}
   */
  public int maxLength() {
    return data.maxLength() != null ? data.maxLength() : presetSizes().maxLength();
  }

  private ModelConfig presetSizes() {
    return model.preset().config(1, 2);
  }

  /**
   * Dataset, preprocessing and batching.
   *
   * @param format {@code cuhk-pedes} (default), {@code icfg-pedes} or {@code rstpreid} (the loader
   *     parses the name; another one is refused naming the file, line and valid names)
   * @param root dataset root (relative paths are resolved against the working directory)
   * @param annotations annotation file name inside root (default: the format's usual name)
   * @param imageHeight input height in pixels; null (left out): the model preset's
   * @param imageWidth input width in pixels; null (left out): the model preset's
   * @param maxLength tokens per caption (truncate/pad); null (left out): the model preset's
   * @param minWordCount vocabulary minimum count on the train split
   * @param p identities per batch
   * @param k samples per identity
   * @param similarIdentities 0 (default): the P identities of a batch are drawn at random; N &gt;
   *     0: each batch's first identity takes its companions from its N most similar identities by
   *     caption TF-IDF (hard negatives; {@code PkSampler#similarIdentities})
   * @param flip random horizontal flip in training
   * @param padCrop pad-and-random-crop margin in pixels (0 = off)
   * @param workers decoding threads of the training iterator
   * @param skipBadImages skip unreadable images (counted) instead of refusing to train
   * @param lenient skip malformed entries (counted) instead of failing
   * @param imageCheck how the images are checked before training: {@code none}, {@code exists},
   *     {@code header} (default: the header is read) or {@code decode} (every image decoded up
   *     front, a hard check; with {@code skip_bad_images} the undecodable ones are dropped). An
   *     image that fails to decode during training is skipped with a warning and counted in {@code
   *     run.json}
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Data(
      DatasetFormat format,
      String root,
      String annotations,
      Integer imageHeight,
      Integer imageWidth,
      Integer maxLength,
      Integer minWordCount,
      Integer p,
      Integer k,
      Integer similarIdentities,
      Boolean flip,
      Integer padCrop,
      Integer workers,
      Boolean skipBadImages,
      Boolean lenient,
      String imageCheck) {
    /** Validates and fills defaults. */
    public Data {
      format = format == null ? DatasetFormat.CUHK_PEDES : format;
      root = required("data.root", root);
      // sizes left out stay null: they come from the model preset (TrainConfig#imageHeight and
      // the others), so that a config changed later, by --set or a sweep, follows its preset
      if (imageHeight != null) {
        Checks.atMost(
            "data.image_height",
            positive("data.image_height", imageHeight, 0),
            Checks.MAX_IMAGE_SIDE);
      }
      if (imageWidth != null) {
        Checks.atMost(
            "data.image_width", positive("data.image_width", imageWidth, 0), Checks.MAX_IMAGE_SIDE);
      }
      if (maxLength != null) {
        Checks.atMost("data.max_length", positive("data.max_length", maxLength, 0), 4096);
      }
      minWordCount = positive("data.min_word_count", minWordCount, 3);
      p = positive("data.p", p, 16);
      k = positive("data.k", k, 4);
      if (p < 2) {
        throw new IllegalArgumentException(
            "data.p must be >= 2 (losses with negatives need at least two identities per batch), got "
                + p);
      }
      if ((long) p * k > Checks.MAX_BATCH) {
        throw new IllegalArgumentException(
            "data.p × data.k = "
                + ((long) p * k)
                + " images per batch is above the limit of "
                + Checks.MAX_BATCH);
      }
      if (imageHeight != null && imageWidth != null) {
        checkBatchFloats(imageHeight, imageWidth, p, k);
      }
      similarIdentities = nonNegative("data.similar_identities", similarIdentities, 0);
      flip = flip == null || flip;
      padCrop = nonNegative("data.pad_crop", padCrop, 0);
      workers = Checks.atMost("data.workers", positive("data.workers", workers, 2), 256);
      skipBadImages = skipBadImages != null && skipBadImages;
      lenient = lenient != null && lenient;
      imageCheck =
          oneOf(
              "data.image_check",
              imageCheck,
              "header",
              List.of("none", "exists", "header", "decode"));
    }

    /**
     * A copy with another root.
     *
     * @param newRoot the dataset root
     * @return the copy
     */
    public Data withRoot(String newRoot) {
      return new Data(
          format,
          newRoot,
          annotations,
          imageHeight,
          imageWidth,
          maxLength,
          minWordCount,
          p,
          k,
          similarIdentities,
          flip,
          padCrop,
          workers,
          skipBadImages,
          lenient,
          imageCheck);
    }

    /**
     * Batch size {@code P × K}.
     *
     * @return images per batch
     */
    public int batchSize() {
      return p * k;
    }

    /**
     * This section with every size set: what a run's data side reads (the iterator's token length),
     * never written back into a config. The sizes come from {@link TrainConfig#imageHeight()},
     * {@link TrainConfig#imageWidth()} and {@link TrainConfig#maxLength()}.
     *
     * @param height {@code H}
     * @param width {@code W}
     * @param length {@code L}
     * @return a copy with the three sizes set
     */
    public Data withSizes(int height, int width, int length) {
      return new Data(
          format,
          root,
          annotations,
          height,
          width,
          length,
          minWordCount,
          p,
          k,
          similarIdentities,
          flip,
          padCrop,
          workers,
          skipBadImages,
          lenient,
          imageCheck);
    }

    /** One training batch's images must fit one Java array. */
    static void checkBatchFloats(int height, int width, int p, int k) {
      long floats = 3L * height * width * p * k;
      if (floats > Checks.MAX_ARRAY) {
        throw new IllegalArgumentException(
            "3 × data.image_height × data.image_width × data.p × data.k = "
                + floats
                + " floats per training batch is above "
                + Checks.MAX_ARRAY
                + " (one Java array): lower the image size or the batch");
      }
    }
  }

  /**
   * The dual-path network. Values left out take the preset's defaults (see {@code
   * ModelConfig.preset}).
   *
   * @param preset {@code micro} (tests), {@code tiny} (default), {@code resnet18} or {@code
   *     resnet50}: the architecture, and the image size and token length the data section leaves
   *     out
   * @param embeddingDim shared embedding size D
   * @param textEmbeddingDim word embedding size E
   * @param dropFraction fraction of activations DROPPED in the heads (0.8 drops 80%)
   * @param textShift place the sentence at a random offset in the padded length (training only)
   * @param esa ESA set head on/off
   * @param esaSets number of embedding sets M
   * @param esaLambda weight λ of the set similarity in the retrieval score
   * @param uniqueTokenCapacity 0 = one-hot lookup over the vocabulary; U &gt; 0 = two-step lookup
   *     over at most U distinct tokens per batch
   * @param head {@code bn} (dense → batch-norm) or {@code projection} (dense → BN → ReLU → dropout
   *     → dense); default: the preset's
   * @param textPath {@code conv} (kernel-3 residual CNN) or {@code bottleneck} (the Dual-Path
   *     paper's strided CNN); default: the preset's
   * @param image the image path's starting point ({@code model.image.pretrained})
   * @param text what reads the captions ({@link Text}); default: the word path
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Model(
      ModelConfig.Preset preset,
      Integer embeddingDim,
      Integer textEmbeddingDim,
      Double dropFraction,
      Boolean textShift,
      Boolean esa,
      Integer esaSets,
      Double esaLambda,
      Integer uniqueTokenCapacity,
      String head,
      String textPath,
      Image image,
      Text text) {
    /** Validates; preset-dependent values stay null until mapped onto the preset. */
    public Model {
      text = text == null ? new Text(null, null, null, null, null, null, null, null) : text;
      preset = preset == null ? ModelConfig.Preset.TINY : preset;
      if (embeddingDim != null) {
        positive("model.embedding_dim", embeddingDim, 0);
      }
      if (textEmbeddingDim != null) {
        positive("model.text_embedding_dim", textEmbeddingDim, 0);
      }
      if (dropFraction != null) {
        fraction("model.drop_fraction", dropFraction, 0);
      }
      esa = esa != null && esa;
      esaSets = positive("model.esa_sets", esaSets, 4);
      if (esaSets < 2) {
        throw new IllegalArgumentException("model.esa_sets must be >= 2, got " + esaSets);
      }
      esaLambda = nonNegative("model.esa_lambda", esaLambda, 1.0);
      uniqueTokenCapacity = nonNegative("model.unique_token_capacity", uniqueTokenCapacity, 0);
      if (head != null) {
        head = oneOf("model.head", head, null, List.of("bn", "projection"));
      }
      if (textPath != null) {
        textPath = oneOf("model.text_path", textPath, null, List.of("conv", "bottleneck"));
      }
      if (image != null && image.pretrained() != null) {
        if (preset != ModelConfig.Preset.RESNET18 && preset != ModelConfig.Preset.RESNET50) {
          throw new IllegalArgumentException(
              "model.image.pretrained needs preset resnet18 or resnet50 (torchvision's layouts),"
                  + " got preset '"
                  + preset
                  + "'");
        }
      }
    }

    /**
     * The pretrained backbone file, if any.
     *
     * @return the path text of {@code model.image.pretrained}, or null
     */
    public String pretrained() {
      return image == null ? null : image.pretrained();
    }
  }

  /**
   * The image path's settings.
   *
   * @param pretrained a backbone file written by {@code tbps import-backbone} (ImageNet weights
   *     from ONNX) whose weights and batch-norm statistics the image backbone starts from; null =
   *     random initialisation. Relative paths are resolved against the working directory.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Image(String pretrained) {
    /** Validates. */
    public Image {
      if (pretrained != null && pretrained.isBlank()) {
        throw new IllegalArgumentException("model.image.pretrained: empty path");
      }
    }
  }

  /**
   * The caption reader (docs/text-encoder.md): the word path learnt from scratch, or a frozen
   * pretrained tower with a trainable head on its token features.
   *
   * @param encoder {@code words} (default: word lookup + the text CNN of {@code text_path}) or
   *     {@code minilm-l6} (all-MiniLM-L6-v2 through ONNX Runtime, frozen, features cached per
   *     caption under the dataset's {@code .tbps-cache/})
   * @param head the tower's head: {@code cnn-attention} (default) or {@code mean-mlp}
   * @param channels the head's width C (default 256)
   * @param blocks residual blocks of the cnn-attention head (default 1)
   * @param maxLength the tower's truncation length in WordPiece ids, {@code [CLS]}/{@code [SEP]}
   *     included (default 64; 2..128); the word path keeps {@code data.max_length}
   * @param onnx another ONNX file of the same model (default: the one inside the Maven artifact)
   * @param tokenizer another {@code tokenizer.json} (default: the one inside the Maven artifact)
   * @param threads ONNX Runtime threads while computing features (default 1)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Text(
      String encoder,
      String head,
      Integer channels,
      Integer blocks,
      Integer maxLength,
      String onnx,
      String tokenizer,
      Integer threads) {
    /** Validates and fills defaults. */
    public Text {
      encoder = oneOf("model.text.encoder", encoder, "words", List.of("words", "minilm-l6"));
      head = oneOf("model.text.head", head, "cnn-attention", List.of("cnn-attention", "mean-mlp"));
      channels = positive("model.text.channels", channels, 256);
      blocks = nonNegative("model.text.blocks", blocks, 1);
      maxLength = positive("model.text.max_length", maxLength, 64);
      if (maxLength < 2 || maxLength > 128) {
        throw new IllegalArgumentException(
            "model.text.max_length must be in [2, 128] (the tower's limit), got " + maxLength);
      }
      threads = positive("model.text.threads", threads, 1);
    }

    /**
     * Whether a pretrained tower reads the captions.
     *
     * @return false for {@code words}
     */
    public boolean tower() {
      return !"words".equals(encoder);
    }
  }

  /**
   * One entry of a loss mix.
   *
   * @param name a registered loss name (instance, ranking, cmpm, cmpc, mam, psw, sn, asm, sdm)
   * @param weight its weight in the total
   * @param params its hyperparameters by their docs/losses.md name (margin, m, alpha, ...)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record LossTerm(String name, Double weight, Map<String, Object> params) {
    /** Validates and fills defaults. */
    public LossTerm {
      name = required("loss.name", name);
      weight = nonNegative("loss[" + name + "].weight", weight, 1.0);
      params =
          params == null
              ? Map.of()
              : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }
  }

  /**
   * The optimiser.
   *
   * @param type {@code adam} (default) or {@code sgd} (SGD with momentum, optionally Nesterov)
   * @param lr base learning rate
   * @param weightDecay decoupled weight decay coefficient (0 = off)
   * @param beta1 Adam β1
   * @param beta2 Adam β2
   * @param epsilon Adam ε
   * @param momentum SGD momentum
   * @param nesterov SGD Nesterov momentum
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Optimizer(
      Optimizer.Type type,
      Double lr,
      Double weightDecay,
      Double beta1,
      Double beta2,
      Double epsilon,
      Double momentum,
      Boolean nesterov) {
    /** Validates and fills defaults. */
    public Optimizer {
      type = type == null ? Type.ADAM : type;
      lr = positive("optimizer.lr", lr, 1e-3);
      weightDecay = nonNegative("optimizer.weight_decay", weightDecay, 0.0);
      beta1 = fraction("optimizer.beta1", beta1, 0.9);
      beta2 = fraction("optimizer.beta2", beta2, 0.999);
      epsilon = positive("optimizer.epsilon", epsilon, 1e-8);
      momentum = fraction("optimizer.momentum", momentum, 0.9);
      nesterov = nesterov == null || nesterov;
    }

    /** The optimiser kinds, by their config names. */
    public enum Type {
      /** Adam (β1, β2, ε). */
      ADAM("adam"),
      /** SGD with momentum, Nesterov's when {@code nesterov} is set. */
      SGD("sgd");

      private final String json;

      Type(String json) {
        this.json = json;
      }

      /**
       * The config name.
       *
       * @return {@code adam} or {@code sgd}
       */
      public String json() {
        return json;
      }

      @Override
      public String toString() {
        return json;
      }
    }
  }

  /**
   * The learning-rate schedule over the whole run (all stages), in epochs.
   *
   * @param type {@code cosine} (default), {@code step} or {@code constant} (the decay after
   *     warm-up, {@link WarmupSchedule.Kind})
   * @param warmupEpochs linear warm-up from 0 (may be fractional)
   * @param minLr cosine floor
   * @param milestones step: epochs at which the rate is multiplied by gamma
   * @param gamma step factor
   * @param followBudget when the run has a time budget ({@code --max-minutes}, the quickstart's
   *     minutes), warm up over {@code warmup_fraction} of it and decay (cosine) or hold (constant)
   *     until its end, by elapsed time instead of by epochs (default true; {@code step} schedules
   *     always count epochs)
   * @param warmupFraction warm-up share of a time budget (default 0.03)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Schedule(
      WarmupSchedule.Kind type,
      Double warmupEpochs,
      Double minLr,
      List<Double> milestones,
      Double gamma,
      Boolean followBudget,
      Double warmupFraction) {
    /** Validates and fills defaults. */
    public Schedule {
      followBudget = followBudget == null || followBudget;
      warmupFraction = nonNegative("schedule.warmup_fraction", warmupFraction, 0.03);
      if (warmupFraction >= 1) {
        throw new IllegalArgumentException(
            "schedule.warmup_fraction must be < 1, got " + warmupFraction);
      }
      type = type == null ? WarmupSchedule.Kind.COSINE : type;
      warmupEpochs = nonNegative("schedule.warmup_epochs", warmupEpochs, 0.0);
      minLr = nonNegative("schedule.min_lr", minLr, 0.0);
      milestones = milestones == null ? List.of() : List.copyOf(milestones);
      gamma = positive("schedule.gamma", gamma, 0.1);
      double prev = 0;
      for (double m : milestones) {
        if (!(m > prev)) {
          throw new IllegalArgumentException(
              "schedule.milestones must be increasing positive epochs, got " + milestones);
        }
        prev = m;
      }
    }
  }

  /**
   * A training stage.
   *
   * @param name label (e.g. {@code stage1}, {@code joint})
   * @param epochs epochs in this stage
   * @param freezeImage hold the image path's parameters constant (Dual-Path stage I)
   * @param loss the stage's loss mix, or null for the top-level one
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Stage(String name, Integer epochs, Boolean freezeImage, List<LossTerm> loss) {
    /** Validates and fills defaults. */
    public Stage {
      name = name == null ? "train" : name;
      epochs = positive("stages[" + name + "].epochs", epochs, 1);
      freezeImage = freezeImage != null && freezeImage;
      loss = loss == null ? null : List.copyOf(loss);
    }
  }

  /**
   * Evaluation during and after training.
   *
   * @param intervalEpochs validate every this many epochs (0 = only at the end of each stage)
   * @param batchSize embedding batch size
   * @param chunk queries per scoring chunk
   * @param valQueries cap on validation queries per evaluation (0 = all): a deterministic subset
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Eval(Double intervalEpochs, Integer batchSize, Integer chunk, Integer valQueries) {
    /** Validates and fills defaults. */
    public Eval {
      intervalEpochs = nonNegative("eval.interval_epochs", intervalEpochs, 1.0);
      batchSize =
          Checks.atMost("eval.batch_size", positive("eval.batch_size", batchSize, 128), 65536);
      chunk = Checks.atMost("eval.chunk", positive("eval.chunk", chunk, 1024), 65536);
      valQueries = nonNegative("eval.val_queries", valQueries, 0);
    }
  }

  /**
   * Checkpointing.
   *
   * @param everyIterations write a checkpoint every N iterations (0 = only at epoch ends)
   * @param keepLast how many recent checkpoints to keep (the best is always kept too)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Checkpoint(Integer everyIterations, Integer keepLast) {
    /** Validates and fills defaults. */
    public Checkpoint {
      everyIterations = nonNegative("checkpoint.every_iterations", everyIterations, 0);
      keepLast = positive("checkpoint.keep_last", keepLast, 2);
    }
  }
}
