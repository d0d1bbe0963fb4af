package org.tbps4j.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.tbps4j.model.layers.TokenFeatureHead;

/**
 * Configuration of a dual-path network: preset (architecture widths), input sizes, embedding size,
 * classes, vocabulary, dropout, ESA head, text shift augmentation and seed. Validated in the
 * constructor; JSON round trip with {@link #toJson()} / {@link #fromJson(String)} (unknown keys are
 * rejected).
 *
 * @param preset architecture: {@code micro} (tests and fixtures only, a few thousand parameters),
 *     {@code tiny} (~1.5 M parameters, quickstart), {@code resnet18}, {@code resnet50} (paper
 *     scale)
 * @param imageHeight image height {@code H} in pixels, {@code >= 8}
 * @param imageWidth image width {@code W} in pixels, {@code >= 8}
 * @param embeddingDim embedding size {@code D} of both paths
 * @param numClasses number of training identities {@code C} (rows of the shared classifier's
 *     output)
 * @param vocabularySize vocabulary size {@code V} including PAD (0) and UNK (1)
 * @param maxLength padded token length {@code L}, {@code >= 2}
 * @param textEmbeddingSize word embedding size {@code E} (300 in the paper)
 * @param dropFraction fraction of the head's activations DROPPED in training, in {@code [0, 1)}
 *     (the paper's 0.8 drops 80%; note DL4J's {@code dropOut(p)} takes the retain probability)
 * @param esa the embedding-set-alignment head
 * @param textShift whether training places each sentence at a random offset inside the padded
 *     length (tbps-data's {@code TokenShift}, applied by the training iterator); never at inference
 * @param uniqueTokenCapacity 0 = one-hot lookup of every token ({@code [N·L, V] × [V, E]}); {@code
 *     U > 0} = two-step lookup over at most {@code U} distinct ids per batch ({@code [U, V] × [V,
 *     E]} then {@code [N·L, U] × [U, E]}), cheaper when {@code U ≪ V}; see {@link TokenInputs}
 * @param head how each path ends in the shared space ({@link Head})
 * @param textPath the text path's layout after the word lookup ({@link TextPath})
 * @param imagePadding where the image path's strided convolutions and the stem's pooling pad
 *     ({@link ImagePadding})
 * @param text what reads the captions: the word lookup and CNN ({@code words}, the papers'
 *     from-scratch path) or a frozen pretrained tower's token features and a trainable head ({@link
 *     TextEncoder})
 * @param seed seed of the weight initialisation
 */
public record ModelConfig(
    String preset,
    int imageHeight,
    int imageWidth,
    int embeddingDim,
    int numClasses,
    int vocabularySize,
    int maxLength,
    int textEmbeddingSize,
    double dropFraction,
    EsaConfig esa,
    boolean textShift,
    int uniqueTokenCapacity,
    Head head,
    TextPath textPath,
    ImagePadding imagePadding,
    TextEncoder text,
    long seed) {

  /**
   * How each path ends in the shared embedding space (docs/models.md, "Heads").
   *
   * <ul>
   *   <li>{@code bn}: dense {@code [C_feat, D]} → batch-norm; the embedding is the batch-norm's
   *       output (no ReLU, dropout or projection after it). Learns several times faster in short
   *       runs (BENCHMARKS.md, "Network design").
   *   <li>{@code projection}: dense → batch-norm → ReLU → dropout → dense {@code [D, D]} + bias
   *       (the first design; saved models without a {@code head} field have it).
   * </ul>
   */
  public enum Head {
    /** dense → batch-norm. */
    BN("bn"),
    /** dense → batch-norm → ReLU → dropout → dense + bias. */
    PROJECTION("projection");

    private final String json;

    Head(String json) {
      this.json = json;
    }

    /**
     * The config name.
     *
     * @return {@code bn} or {@code projection}
     */
    @JsonValue
    public String json() {
      return json;
    }

    /**
     * Parses a config name.
     *
     * @param name {@code bn} or {@code projection}
     * @return the head
     * @throws IllegalArgumentException for another name (the message lists the valid ones)
     */
    @JsonCreator
    public static Head of(String name) {
      for (Head h : values()) {
        if (h.json.equals(name)) {
          return h;
        }
      }
      throw new IllegalArgumentException(
          "head: unknown head '" + name + "' (valid: bn, projection)");
    }
  }

  /**
   * The text path after the word lookup (docs/models.md, "Text path").
   *
   * <ul>
   *   <li>{@code conv}: 1-D convolution, kernel 3 (with bias) → ReLU, then residual blocks of two
   *       kernel-3 convolutions, full length (no strides), padding masked out of the max over time;
   *   <li>{@code bottleneck}: the Dual-Path paper's layout: batch-norm of the word vectors, a 1×1
   *       stem, bottleneck blocks with kernel-2 middle convolutions and strided stages (saved
   *       models without a {@code textPath} field have it).
   * </ul>
   */
  public enum TextPath {
    /** Kernel-3 residual CNN, full length. */
    CONV("conv"),
    /** The paper's strided bottleneck CNN. */
    BOTTLENECK("bottleneck");

    private final String json;

    TextPath(String json) {
      this.json = json;
    }

    /**
     * The config name.
     *
     * @return {@code conv} or {@code bottleneck}
     */
    @JsonValue
    public String json() {
      return json;
    }

    /**
     * Parses a config name.
     *
     * @param name {@code conv} or {@code bottleneck}
     * @return the text path
     * @throws IllegalArgumentException for another name (the message lists the valid ones)
     */
    @JsonCreator
    public static TextPath of(String name) {
      for (TextPath t : values()) {
        if (t.json.equals(name)) {
          return t;
        }
      }
      throw new IllegalArgumentException(
          "text_path: unknown text path '" + name + "' (valid: conv, bottleneck)");
    }
  }

  /**
   * Where the image path's strided convolutions and the stem's max pooling put their padding
   * (docs/models.md, "Pretrained image backbones"). The output sizes are the same ({@code
   * ceil(H/s)}); the windows are not aligned the same on even sizes.
   *
   * <ul>
   *   <li>{@code same}: SAME padding (the extra row/column at the bottom/right, none at the top of
   *       a stride-2 3×3 window on an even size); saved models without an {@code imagePadding}
   *       field have it, and so do {@code micro} and {@code tiny}.
   *   <li>{@code torchvision}: symmetric padding {@code (k − 1)/2} on every side of every image
   *       convolution (3 for the 7×7 stem, 1 for 3×3, 0 for 1×1) and 1 for the 3×3/2 max pooling,
   *       as torchvision's ResNets; the {@code resnet18} and {@code resnet50} presets have it, so
   *       that imported ImageNet weights compute what they computed in PyTorch.
   * </ul>
   */
  public enum ImagePadding {
    /** SAME padding. */
    SAME("same"),
    /** torchvision's symmetric padding. */
    TORCHVISION("torchvision");

    private final String json;

    ImagePadding(String json) {
      this.json = json;
    }

    /**
     * The config name.
     *
     * @return {@code same} or {@code torchvision}
     */
    @JsonValue
    public String json() {
      return json;
    }

    /**
     * Parses a config name.
     *
     * @param name {@code same} or {@code torchvision}
     * @return the padding
     * @throws IllegalArgumentException for another name (the message lists the valid ones)
     */
    @JsonCreator
    public static ImagePadding of(String name) {
      for (ImagePadding p : values()) {
        if (p.json.equals(name)) {
          return p;
        }
      }
      throw new IllegalArgumentException(
          "imagePadding: unknown padding '" + name + "' (valid: same, torchvision)");
    }
  }

  /**
   * What reads the captions (docs/text-encoder.md, docs/models.md "Text path").
   *
   * <ul>
   *   <li>{@code words}: the word lookup table and the CNN of {@link TextPath}, learnt from scratch
   *       (the graph's text input is {@link GraphNames#TOKENS} {@code [N, L]});
   *   <li>{@code minilm-l6}: the frozen all-MiniLM-L6-v2 tower (run outside the graph, by the
   *       {@code tbps-text} module); the graph takes its token features {@link
   *       TokenFeatureHead#FEATURES} {@code [N, L, F]} and {@link TokenFeatureHead#MASK} {@code [N,
   *       L]} and ends in a trainable {@link TokenFeatureHead} ({@code head}, {@code channels},
   *       {@code blocks}); {@code L} is the config's {@code maxLength} (the tower's truncation
   *       length, {@code [CLS]} and {@code [SEP]} included).
   * </ul>
   *
   * @param encoder {@code words} or {@code minilm-l6}
   * @param head {@code cnn-attention} or {@code mean-mlp} (the tower's head; ignored by {@code
   *     words})
   * @param channels the head's width {@code C}, {@code >= 1}
   * @param blocks residual blocks of the {@code cnn-attention} head, {@code >= 0}
   * @param featureDim the tower's width {@code F} (384 for MiniLM-L6), {@code >= 1}
   */
  public record TextEncoder(
      String encoder, TokenFeatureHead.Variant head, int channels, int blocks, int featureDim) {
    /** The encoder names. */
    public static final List<String> ENCODERS = List.of("words", "minilm-l6");

    /** Validates the fields; messages name the field and the valid values. */
    public TextEncoder {
      if (encoder == null || !ENCODERS.contains(encoder)) {
        throw new IllegalArgumentException(
            "text.encoder: unknown encoder '"
                + encoder
                + "' (valid: "
                + String.join(", ", ENCODERS)
                + ")");
      }
      if (head == null) {
        throw new IllegalArgumentException("text.head: missing (valid: cnn-attention, mean-mlp)");
      }
      requireAtLeast("text.channels", channels, 1);
      requireAtLeast("text.blocks", blocks, 0);
      requireAtLeast("text.featureDim", featureDim, 1);
    }

    /**
     * The word path (no tower).
     *
     * @return {@code words} with the tower settings at their defaults
     */
    public static TextEncoder words() {
      return new TextEncoder("words", TokenFeatureHead.Variant.CNN_ATTENTION, 256, 1, 384);
    }

    /**
     * The all-MiniLM-L6-v2 tower with a head.
     *
     * @param head the head variant
     * @param channels {@code C}
     * @param blocks residual blocks (cnn-attention)
     * @return the encoder config ({@code F = 384})
     */
    public static TextEncoder minilm(TokenFeatureHead.Variant head, int channels, int blocks) {
      return new TextEncoder("minilm-l6", head, channels, blocks, 384);
    }

    /**
     * Whether the text input is a tower's token features (not token ids).
     *
     * @return true for {@code minilm-l6}
     */
    public boolean tower() {
      return !"words".equals(encoder);
    }
  }

  /** The preset names, in order of size ({@link Preset#json()} of every {@link Preset}). */
  public static final List<String> PRESETS =
      java.util.Arrays.stream(Preset.values()).map(Preset::json).toList();

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

  /**
   * The ESA head (embedding set alignment).
   *
   * @param enabled whether the graph has the ESA head
   * @param sets number of sets {@code M} per sample, {@code >= 2}
   * @param lambda weight {@code λ} of the set similarity in the retrieval score {@code s_global +
   *     λ·S_set}, finite and {@code >= 0}
   */
  public record EsaConfig(boolean enabled, int sets, double lambda) {
    /** Validates the fields. */
    public EsaConfig {
      if (sets < 2) {
        throw new IllegalArgumentException(
            "esa.sets must be >= 2 (one set is the global embedding again), got " + sets);
      }
      if (!(lambda >= 0) || Double.isInfinite(lambda)) {
        throw new IllegalArgumentException("esa.lambda must be finite and >= 0, got " + lambda);
      }
    }

    /**
     * ESA switched off (M = 4, λ = 1 kept for when it is switched on).
     *
     * @return a disabled ESA config
     */
    public static EsaConfig disabled() {
      return new EsaConfig(false, 4, 1.0);
    }
  }

  /** Validates every field; messages name the field and the valid values. */
  public ModelConfig {
    if (preset == null || !PRESETS.contains(preset)) {
      throw new IllegalArgumentException(
          "preset: unknown preset '" + preset + "' (valid: " + String.join(", ", PRESETS) + ")");
    }
    requireAtLeast("imageHeight", imageHeight, 8);
    requireAtLeast("imageWidth", imageWidth, 8);
    requireAtLeast("embeddingDim", embeddingDim, 1);
    requireAtLeast("numClasses", numClasses, 1);
    requireAtLeast("vocabularySize", vocabularySize, 2);
    requireAtLeast("maxLength", maxLength, 2);
    requireAtLeast("textEmbeddingSize", textEmbeddingSize, 1);
    if (!(dropFraction >= 0 && dropFraction < 1)) {
      throw new IllegalArgumentException(
          "dropFraction (fraction dropped) must be in [0, 1), got " + dropFraction);
    }
    if (esa == null) {
      throw new IllegalArgumentException("esa: missing (use {enabled:false, sets:4, lambda:1})");
    }
    if (head == null) {
      throw new IllegalArgumentException("head: missing (valid: bn, projection)");
    }
    if (textPath == null) {
      throw new IllegalArgumentException("textPath: missing (valid: conv, bottleneck)");
    }
    if (imagePadding == null) {
      throw new IllegalArgumentException("imagePadding: missing (valid: same, torchvision)");
    }
    if (text == null) {
      throw new IllegalArgumentException("text: missing (use {encoder: words})");
    }
    if (text.tower() && esa.enabled() && text.head() == TokenFeatureHead.Variant.MEAN_MLP) {
      throw new IllegalArgumentException(
          "text.head mean-mlp has no token map for the ESA head: use cnn-attention or disable esa");
    }
    if (uniqueTokenCapacity != 0 && uniqueTokenCapacity < 2) {
      throw new IllegalArgumentException(
          "uniqueTokenCapacity must be 0 (one-hot lookup) or >= 2, got " + uniqueTokenCapacity);
    }
  }

  private static void requireAtLeast(String field, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(field + " must be >= " + min + ", got " + value);
    }
  }

  /**
   * The architecture presets, in order of size. Each is written out once, by name, in {@link
   * Builder}'s preset defaults:
   *
   * <table>
   *   <caption>preset defaults</caption>
   *   <tr><th>preset</th><th>H×W</th><th>D</th><th>L</th><th>E</th><th>drop</th><th>shift</th><th>head</th><th>text path</th><th>padding</th></tr>
   *   <tr><td>micro</td><td>16×8</td><td>8</td><td>8</td><td>6</td><td>0</td><td>no</td><td>bn</td><td>conv</td><td>same</td></tr>
   *   <tr><td>tiny</td><td>64×32</td><td>256</td><td>32</td><td>128</td><td>0</td><td>no</td><td>bn</td><td>conv</td><td>same</td></tr>
   *   <tr><td>resnet18</td><td>384×128</td><td>512</td><td>56</td><td>300</td><td>0.5</td><td>yes</td><td>projection</td><td>bottleneck</td><td>torchvision</td></tr>
   *   <tr><td>resnet50</td><td>384×128</td><td>2048</td><td>56</td><td>300</td><td>0.8</td><td>yes</td><td>projection</td><td>bottleneck</td><td>torchvision</td></tr>
   * </table>
   *
   * <p>Every preset starts with ESA disabled, the one-hot token lookup, the word path and seed 42.
   */
  public enum Preset {
    /** Tests and fixtures only (a few thousand parameters). */
    MICRO("micro"),
    /** About 1.5 M parameters: the quickstart. */
    TINY("tiny"),
    /** ResNet-18 image path, paper-scale text path. */
    RESNET18("resnet18"),
    /** ResNet-50 image path (the papers' scale). */
    RESNET50("resnet50");

    private final String json;

    Preset(String json) {
      this.json = json;
    }

    /**
     * The preset's name in configs and saved models.
     *
     * @return {@code micro}, {@code tiny}, {@code resnet18} or {@code resnet50}
     */
    public String json() {
      return json;
    }

    /**
     * The preset's configuration for a dataset.
     *
     * @param numClasses {@code C}
     * @param vocabularySize {@code V}
     * @return the preset's defaults with these sizes
     */
    public ModelConfig config(int numClasses, int vocabularySize) {
      return builder(this).setNumClasses(numClasses).setVocabularySize(vocabularySize).build();
    }

    /**
     * Parses a preset name.
     *
     * @param name one of {@link #PRESETS}
     * @return the preset
     * @throws IllegalArgumentException for another name (the message lists the valid ones)
     */
    public static Preset of(String name) {
      for (Preset p : values()) {
        if (p.json.equals(name)) {
          return p;
        }
      }
      throw new IllegalArgumentException(
          "preset: unknown preset '" + name + "' (valid: " + String.join(", ", PRESETS) + ")");
    }

    /** The config name (so that messages print {@code tiny}, not {@code TINY}). */
    @Override
    public String toString() {
      return json;
    }
  }

  /**
   * The defaults of a preset for a dataset with {@code numClasses} identities and a vocabulary of
   * {@code vocabularySize} ids (see {@link Preset} for the table).
   *
   * @param name one of {@link #PRESETS}
   * @param numClasses {@code C}
   * @param vocabularySize {@code V}
   * @return the preset's configuration (ESA disabled, one-hot lookup, seed 42)
   * @throws IllegalArgumentException for an unknown preset name (the message lists the valid ones)
   */
  public static ModelConfig preset(String name, int numClasses, int vocabularySize) {
    return Preset.of(name).config(numClasses, vocabularySize);
  }

  /**
   * A builder that starts from a preset's defaults; {@link Builder#setNumClasses} and {@link
   * Builder#setVocabularySize} are required.
   *
   * @param preset the architecture
   * @return the builder
   */
  public static Builder builder(Preset preset) {
    return new Builder(preset);
  }

  /**
   * A builder holding every field of this config (for a copy that changes a few of them).
   *
   * @return the builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Builds a {@link ModelConfig}: {@code set*} for what a preset cannot know (the dataset's classes
   * and vocabulary), {@code opt*} for what overrides the preset's defaults. {@link #build()}
   * validates through the record's constructor, whose messages name the field.
   */
  public static final class Builder {
    private String preset;
    private int imageHeight;
    private int imageWidth;
    private int embeddingDim;
    private int numClasses;
    private int vocabularySize;
    private int maxLength;
    private int textEmbeddingSize;
    private double dropFraction;
    private EsaConfig esa = EsaConfig.disabled();
    private boolean textShift;
    private int uniqueTokenCapacity;
    private Head head;
    private TextPath textPath;
    private ImagePadding imagePadding;
    private TextEncoder text = TextEncoder.words();
    private long seed = 42;

    private Builder(Preset p) {
      preset = p.json();
      switch (p) {
        case MICRO ->
            optImageSize(16, 8)
                .optEmbeddingDim(8)
                .optMaxLength(8)
                .optTextEmbeddingSize(6)
                .optDropFraction(0)
                .optTextShift(false)
                .optHead(Head.BN)
                .optTextPath(TextPath.CONV)
                .optImagePadding(ImagePadding.SAME);
        case TINY ->
            optImageSize(64, 32)
                .optEmbeddingDim(256)
                .optMaxLength(32)
                .optTextEmbeddingSize(128)
                .optDropFraction(0)
                .optTextShift(false)
                .optHead(Head.BN)
                .optTextPath(TextPath.CONV)
                .optImagePadding(ImagePadding.SAME);
        case RESNET18 ->
            optImageSize(384, 128)
                .optEmbeddingDim(512)
                .optMaxLength(56)
                .optTextEmbeddingSize(300)
                .optDropFraction(0.5)
                .optTextShift(true)
                .optHead(Head.PROJECTION)
                .optTextPath(TextPath.BOTTLENECK)
                .optImagePadding(ImagePadding.TORCHVISION);
        case RESNET50 ->
            optImageSize(384, 128)
                .optEmbeddingDim(2048)
                .optMaxLength(56)
                .optTextEmbeddingSize(300)
                .optDropFraction(0.8)
                .optTextShift(true)
                .optHead(Head.PROJECTION)
                .optTextPath(TextPath.BOTTLENECK)
                .optImagePadding(ImagePadding.TORCHVISION);
      }
    }

    private Builder(ModelConfig c) {
      preset = c.preset;
      imageHeight = c.imageHeight;
      imageWidth = c.imageWidth;
      embeddingDim = c.embeddingDim;
      numClasses = c.numClasses;
      vocabularySize = c.vocabularySize;
      maxLength = c.maxLength;
      textEmbeddingSize = c.textEmbeddingSize;
      dropFraction = c.dropFraction;
      esa = c.esa;
      textShift = c.textShift;
      uniqueTokenCapacity = c.uniqueTokenCapacity;
      head = c.head;
      textPath = c.textPath;
      imagePadding = c.imagePadding;
      text = c.text;
      seed = c.seed;
    }

    /**
     * Sets the number of training identities.
     *
     * @param n {@code C}, {@code >= 1}
     * @return this builder
     */
    public Builder setNumClasses(int n) {
      numClasses = n;
      return this;
    }

    /**
     * Sets the vocabulary size (PAD and UNK included).
     *
     * @param v {@code V}, {@code >= 2}
     * @return this builder
     */
    public Builder setVocabularySize(int v) {
      vocabularySize = v;
      return this;
    }

    /**
     * Overrides the input image size.
     *
     * @param height {@code H}, {@code >= 8}
     * @param width {@code W}, {@code >= 8}
     * @return this builder
     */
    public Builder optImageSize(int height, int width) {
      imageHeight = height;
      imageWidth = width;
      return this;
    }

    /**
     * Overrides the embedding size.
     *
     * @param dim {@code D}
     * @return this builder
     */
    public Builder optEmbeddingDim(int dim) {
      embeddingDim = dim;
      return this;
    }

    /**
     * Overrides the padded token length.
     *
     * @param length {@code L}, {@code >= 2}
     * @return this builder
     */
    public Builder optMaxLength(int length) {
      maxLength = length;
      return this;
    }

    /**
     * Overrides the word embedding size.
     *
     * @param size {@code E}
     * @return this builder
     */
    public Builder optTextEmbeddingSize(int size) {
      textEmbeddingSize = size;
      return this;
    }

    /**
     * Overrides the dropout.
     *
     * @param fraction fraction dropped, in {@code [0, 1)}
     * @return this builder
     */
    public Builder optDropFraction(double fraction) {
      dropFraction = fraction;
      return this;
    }

    /**
     * Overrides the ESA head.
     *
     * @param esaConfig the ESA settings
     * @return this builder
     */
    public Builder optEsa(EsaConfig esaConfig) {
      esa = esaConfig;
      return this;
    }

    /**
     * Switches the text shift augmentation on or off.
     *
     * @param shift whether training shifts sentences
     * @return this builder
     */
    public Builder optTextShift(boolean shift) {
      textShift = shift;
      return this;
    }

    /**
     * Overrides the lookup variant.
     *
     * @param capacity 0 for the one-hot lookup, else the two-step lookup's capacity {@code U}
     * @return this builder
     */
    public Builder optUniqueTokenCapacity(int capacity) {
      uniqueTokenCapacity = capacity;
      return this;
    }

    /**
     * Overrides the initialisation seed.
     *
     * @param newSeed the seed
     * @return this builder
     */
    public Builder optSeed(long newSeed) {
      seed = newSeed;
      return this;
    }

    /**
     * Overrides the head.
     *
     * @param h the head
     * @return this builder
     */
    public Builder optHead(Head h) {
      head = h;
      return this;
    }

    /**
     * Overrides the image padding.
     *
     * @param p the padding
     * @return this builder
     */
    public Builder optImagePadding(ImagePadding p) {
      imagePadding = p;
      return this;
    }

    /**
     * Overrides the text path.
     *
     * @param t the text path
     * @return this builder
     */
    public Builder optTextPath(TextPath t) {
      textPath = t;
      return this;
    }

    /**
     * Overrides the text encoder.
     *
     * @param t the encoder and its head
     * @return this builder
     */
    public Builder optText(TextEncoder t) {
      text = t;
      return this;
    }

    /**
     * The validated config.
     *
     * @return the config
     * @throws IllegalArgumentException naming the first invalid field and its valid values
     */
    public ModelConfig build() {
      return new ModelConfig(
          preset,
          imageHeight,
          imageWidth,
          embeddingDim,
          numClasses,
          vocabularySize,
          maxLength,
          textEmbeddingSize,
          dropFraction,
          esa,
          textShift,
          uniqueTokenCapacity,
          head,
          textPath,
          imagePadding,
          text,
          seed);
    }
  }

  /**
   * Serialises this config.
   *
   * @return pretty-printed JSON
   */
  public String toJson() {
    try {
      return MAPPER.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write model config: " + e.getMessage(), e);
    }
  }

  /**
   * Parses a config written by {@link #toJson()}.
   *
   * @param json the JSON text
   * @return the validated config
   * @throws IllegalArgumentException on malformed JSON, unknown or missing keys, or invalid values
   *     (the message names the field)
   */
  public static ModelConfig fromJson(String json) {
    try {
      JsonNode tree = MAPPER.readTree(json);
      if (tree instanceof ObjectNode o) {
        // saved before the head and text path were choices: the first design
        if (!o.has("head")) {
          o.put("head", Head.PROJECTION.json());
        }
        if (!o.has("textPath")) {
          o.put("textPath", TextPath.BOTTLENECK.json());
        }
        // saved before the resnet presets padded as torchvision does
        if (!o.has("imagePadding")) {
          o.put("imagePadding", ImagePadding.SAME.json());
        }
        // saved before a pretrained tower was a choice: the word path
        if (!o.has("text")) {
          o.set("text", MAPPER.valueToTree(TextEncoder.words()));
        }
      }
      return MAPPER.treeToValue(tree, ModelConfig.class);
    } catch (JsonProcessingException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IllegalArgumentException iae) {
        throw new IllegalArgumentException("model config: " + iae.getMessage(), e);
      }
      throw new IllegalArgumentException("model config: " + e.getOriginalMessage(), e);
    }
  }
}
