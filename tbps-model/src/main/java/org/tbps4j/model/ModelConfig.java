package org.tbps4j.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;

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
 *     length ({@link TokenShift}); never applied at inference
 * @param uniqueTokenCapacity 0 = one-hot lookup of every token ({@code [N·L, V] × [V, E]}); {@code
 *     U > 0} = two-step lookup over at most {@code U} distinct ids per batch ({@code [U, V] × [V,
 *     E]} then {@code [N·L, U] × [U, E]}), cheaper when {@code U ≪ V}; see {@link TokenInputs}
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
    long seed) {

  /** The preset names, in order of size. */
  public static final List<String> PRESETS = List.of("micro", "tiny", "resnet18", "resnet50");

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
   * The defaults of a preset for a dataset with {@code numClasses} identities and a vocabulary of
   * {@code vocabularySize} ids.
   *
   * <table>
   *   <caption>preset defaults</caption>
   *   <tr><th>preset</th><th>H×W</th><th>D</th><th>L</th><th>E</th><th>drop</th><th>shift</th></tr>
   *   <tr><td>micro</td><td>16×8</td><td>8</td><td>8</td><td>6</td><td>0</td><td>no</td></tr>
   *   <tr><td>tiny</td><td>128×64</td><td>256</td><td>32</td><td>128</td><td>0.3</td><td>yes</td></tr>
   *   <tr><td>resnet18</td><td>384×128</td><td>512</td><td>56</td><td>300</td><td>0.5</td><td>yes</td></tr>
   *   <tr><td>resnet50</td><td>384×128</td><td>2048</td><td>56</td><td>300</td><td>0.8</td><td>yes</td></tr>
   * </table>
   *
   * @param name one of {@link #PRESETS}
   * @param numClasses {@code C}
   * @param vocabularySize {@code V}
   * @return the preset's configuration (ESA disabled, one-hot lookup, seed 42)
   * @throws IllegalArgumentException for an unknown preset name (the message lists the valid ones)
   */
  public static ModelConfig preset(String name, int numClasses, int vocabularySize) {
    EsaConfig esa = EsaConfig.disabled();
    return switch (name == null ? "" : name) {
      case "micro" ->
          new ModelConfig(
              "micro", 16, 8, 8, numClasses, vocabularySize, 8, 6, 0, esa, false, 0, 42);
      case "tiny" ->
          new ModelConfig(
              "tiny", 128, 64, 256, numClasses, vocabularySize, 32, 128, 0.3, esa, true, 0, 42);
      case "resnet18" ->
          new ModelConfig(
              "resnet18",
              384,
              128,
              512,
              numClasses,
              vocabularySize,
              56,
              300,
              0.5,
              esa,
              true,
              0,
              42);
      case "resnet50" ->
          new ModelConfig(
              "resnet50",
              384,
              128,
              2048,
              numClasses,
              vocabularySize,
              56,
              300,
              0.8,
              esa,
              true,
              0,
              42);
      default ->
          throw new IllegalArgumentException(
              "preset: unknown preset '" + name + "' (valid: " + String.join(", ", PRESETS) + ")");
    };
  }

  /**
   * Copy with another image size.
   *
   * @param height {@code H}
   * @param width {@code W}
   * @return the new config
   */
  public ModelConfig withImageSize(int height, int width) {
    return new ModelConfig(
        preset,
        height,
        width,
        embeddingDim,
        numClasses,
        vocabularySize,
        maxLength,
        textEmbeddingSize,
        dropFraction,
        esa,
        textShift,
        uniqueTokenCapacity,
        seed);
  }

  /**
   * Copy with another embedding size.
   *
   * @param dim {@code D}
   * @return the new config
   */
  public ModelConfig withEmbeddingDim(int dim) {
    return new ModelConfig(
        preset,
        imageHeight,
        imageWidth,
        dim,
        numClasses,
        vocabularySize,
        maxLength,
        textEmbeddingSize,
        dropFraction,
        esa,
        textShift,
        uniqueTokenCapacity,
        seed);
  }

  /**
   * Copy with another max token length.
   *
   * @param length {@code L}
   * @return the new config
   */
  public ModelConfig withMaxLength(int length) {
    return new ModelConfig(
        preset,
        imageHeight,
        imageWidth,
        embeddingDim,
        numClasses,
        vocabularySize,
        length,
        textEmbeddingSize,
        dropFraction,
        esa,
        textShift,
        uniqueTokenCapacity,
        seed);
  }

  /**
   * Copy with another word embedding size.
   *
   * @param size {@code E}
   * @return the new config
   */
  public ModelConfig withTextEmbeddingSize(int size) {
    return new ModelConfig(
        preset,
        imageHeight,
        imageWidth,
        embeddingDim,
        numClasses,
        vocabularySize,
        maxLength,
        size,
        dropFraction,
        esa,
        textShift,
        uniqueTokenCapacity,
        seed);
  }

  /**
   * Copy with another dropout.
   *
   * @param fraction fraction dropped, in {@code [0, 1)}
   * @return the new config
   */
  public ModelConfig withDropFraction(double fraction) {
    return new ModelConfig(
        preset,
        imageHeight,
        imageWidth,
        embeddingDim,
        numClasses,
        vocabularySize,
        maxLength,
        textEmbeddingSize,
        fraction,
        esa,
        textShift,
        uniqueTokenCapacity,
        seed);
  }

  /**
   * Copy with another ESA head.
   *
   * @param esaConfig the ESA settings
   * @return the new config
   */
  public ModelConfig withEsa(EsaConfig esaConfig) {
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
        esaConfig,
        textShift,
        uniqueTokenCapacity,
        seed);
  }

  /**
   * Copy with the shift augmentation switched on or off.
   *
   * @param shift whether training shifts sentences
   * @return the new config
   */
  public ModelConfig withTextShift(boolean shift) {
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
        shift,
        uniqueTokenCapacity,
        seed);
  }

  /**
   * Copy with another lookup variant.
   *
   * @param capacity 0 for the one-hot lookup, else the two-step lookup's capacity {@code U}
   * @return the new config
   */
  public ModelConfig withUniqueTokenCapacity(int capacity) {
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
        capacity,
        seed);
  }

  /**
   * Copy with another initialisation seed.
   *
   * @param newSeed the seed
   * @return the new config
   */
  public ModelConfig withSeed(long newSeed) {
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
        newSeed);
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
      return MAPPER.readValue(json, ModelConfig.class);
    } catch (JsonProcessingException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IllegalArgumentException iae) {
        throw new IllegalArgumentException("model config: " + iae.getMessage(), e);
      }
      throw new IllegalArgumentException("model config: " + e.getOriginalMessage(), e);
    }
  }
}
