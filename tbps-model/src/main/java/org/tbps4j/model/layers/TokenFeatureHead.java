package org.tbps4j.model.layers;

import java.util.Locale;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv1DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;

/**
 * A trainable text head on a frozen tower's token features (e.g. all-MiniLM-L6-v2's last hidden
 * state, cached per caption by {@code tbps-text}): placeholders {@link #FEATURES} {@code [N, L, F]}
 * and {@link #MASK} {@code [N, L]} (1 at real tokens, 0 at padding) → an embedding {@code [N, D]}
 * in the shared space. Two variants:
 *
 * <ul>
 *   <li>{@link Variant#CNN_ATTENTION}: a 1-D CNN over the tokens, then attention pooling. {@code h
 *       = relu(conv3(x) + b) ⊙ m} (kernel 3, {@code F → C}, SAME padding, layout NWC), then {@code
 *       blocks} residual blocks {@code h = relu(h + (conv3(relu(conv3(h) + b1) ⊙ m) + b2) ⊙ m) ⊙
 *       m}; attention logits {@code a = h·q/√C} with one learned query {@code q [C]}, padding
 *       logits pushed down by {@code 10⁴}, softmax over the tokens, {@code p = Σ_t a_t h_t} {@code
 *       [N, C]}; dropout; dense {@code C → D} (no bias) → batch-norm. The mask after every layer
 *       keeps padding at exactly 0, so SAME padding at a caption's end sees the same zeros whatever
 *       the batch's length, and a caption's embedding does not depend on how far its batch is
 *       padded. {@link Output#tokens()} ({@code [N, L, C]}) is the token map an ESA head can pool.
 *   <li>{@link Variant#MEAN_MLP}: the sentence embedding as sentence-transformers computes it
 *       (masked mean over the tokens, L2-normalised, {@code [N, F]}), then dense {@code F → C} +
 *       bias → ReLU → dropout → dense {@code C → D} (no bias) → batch-norm.
 * </ul>
 *
 * <p>Both end in Linear → BatchNorm1d with nothing after (signed embeddings; see docs/models.md).
 * Batch-norm is {@link Layers#batchNorm} (libnd4j's fused op, made trainable by {@link
 * FusedBatchNorm}; see docs/samediff-m2.1.md, note 1), dense layers are {@code mmul + add} (note
 * 3), ReLU is the scalar maximum, and every broadcast multiply by the mask on the trained path is
 * written as a same-shape multiply (the broadcast's backward is slow in M2.1, note 1). Call {@link
 * #build} once per pass (training, then {@link Layers#setInference inference}): the second call
 * reuses the weights by name and the placeholders.
 *
 * <p>Weights (under {@code prefix}): CNN_ATTENTION {@code stem/W [3,F,C]}, {@code stem/b [C]},
 * {@code block<i>/conv<1|2>/W [3,C,C]}, {@code …/b [C]}, {@code attention/query [C,1]}, {@code
 * proj/W [C,D]}, {@code bn/gamma}, {@code bn/beta} {@code [1,D]}; MEAN_MLP {@code hidden/W [F,C]},
 * {@code hidden/b [1,C]}, {@code proj/W [C,D]}, {@code bn/…}.
 */
public final class TokenFeatureHead {
  /** Placeholder of the token features, {@code [N, L, F]}. */
  public static final String FEATURES = "text_features";

  /** Placeholder of the token mask, {@code [N, L]}: 1 real token, 0 padding. */
  public static final String MASK = "text_mask";

  /** Added (negated) to the attention logit of a padding position. */
  static final double MASKED_LOGIT = 1e4;

  private TokenFeatureHead() {}

  /** The head's architecture. */
  public enum Variant {
    /** 1-D CNN with residual blocks, attention pooling over the tokens. */
    CNN_ATTENTION,
    /** Masked-mean sentence embedding (L2-normalised) and a two-layer MLP. */
    MEAN_MLP;

    /**
     * The variant of a config name.
     *
     * @param name {@code cnn-attention} or {@code mean-mlp}
     * @return the variant
     * @throws IllegalArgumentException naming the valid values
     */
    @com.fasterxml.jackson.annotation.JsonCreator
    public static Variant of(String name) {
      for (Variant v : values()) {
        if (v.configName().equals(name)) {
          return v;
        }
      }
      throw new IllegalArgumentException(
          "unknown text head \"" + name + "\"; valid: cnn-attention, mean-mlp");
    }

    /**
     * The name used in configs.
     *
     * @return {@code cnn-attention} or {@code mean-mlp}
     */
    @com.fasterxml.jackson.annotation.JsonValue
    public String configName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * The head's sizes.
   *
   * @param variant the architecture
   * @param featureDim {@code F}, the tower's width (384 for MiniLM-L6)
   * @param channels {@code C}: CNN width, or MLP hidden width
   * @param blocks residual blocks (CNN_ATTENTION; ignored by MEAN_MLP)
   * @param embeddingDim {@code D}
   * @param dropFraction fraction dropped before the last dense layer, {@code [0, 1)}
   */
  public record Config(
      Variant variant,
      int featureDim,
      int channels,
      int blocks,
      int embeddingDim,
      double dropFraction) {
    /** Validates the sizes. */
    public Config {
      if (featureDim < 1 || channels < 1 || blocks < 0 || embeddingDim < 1) {
        throw new IllegalArgumentException(
            "text head sizes must be positive (blocks >= 0): F="
                + featureDim
                + " C="
                + channels
                + " blocks="
                + blocks
                + " D="
                + embeddingDim);
      }
      if (!(dropFraction >= 0 && dropFraction < 1)) {
        throw new IllegalArgumentException("dropFraction must be in [0, 1): " + dropFraction);
      }
    }
  }

  /**
   * What the head gives.
   *
   * @param embedding {@code [N, D]}, before L2 normalisation
   * @param tokens CNN_ATTENTION: the token map {@code [N, L, C]}, zero at padding; MEAN_MLP: null
   * @param mask the mask placeholder {@code [N, L]}
   */
  public record Output(SDVariable embedding, SDVariable tokens, SDVariable mask) {}

  /**
   * Builds the head in the current pass of {@code layers}.
   *
   * @param layers the graph builder (its data type is the placeholders' type)
   * @param prefix variable name prefix, e.g. {@code text/head}
   * @param config sizes
   * @return the embedding, token map and mask
   */
  public static Output build(Layers layers, String prefix, Config config) {
    SameDiff sd = layers.sd();
    DataType t = layers.dataType();
    int f = config.featureDim();
    SDVariable x =
        sd.hasVariable(FEATURES)
            ? sd.getVariable(FEATURES)
            : sd.placeHolder(FEATURES, t, -1, -1, f);
    SDVariable m = sd.hasVariable(MASK) ? sd.getVariable(MASK) : sd.placeHolder(MASK, t, -1, -1);
    SDVariable m3 = sd.expandDims(m, 2); // [N, L, 1]
    return config.variant() == Variant.CNN_ATTENTION
        ? cnnAttention(layers, prefix, config, x, m, m3)
        : meanMlp(layers, prefix, config, x, m, m3);
  }

  private static Output cnnAttention(
      Layers layers, String p, Config cfg, SDVariable x, SDVariable m, SDVariable m3) {
    SameDiff sd = layers.sd();
    int f = cfg.featureDim();
    int c = cfg.channels();
    SDVariable h = masked(sd, layers.relu(conv3(layers, p + "/stem", x, f, c)), m3);
    for (int b = 1; b <= cfg.blocks(); b++) {
      String name = p + "/block" + b;
      SDVariable r = masked(sd, layers.relu(conv3(layers, name + "/conv1", h, c, c)), m3);
      r = masked(sd, conv3(layers, name + "/conv2", r, c, c), m3);
      h = masked(sd, layers.relu(h.add(r)), m3);
    }
    SDVariable query = layers.normal(p + "/attention/query", 1.0 / Math.sqrt(c), c, 1);
    SDVariable logits = sd.reshape(sd.mmul(sd.reshape(h, -1, c), query), sd.shape(m));
    logits = logits.mul(1.0 / Math.sqrt(c)).add(m.sub(1.0).mul(MASKED_LOGIT)); // [N, L]
    SDVariable attention = sd.nn().softmax(logits); // over the tokens (last axis)
    SDVariable pooled = sd.squeeze(sd.mmul(sd.expandDims(attention, 1), h), 1); // [N, C]
    pooled = layers.dropout(pooled, c, cfg.dropFraction());
    SDVariable y = layers.dense(p + "/proj", pooled, c, cfg.embeddingDim(), false);
    return new Output(layers.batchNorm(p + "/bn", y, cfg.embeddingDim(), false), h, m);
  }

  private static Output meanMlp(
      Layers layers, String p, Config cfg, SDVariable x, SDVariable m, SDVariable m3) {
    SameDiff sd = layers.sd();
    int f = cfg.featureDim();
    int c = cfg.channels();
    SDVariable sum = sd.sum(x.mul(m3), 1); // [N, F]; x is an input, no backward through here
    SDVariable count = sd.sum(m, true, 1); // [N, 1]
    SDVariable mean = sum.div(count);
    String name = p + (layers.inference() ? "/sentence_inference" : "/sentence");
    SDVariable sentence = layers.l2Normalize(name, mean, 1);
    SDVariable hid = layers.relu(layers.dense(p + "/hidden", sentence, f, c, true));
    hid = layers.dropout(hid, c, cfg.dropFraction());
    SDVariable y = layers.dense(p + "/proj", hid, c, cfg.embeddingDim(), false);
    return new Output(layers.batchNorm(p + "/bn", y, cfg.embeddingDim(), false), null, m);
  }

  /**
   * Kernel-3 convolution over the tokens with bias, SAME padding, NWC: {@code [N, L, in] → [N, L,
   * out]}.
   */
  private static SDVariable conv3(Layers layers, String name, SDVariable x, int in, int out) {
    SDVariable w = layers.normal(name + "/W", Math.sqrt(2.0 / (3 * in)), 3, in, out);
    SDVariable b = layers.filled(name + "/b", 0.0, out);
    Conv1DConfig cfg =
        Conv1DConfig.builder()
            .k(3)
            .s(1)
            .d(1)
            .paddingMode(PaddingMode.SAME)
            .dataFormat(Conv1DConfig.NWC)
            .build();
    return layers.sd().cnn().conv1d(x, w, b, cfg);
  }

  /** {@code h ⊙ m3} as a same-shape multiply (the broadcast's backward is slow in M2.1). */
  private static SDVariable masked(SameDiff sd, SDVariable h, SDVariable m3) {
    return h.mul(sd.zerosLike(h).add(m3));
  }
}
