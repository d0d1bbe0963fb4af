package org.tbps4j.model.layers;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;
import org.tbps4j.model.GraphNames;
import org.tbps4j.model.ModelConfig;

/**
 * Builds the dual-path SameDiff graph of a {@link ModelConfig}.
 *
 * <p><b>Image path.</b> {@link GraphNames#IMAGES} {@code [N,3,H,W]} → stem convolution (+ max
 * pooling) → ResNet stages of basic or bottleneck blocks (composed batch-norm, ReLU, projection
 * shortcut when the shape changes) → global average pooling → head.
 *
 * <p><b>Text path.</b> {@link GraphNames#TOKENS} {@code [N,L]} → one-hot × table lookup {@code
 * [N,E,1,L]} (exact gradients also for repeated tokens; the two-step variant when {@code
 * uniqueTokenCapacity > 0}) → batch-norm → 1×1 stem → stages of bottleneck blocks whose middle
 * convolution is {@code 1×2} (strided stages halve the length: 56 → 28 → 14 in the paper) → max
 * over the real (non-PAD) positions → head.
 *
 * <p><b>Head</b> (both paths): dense {@code [C_feat, D]} → batch-norm → ReLU → dropout (fraction
 * dropped) → linear projection {@code [D, D]} + bias → {@link GraphNames#IMAGE_EMBEDDING} / {@link
 * GraphNames#TEXT_EMBEDDING} and their L2-normalised versions.
 *
 * <p><b>Training and inference outputs.</b> The network is declared twice over the same weights
 * (see {@link Layers}): the outputs above use batch statistics and dropout (training, losses);
 * {@link GraphNames#IMAGE_EMBEDDING_INFERENCE}, {@link GraphNames#TEXT_EMBEDDING_INFERENCE} and the
 * ESA {@code *_INFERENCE} sets use the running statistics and no dropout, so a sample's output
 * never depends on the rest of its batch.
 *
 * <p><b>ESA</b> (optional): per path, the last feature map's positions {@code [N,P,C]} are
 * projected to {@code D} ({@code T = F W + b}), {@code M} learnable queries {@code Q [M,D]} attend
 * over positions ({@code A = softmax_P(T Qᵀ/√D)}, {@code [N,M,P]}) and pool {@code sets = A T},
 * {@code [N,M,D]}, L2-normalised per set; {@link GraphNames#ESA_SIMILARITY} is the {@code [N,N]}
 * set similarity of image {@code i} and text {@code j}. Text positions that see only padding have
 * zero features and no attention.
 *
 * <p>The shared classifier {@link GraphNames#CLASSIFIER_W} {@code [D,C]} and {@link
 * GraphNames#CLASSIFIER_B} {@code [C]} are created (not used by any output): the losses read them.
 */
public final class DualPathGraph {
  /** Added to the attention logit of a padding-only text position (exp underflows to 0). */
  private static final double MASKED_LOGIT = 1e4;

  private DualPathGraph() {}

  /** Spatial state while building: the activation and its static channel and size. */
  private record Act(SDVariable x, int channels, int height, int width) {}

  /**
   * Builds the graph.
   *
   * @param config the model config
   * @param dataType FLOAT, or DOUBLE for gradient checks
   * @return the graph
   */
  public static SameDiff build(ModelConfig config, DataType dataType) {
    return build(config, dataType, true);
  }

  /**
   * Builds the graph with a chosen batch-norm form (the composed form is kept for differential
   * tests: same function, about ten times the ops).
   *
   * @param config the model config
   * @param dataType FLOAT, or DOUBLE for gradient checks
   * @param fusedBatchNorm libnd4j's fused batch-norm ({@link FusedBatchNorm}) or the composed one
   * @return the graph
   */
  public static SameDiff build(ModelConfig config, DataType dataType, boolean fusedBatchNorm) {
    return build(config, dataType, fusedBatchNorm, false);
  }

  /**
   * Builds the graph with a chosen batch-norm form and inference lookup (differential tests).
   *
   * @param config the model config
   * @param dataType FLOAT, or DOUBLE for gradient checks
   * @param fusedBatchNorm libnd4j's fused batch-norm ({@link FusedBatchNorm}) or the composed one
   * @param oneHotAtInference true keeps the one-hot word lookup in the inference pass (the form
   *     before the inference gather), false (the product) gathers the rows there
   * @return the graph
   */
  public static SameDiff build(
      ModelConfig config, DataType dataType, boolean fusedBatchNorm, boolean oneHotAtInference) {
    return build(config, dataType, fusedBatchNorm, oneHotAtInference, oneHotAtInference);
  }

  /**
   * Builds the graph with a chosen batch-norm form and word lookup in each pass (differential tests
   * and the benchmarks' before/after).
   *
   * @param config the model config
   * @param dataType FLOAT, or DOUBLE for gradient checks
   * @param fusedBatchNorm libnd4j's fused batch-norm ({@link FusedBatchNorm}) or the composed one
   * @param oneHotAtInference true keeps the one-hot word lookup in the inference pass
   * @param oneHotInTraining true keeps the one-hot (or, with a unique-token capacity, the two-step)
   *     product in the training pass; false (the default) gathers the rows there too, with the
   *     exact gradient of {@link TrainableGather}
   * @return the graph
   */
  public static SameDiff build(
      ModelConfig config,
      DataType dataType,
      boolean fusedBatchNorm,
      boolean oneHotAtInference,
      boolean oneHotInTraining) {
    return build(
        config, dataType, new Forms(fusedBatchNorm, oneHotAtInference, oneHotInTraining, false));
  }

  /**
   * The forms the graph's layers may take, each computing the same function (differential tests and
   * the benchmarks' before/after choose the older forms; {@link #STANDARD} is what models use).
   *
   * @param fusedBatchNorm libnd4j's fused batch-norm ({@link FusedBatchNorm}) or the composed one
   * @param oneHotAtInference the one-hot word lookup in the inference pass
   * @param oneHotInTraining the one-hot (or two-step) word lookup in the training pass
   * @param fullKernelsOnThinMaps stride-1 convolutions on maps one pixel wide (or high) keep their
   *     whole kernel instead of its centre column (row): see {@link Layers#conv(String, SDVariable,
   *     int, int, int, int, int, int, int, int)}
   */
  public record Forms(
      boolean fusedBatchNorm,
      boolean oneHotAtInference,
      boolean oneHotInTraining,
      boolean fullKernelsOnThinMaps) {
    /** The forms models are built with. */
    public static final Forms STANDARD = new Forms(true, false, false, false);
  }

  /**
   * Builds the graph with chosen layer forms.
   *
   * @param config the model config
   * @param dataType FLOAT, or DOUBLE for gradient checks
   * @param forms the layer forms
   * @return the graph
   */
  public static SameDiff build(ModelConfig config, DataType dataType, Forms forms) {
    SameDiff sd = SameDiff.create();
    Layers layers = new Layers(sd, dataType, config.seed(), forms.fusedBatchNorm());
    layers.setOneHotAtInference(forms.oneHotAtInference());
    layers.setOneHotInTraining(forms.oneHotInTraining());
    layers.setFullKernelsOnThinMaps(forms.fullKernelsOnThinMaps());
    Architecture arch = Architecture.of(config.preset());
    int d = config.embeddingDim();

    // training pass: batch statistics, dropout
    Act img = imageBackbone(layers, config, arch.image());
    SDVariable x = head(layers, "image/head", sd.mean(img.x(), 2, 3), img.channels(), config);
    sd.identity(GraphNames.IMAGE_EMBEDDING, x);
    TextResult txtOut = textPath(layers, config, arch.text());
    SDVariable t = txtOut.embedding();
    sd.identity(GraphNames.TEXT_EMBEDDING, t);
    layers.l2Normalize(GraphNames.IMAGE_EMBEDDING_NORMALIZED, x, 1);
    layers.l2Normalize(GraphNames.TEXT_EMBEDDING_NORMALIZED, t, 1);
    layers.normal(
        GraphNames.CLASSIFIER_W,
        Math.sqrt(2.0 / (d + config.numClasses())),
        d,
        config.numClasses());
    layers.filled(GraphNames.CLASSIFIER_B, 0.0, config.numClasses());
    sd.placeHolder(GraphNames.LABELS, DataType.INT, -1);
    if (config.esa().enabled()) {
      SDVariable vs = esaSets(layers, "esa/image", img, null, config, GraphNames.ESA_IMAGE_SETS);
      SDVariable us =
          esaSets(
              layers,
              "esa/text",
              txtOut.map().features(),
              txtOut.map().mask(),
              config,
              GraphNames.ESA_TEXT_SETS);
      setSimilarity(sd, vs, us, config.esa().sets(), d);
    }

    // inference pass: the same weights, running statistics, no dropout, the word lookup a gather
    layers.setInference(true);
    Act img2 = imageBackbone(layers, config, arch.image());
    SDVariable x2 = head(layers, "image/head", sd.mean(img2.x(), 2, 3), img2.channels(), config);
    layers.l2Normalize(GraphNames.IMAGE_EMBEDDING_INFERENCE, x2, 1);
    TextResult txtOut2 = textPath(layers, config, arch.text());
    layers.l2Normalize(GraphNames.TEXT_EMBEDDING_INFERENCE, txtOut2.embedding(), 1);
    if (config.esa().enabled()) {
      esaSets(layers, "esa/image", img2, null, config, GraphNames.ESA_IMAGE_SETS_INFERENCE);
      esaSets(
          layers,
          "esa/text",
          txtOut2.map().features(),
          txtOut2.map().mask(),
          config,
          GraphNames.ESA_TEXT_SETS_INFERENCE);
    }
    return sd;
  }

  private static SDVariable placeholder(SameDiff sd, String name, DataType type, long... shape) {
    return sd.hasVariable(name) ? sd.getVariable(name) : sd.placeHolder(name, type, shape);
  }

  private static Act imageBackbone(Layers layers, ModelConfig config, Architecture.ImageSpec spec) {
    SameDiff sd = layers.sd();
    String p = GraphNames.IMAGE_BACKBONE_PREFIX;
    SDVariable x =
        placeholder(
            sd,
            GraphNames.IMAGES,
            layers.dataType(),
            -1,
            3,
            config.imageHeight(),
            config.imageWidth());
    int k = spec.stemKernel();
    int s = spec.stemStride();
    boolean tv = config.imagePadding() == ModelConfig.ImagePadding.TORCHVISION;
    x = imageConv(layers, tv, p + "stem/conv", x, k, 3, spec.stemChannels(), s);
    x = layers.relu(layers.batchNorm(p + "stem/bn", x, spec.stemChannels(), true));
    int h = outSize(tv, config.imageHeight(), k, s);
    int w = outSize(tv, config.imageWidth(), k, s);
    if (spec.stemPool()) {
      x = tv ? layers.maxPoolPadded(x, 3, 2, 1) : layers.maxPool(x, 3, 2);
      h = outSize(tv, h, 3, 2);
      w = outSize(tv, w, 3, 2);
    }
    Act a = new Act(x, spec.stemChannels(), h, w);
    for (int st = 0; st < spec.widths().length; st++) {
      for (int b = 0; b < spec.blocks()[st]; b++) {
        String name = p + "stage" + (st + 1) + "/block" + (b + 1);
        int stride = b == 0 ? spec.strides()[st] : 1;
        a =
            spec.bottleneck()
                ? bottleneck(layers, name, a, spec.widths()[st], 3, 3, stride, stride, tv)
                : basic(layers, name, a, spec.widths()[st], stride, tv);
      }
    }
    // the pooled backbone features of the inference pass, named for tests and feature extraction
    if (layers.inference() && !sd.hasVariable(GraphNames.IMAGE_FEATURES_INFERENCE)) {
      sd.mean(GraphNames.IMAGE_FEATURES_INFERENCE, a.x(), false, 2, 3);
    }
    return a;
  }

  /**
   * A square image convolution: SAME padding, or torchvision's symmetric {@code (k − 1)/2} (see
   * {@link ModelConfig.ImagePadding}).
   */
  private static SDVariable imageConv(
      Layers layers, boolean tv, String name, SDVariable x, int k, int cIn, int cOut, int s) {
    return imageConv(layers, tv, name, x, k, cIn, cOut, s, 0, 0);
  }

  /**
   * {@link #imageConv(Layers, boolean, String, SDVariable, int, int, int, int)} on an input map of
   * known size ({@code mapH × mapW}; 0 when unknown), which lets a stride-1 convolution on a map
   * one pixel wide or high use only its kernel's centre column or row ({@link Layers#conv(String,
   * SDVariable, int, int, int, int, int, int, int, int)}).
   */
  private static SDVariable imageConv(
      Layers layers,
      boolean tv,
      String name,
      SDVariable x,
      int k,
      int cIn,
      int cOut,
      int s,
      int mapH,
      int mapW) {
    return tv
        ? layers.convPadded(name, x, k, cIn, cOut, s, (k - 1) / 2, mapH, mapW)
        : layers.conv(name, x, k, k, cIn, cOut, s, s, mapH, mapW);
  }

  /**
   * Output size of a window {@code k} with stride {@code s}: {@code ceil(n/s)} with SAME padding,
   * {@code floor((n + 2·((k − 1)/2) − k)/s) + 1} with torchvision's (equal for odd {@code k}).
   */
  private static int outSize(boolean tv, int n, int k, int s) {
    return tv ? (n + 2 * ((k - 1) / 2) - k) / s + 1 : ceilDiv(n, s);
  }

  /** The text path's last feature map (padding-only positions zeroed) and its position mask. */
  private record Text(Act features, SDVariable mask) {}

  /** The text path's embedding (before L2 normalisation) and the token map the ESA head pools. */
  private record TextResult(SDVariable embedding, Text map) {}

  /**
   * The text path: the word lookup, CNN and head ({@code words}), or the trainable {@link
   * TokenFeatureHead} on a frozen tower's token features. The tower's token map {@code [N, L, C]}
   * is handed to ESA as a {@code [N, C, 1, L]} map (inputs are padded to {@code maxLength}).
   */
  private static TextResult textPath(
      Layers layers, ModelConfig config, Architecture.TextSpec spec) {
    SameDiff sd = layers.sd();
    ModelConfig.TextEncoder enc = config.text();
    if (!enc.tower()) {
      Text txt = textBackbone(layers, config, spec);
      Act a = txt.features();
      return new TextResult(
          head(layers, "text/head", sd.max(a.x(), 2, 3), a.channels(), config), txt);
    }
    TokenFeatureHead.Output o =
        TokenFeatureHead.build(
            layers,
            "text/head",
            new TokenFeatureHead.Config(
                enc.head(),
                enc.featureDim(),
                enc.channels(),
                enc.blocks(),
                config.embeddingDim(),
                config.dropFraction()));
    Text map = null;
    if (o.tokens() != null) {
      int len = config.maxLength();
      SDVariable x = sd.expandDims(sd.permute(o.tokens(), 0, 2, 1), 2); // [N, C, 1, L]
      SDVariable mask = sd.reshape(o.mask(), -1, 1, 1, len);
      map = new Text(new Act(x, enc.channels(), 1, len), mask);
    }
    return new TextResult(o.embedding(), map);
  }

  private static Text textBackbone(Layers layers, ModelConfig config, Architecture.TextSpec spec) {
    return config.textPath() == ModelConfig.TextPath.CONV
        ? convText(layers, config, spec)
        : bottleneckText(layers, config, spec);
  }

  /** Token ids and their looked-up word vectors. */
  private record Lookup(SDVariable ids, SDVariable rows) {}

  /**
   * The word lookup: a plain row gather of the table in both passes ({@code N·L} row copies where
   * the one-hot product multiplies {@code [N·L, V] × [V, E]}; the rows are the same, a one-hot row
   * picks one table row exactly). The training pass differentiates it through {@link
   * TrainableGather} (M2.1's own gather gradient is wrong, docs/samediff-m2.1.md, note 2). With a
   * unique-token capacity the training pass keeps the two-step product over the batch's distinct
   * ids; {@link Layers#setOneHotInTraining} and {@link Layers#setOneHotAtInference} bring back the
   * one-hot forms (differential tests). Ids are checked to lie in {@code [0, V)} before they reach
   * the graph ({@link org.tbps4j.model.TokenInputs}).
   */
  private static Lookup lookup(Layers layers, ModelConfig config) {
    SameDiff sd = layers.sd();
    int e = config.textEmbeddingSize();
    int len = config.maxLength();
    int v = config.vocabularySize();
    DataType t = layers.dataType();
    SDVariable table = layers.normal(GraphNames.TEXT_TABLE, 1.0 / Math.sqrt(e), v, e);
    if (config.uniqueTokenCapacity() == 0) {
      SDVariable tokens = placeholder(sd, GraphNames.TOKENS, DataType.INT, -1, len);
      if (layers.gatherLookup()) {
        return new Lookup(tokens, sd.gather(table, sd.reshape(tokens, -1), 0)); // [N·L, E]
      }
      SDVariable oneHot = sd.oneHot(sd.reshape(tokens, -1), v, -1, 1.0, 0.0, t);
      return new Lookup(tokens, sd.mmul(oneHot, table)); // [N·L, E]
    }
    int u = config.uniqueTokenCapacity();
    SDVariable unique = placeholder(sd, GraphNames.TOKEN_UNIQUE, DataType.INT, u);
    SDVariable slots = placeholder(sd, GraphNames.TOKEN_SLOTS, DataType.INT, -1, len);
    SDVariable flatIds = sd.gather(unique, sd.reshape(slots, -1), 0);
    SDVariable ids = sd.reshape(flatIds, -1, len);
    if (layers.inference() && layers.gatherLookup()) {
      return new Lookup(ids, sd.gather(table, flatIds, 0));
    }
    SDVariable uniqueRows = sd.mmul(sd.oneHot(unique, v, -1, 1.0, 0.0, t), table); // [U, E]
    SDVariable rows = sd.mmul(sd.oneHot(sd.reshape(slots, -1), u, -1, 1.0, 0.0, t), uniqueRows);
    return new Lookup(ids, rows);
  }

  /** The looked-up rows as a 1×L feature map {@code [N, E, 1, L]}. */
  private static SDVariable wordMap(SameDiff sd, SDVariable rows, int len, int e) {
    SDVariable x = sd.reshape(rows, -1, len, e); // [N, L, E]
    x = sd.permute(x, 0, 2, 1); // [N, E, L]
    return sd.expandDims(x, 2); // [N, E, 1, L]
  }

  /**
   * The {@code conv} text path: kernel-3 convolution + ReLU, then residual blocks of two kernel-3
   * convolutions ({@code relu(x + conv(relu(conv(x))))}), all at full length, padding positions
   * zeroed (the features are non-negative, so the max over time then ignores them).
   */
  private static Text convText(Layers layers, ModelConfig config, Architecture.TextSpec spec) {
    SameDiff sd = layers.sd();
    int e = config.textEmbeddingSize();
    int len = config.maxLength();
    int w = spec.convWidth();
    Lookup in = lookup(layers, config);
    SDVariable x = wordMap(sd, in.rows(), len, e);
    x = layers.relu(layers.convWithBias("text/cnn/stem/conv", x, 1, 3, e, w));
    for (int b = 0; b < spec.convBlocks(); b++) {
      String name = "text/cnn/block" + (b + 1);
      SDVariable y = layers.relu(layers.convWithBias(name + "/conv1", x, 1, 3, w, w));
      y = layers.convWithBias(name + "/conv2", y, 1, 3, w, w);
      x = layers.relu(x.add(y));
    }
    SDVariable mask = sd.reshape(sd.castTo(sd.neq(in.ids(), 0), layers.dataType()), -1, 1, 1, len);
    if (!sd.hasVariable(GraphNames.TEXT_POSITION_MASK)) {
      mask = sd.identity(GraphNames.TEXT_POSITION_MASK, mask);
    }
    return new Text(new Act(x.mul(mask), w, 1, len), mask);
  }

  private static Text bottleneckText(
      Layers layers, ModelConfig config, Architecture.TextSpec spec) {
    SameDiff sd = layers.sd();
    int e = config.textEmbeddingSize();
    int len = config.maxLength();
    DataType t = layers.dataType();
    Lookup in = lookup(layers, config);
    SDVariable ids = in.ids();
    SDVariable x = wordMap(sd, in.rows(), len, e);
    x = layers.batchNorm("text/embedding/bn", x, e, true);
    x = layers.conv("text/cnn/stem/conv", x, 1, 1, e, spec.stemChannels(), 1, 1);
    x = layers.relu(layers.batchNorm("text/cnn/stem/bn", x, spec.stemChannels(), true));
    Act a = new Act(x, spec.stemChannels(), 1, len);
    for (int st = 0; st < spec.widths().length; st++) {
      for (int b = 0; b < spec.blocks()[st]; b++) {
        String name = "text/cnn/stage" + (st + 1) + "/block" + (b + 1);
        int stride = b == 0 ? spec.strides()[st] : 1;
        a = bottleneck(layers, name, a, spec.widths()[st], 1, 2, 1, stride, false);
      }
    }
    SDVariable mask = paddingMask(sd, ids, spec, len, t);
    if (!sd.hasVariable(GraphNames.TEXT_POSITION_MASK)) {
      mask = sd.identity(GraphNames.TEXT_POSITION_MASK, mask);
    }
    return new Text(new Act(a.x().mul(mask), a.channels(), 1, a.width()), mask);
  }

  /**
   * 1 where a position of the text path's last feature map sees at least one real token, 0 where it
   * sees only padding, {@code [N, 1, 1, L_out]}: the token mask {@code ids != PAD} max-pooled with
   * each strided stage's stride. The text features are non-negative (they leave a ReLU), so
   * multiplying by the mask takes padding out of the max over time without changing a sentence's
   * maximum; without it, up to half of a short sentence's positions are PAD and their shared
   * activations dominate the pooled embedding early in training.
   */
  private static SDVariable paddingMask(
      SameDiff sd, SDVariable ids, Architecture.TextSpec spec, int len, DataType t) {
    SDVariable mask = sd.reshape(sd.castTo(sd.neq(ids, 0), t), -1, 1, 1, len);
    for (int st = 0; st < spec.widths().length; st++) {
      int s = spec.strides()[st];
      if (s > 1) {
        Pooling2DConfig cfg =
            Pooling2DConfig.builder()
                .kH(1)
                .kW(s)
                .sH(1)
                .sW(s)
                .paddingMode(PaddingMode.SAME)
                .isNHWC(false)
                .build();
        mask = sd.cnn().maxPooling2d(mask, cfg);
      }
    }
    return mask;
  }

  /** Basic block: two 3×3 convolutions with batch-norm, identity or 1×1 projection shortcut. */
  private static Act basic(Layers layers, String name, Act in, int out, int stride, boolean tv) {
    int oh = outSize(tv, in.height(), 3, stride);
    int ow = outSize(tv, in.width(), 3, stride);
    SDVariable y =
        imageConv(
            layers,
            tv,
            name + "/conv1",
            in.x(),
            3,
            in.channels(),
            out,
            stride,
            in.height(),
            in.width());
    y = layers.relu(layers.batchNorm(name + "/bn1", y, out, true));
    y = imageConv(layers, tv, name + "/conv2", y, 3, out, out, 1, oh, ow);
    y = layers.batchNorm(name + "/bn2", y, out, true);
    SDVariable shortcut = shortcut(layers, name, in, out, stride, stride, tv);
    return new Act(layers.relu(y.add(shortcut)), out, oh, ow);
  }

  /**
   * Bottleneck block: 1×1 reduce to {@code out/4}, {@code kH×kW} (strided), 1×1 expand, each
   * followed by batch-norm; identity or 1×1 projection shortcut.
   */
  private static Act bottleneck(
      Layers layers, String name, Act in, int out, int kH, int kW, int sH, int sW, boolean tv) {
    int mid = Math.max(1, out / 4);
    SDVariable y = layers.conv(name + "/conv1", in.x(), 1, 1, in.channels(), mid, 1, 1);
    y = layers.relu(layers.batchNorm(name + "/bn1", y, mid, true));
    // the stride sits on the middle convolution (torchvision's ResNet v1.5)
    y =
        tv && kH == kW && sH == sW
            ? layers.convPadded(
                name + "/conv2", y, kH, mid, mid, sH, (kH - 1) / 2, in.height(), in.width())
            : layers.conv(name + "/conv2", y, kH, kW, mid, mid, sH, sW, in.height(), in.width());
    y = layers.relu(layers.batchNorm(name + "/bn2", y, mid, true));
    y = layers.conv(name + "/conv3", y, 1, 1, mid, out, 1, 1);
    y = layers.batchNorm(name + "/bn3", y, out, true);
    SDVariable shortcut = shortcut(layers, name, in, out, sH, sW, tv);
    return new Act(
        layers.relu(y.add(shortcut)), out, ceilDiv(in.height(), sH), ceilDiv(in.width(), sW));
  }

  private static SDVariable shortcut(
      Layers layers, String name, Act in, int out, int sH, int sW, boolean tv) {
    if (in.channels() == out && sH == 1 && sW == 1) {
      return in.x();
    }
    // a strided 1×1 reads the top-left pixel of each window: unpadded, as torchvision's downsample
    SDVariable s =
        tv && sH == sW
            ? layers.convPadded(name + "/shortcut/conv", in.x(), 1, in.channels(), out, sH, 0)
            : layers.conv(name + "/shortcut/conv", in.x(), 1, 1, in.channels(), out, sH, sW);
    return layers.batchNorm(name + "/shortcut/bn", s, out, true);
  }

  private static SDVariable head(
      Layers layers, String prefix, SDVariable features, int in, ModelConfig config) {
    int d = config.embeddingDim();
    if (config.head() == ModelConfig.Head.BN) {
      // the embedding is the batch-norm's output (signed, centred, unit-scaled per dimension);
      // dropout, when asked for, comes after it, so the batch statistics (and their running
      // estimates) never see dropped units
      SDVariable y = layers.dense(prefix + "/dense", features, in, d, false);
      return layers.dropout(
          layers.batchNorm(prefix + "/bn", y, d, false), d, config.dropFraction());
    }
    SDVariable y = layers.dense(prefix + "/dense", features, in, d, false);
    y = layers.relu(layers.batchNorm(prefix + "/bn", y, d, false));
    y = layers.dropout(y, d, config.dropFraction());
    // a linear projection into the shared space: signed embeddings, so cosine similarity spans
    // [-1, 1] (after the ReLU alone every cosine would be >= 0 and margins like 1.0 unreachable)
    return layers.dense(prefix + "/proj", y, d, d, true);
  }

  /** Attention pooling of a feature map's positions into M sets, L2-normalised: [N, M, D]. */
  private static SDVariable esaSets(
      Layers layers, String prefix, Act map, SDVariable mask, ModelConfig config, String out) {
    SameDiff sd = layers.sd();
    int c = map.channels();
    int positions = map.height() * map.width();
    int d = config.embeddingDim();
    int m = config.esa().sets();
    SDVariable f = sd.reshape(map.x(), -1, c, positions); // [N, C, P]
    f = sd.permute(f, 0, 2, 1); // [N, P, C]
    f = sd.reshape(f, -1, c); // [N·P, C]
    SDVariable t2 = layers.dense(prefix + "/proj", f, c, d, true); // [N·P, D]
    SDVariable queries = layers.normal(prefix + "/queries", 1.0 / Math.sqrt(d), m, d);
    SDVariable logits = sd.mmul(t2, queries, false, true, false).mul(1.0 / Math.sqrt(d));
    logits = sd.permute(sd.reshape(logits, -1, positions, m), 0, 2, 1); // [N, M, P]
    if (mask != null) { // padding-only positions get no attention
      logits = logits.add(sd.reshape(mask, -1, 1, positions).sub(1.0).mul(MASKED_LOGIT));
    }
    SDVariable attention = sd.nn().softmax(logits); // over positions (last axis)
    SDVariable t = sd.reshape(t2, -1, positions, d); // [N, P, D]
    SDVariable sets = sd.mmul(attention, t); // batched: [N, M, D]
    return layers.l2Normalize(out, sets, 2);
  }

  /**
   * {@code S[i,j] = ½[(1/M) Σ_a max_b v_ia·u_jb + (1/M) Σ_b max_a v_ia·u_jb]} for normalised image
   * sets {@code v} and text sets {@code u}.
   */
  private static void setSimilarity(SameDiff sd, SDVariable v, SDVariable u, int m, int d) {
    SDVariable v2 = sd.reshape(v, -1, d); // [N·M, D]
    SDVariable u2 = sd.reshape(u, -1, d);
    SDVariable sim = sd.mmul(v2, u2, false, true, false); // [N·M, N·M]
    SDVariable n = sd.slice(sd.shape(v).castTo(DataType.LONG), new int[] {0}, new int[] {1});
    SDVariable mm = sd.constant(Nd4j.createFromArray(new long[] {m}));
    SDVariable s4 = sd.reshape(sim, sd.concat(0, n, mm, n, mm)); // [N, M, N, M]
    SDVariable imageSide = sd.mean(sd.max(s4, 3), 1); // [N, M, N] → [N, N]
    SDVariable textSide = sd.mean(sd.max(s4, 1), 2); // [N, N, M] → [N, N]
    imageSide.add(textSide).mul(GraphNames.ESA_SIMILARITY, 0.5);
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
