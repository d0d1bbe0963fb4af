package org.tbps4j.model.layers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;
import org.tbps4j.model.GraphNames;

/**
 * Building blocks of the SameDiff graph, written around the M2.1 bugs (docs/samediff-m2.1.md):
 * batch-norm composed from basic ops, the large broadcast multiply turned into a same-shape
 * multiply, dense layers as {@code mmul + add}, dropout composed from a uniform sample.
 *
 * <p><b>Two passes, one set of weights.</b> The network is declared twice in the same graph: in the
 * training pass ({@link #setInference(boolean) inference} off) batch-norm uses the batch's
 * statistics and dropout is on; in the inference pass the same weight variables are reused (looked
 * up by name), batch-norm uses the running-statistics constants and dropout is the identity. The
 * two passes end in different output names and SameDiff executes only what a requested output
 * needs, so training pays nothing for the inference path and vice versa. (One pass with the
 * statistics blended by a train-flag constant, as first designed (docs/samediff-m2.1.md, note 1),
 * made the tiny train step ~35% slower: about ten extra small ops per batch-norm layer, forward and
 * backward.)
 *
 * <p>The weight initialisation draws from one seeded generator in creation order, so the same
 * config gives the same weights.
 */
public final class Layers {
  /** Largest batch a graph with dropout accepts (see {@link #dropout}). */
  public static final int MAX_DROPOUT_BATCH = 2048;

  /** Batch-norm epsilon. */
  public static final double BN_EPSILON = 1e-5;

  private final SameDiff sd;
  private final DataType dataType;
  private final SplittableRandom rng;
  private final List<String> batchNormLayers = new ArrayList<>();
  private final boolean fusedBatchNorm;
  private boolean inference;
  private boolean oneHotAtInference;
  private boolean oneHotInTraining;
  private boolean fullKernelsOnThinMaps;

  /**
   * Starts a graph, in the training pass.
   *
   * @param sd the graph
   * @param dataType FLOAT (training, inference) or DOUBLE (gradient checks)
   * @param seed weight initialisation seed
   */
  public Layers(SameDiff sd, DataType dataType, long seed) {
    this(sd, dataType, seed, true);
  }

  /**
   * Starts a graph, in the training pass, choosing the batch-norm form.
   *
   * @param sd the graph
   * @param dataType FLOAT (training, inference) or DOUBLE (gradient checks)
   * @param seed weight initialisation seed
   * @param fusedBatchNorm true for libnd4j's fused op ({@link #batchNorm}), false for the composed
   *     form ({@link #composedBatchNorm})
   */
  public Layers(SameDiff sd, DataType dataType, long seed, boolean fusedBatchNorm) {
    this.sd = sd;
    this.dataType = dataType;
    this.rng = new SplittableRandom(seed);
    this.fusedBatchNorm = fusedBatchNorm;
    TrainableGather.install();
    if (fusedBatchNorm) {
      FusedBatchNorm.install();
    }
  }

  /**
   * Switches between the training pass and the inference pass.
   *
   * @param inferencePass true for the inference pass
   */
  public void setInference(boolean inferencePass) {
    this.inference = inferencePass;
  }

  /**
   * Keeps the training pass's one-hot word lookup in the inference pass too (the form before the
   * inference gather; for differential tests only).
   *
   * @param oneHot true for the one-hot lookup in both passes
   */
  public void setOneHotAtInference(boolean oneHot) {
    this.oneHotAtInference = oneHot;
  }

  /**
   * Keeps the one-hot word lookup in the training pass (the form before the trainable gather,
   * {@link TrainableGather}; for differential tests and the benchmarks' before/after only).
   *
   * @param oneHot true for the one-hot (or two-step) product in the training pass
   */
  public void setOneHotInTraining(boolean oneHot) {
    this.oneHotInTraining = oneHot;
  }

  /**
   * Keeps the whole kernel of stride-1 convolutions on maps one pixel wide or high (the form before
   * the centre-column kernels of {@link #conv(String, SDVariable, int, int, int, int, int, int,
   * int, int)}; for differential tests and the benchmarks' before/after only).
   *
   * @param full true for the whole kernel everywhere
   */
  public void setFullKernelsOnThinMaps(boolean full) {
    this.fullKernelsOnThinMaps = full;
  }

  /**
   * Whether the word lookup being built is a plain gather: in the inference pass unless {@link
   * #setOneHotAtInference} asked for the one-hot form, in the training pass unless {@link
   * #setOneHotInTraining} did (the training gather differentiates through {@link TrainableGather}).
   *
   * @return true for a gather, false for the one-hot product
   */
  public boolean gatherLookup() {
    return inference ? !oneHotAtInference : !oneHotInTraining;
  }

  /**
   * Whether the inference pass is being built.
   *
   * @return true in the inference pass
   */
  public boolean inference() {
    return inference;
  }

  /**
   * The graph.
   *
   * @return the SameDiff instance being built
   */
  public SameDiff sd() {
    return sd;
  }

  /**
   * The floating-point type of every parameter and activation.
   *
   * @return FLOAT or DOUBLE
   */
  public DataType dataType() {
    return dataType;
  }

  /**
   * Names (prefixes) of the batch-norm layers created by the training pass, in build order.
   *
   * @return unmodifiable list
   */
  public List<String> batchNormLayers() {
    return Collections.unmodifiableList(batchNormLayers);
  }

  /**
   * A trainable variable drawn from {@code N(0, std²)}.
   *
   * @param name variable name
   * @param std standard deviation
   * @param shape shape
   * @return the variable
   */
  public SDVariable normal(String name, double std, long... shape) {
    if (sd.hasVariable(name)) {
      return sd.getVariable(name); // second pass: the same weights
    }
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    double[] data = new double[Math.toIntExact(n)];
    for (int i = 0; i < data.length; i++) {
      data[i] = std * gaussian();
    }
    return sd.var(name, Nd4j.create(data, shape, 'c').castTo(dataType));
  }

  private double gaussian() {
    // Box-Muller on the seeded generator (SplittableRandom has no nextGaussian on Java 17)
    double u1 = 1.0 - rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /**
   * A trainable variable filled with one value.
   *
   * @param name variable name
   * @param value the value
   * @param shape shape
   * @return the variable
   */
  public SDVariable filled(String name, double value, long... shape) {
    if (sd.hasVariable(name)) {
      return sd.getVariable(name);
    }
    return sd.var(name, Nd4j.valueArrayOf(shape, value, dataType));
  }

  /**
   * 2-D convolution without bias (a batch-norm follows), SAME padding, He-normal weights {@code
   * [kH, kW, cIn, cOut]} named {@code name + "/W"}.
   *
   * @param name layer name
   * @param x input {@code [N, cIn, H, W]}
   * @param kH kernel height
   * @param kW kernel width
   * @param cIn input channels
   * @param cOut output channels
   * @param sH stride along H
   * @param sW stride along W
   * @return {@code [N, cOut, ceil(H/sH), ceil(W/sW)]}
   */
  public SDVariable conv(
      String name, SDVariable x, int kH, int kW, int cIn, int cOut, int sH, int sW) {
    return conv(name, x, kH, kW, cIn, cOut, sH, sW, 0, 0);
  }

  /**
   * {@link #conv(String, SDVariable, int, int, int, int, int, int)} on an input map of known size.
   * A stride-1 convolution with an odd kernel on a map one pixel wide reads only padding through
   * every kernel column but the centre one (SAME padding adds {@code (kW − 1)/2} zero columns on
   * each side), so the op convolves with that column alone ({@code kH × 1}, the weights' centre
   * column sliced from the whole {@code [kH, kW, cIn, cOut]} variable): the same outputs and the
   * same gradients (the other columns' gradient is exactly zero either way), without the kernel
   * oneDNN picks for a 3×3 convolution with many channels — Winograd, whose 4×4 tiles are almost
   * all padding on such a map (10× slower backward for 256 channels on the tiny preset's 2×1 map at
   * 64×32; docs/samediff-m2.1.md, note 16). Likewise for maps one pixel high. The weight variable
   * keeps its whole shape, so saved models and pretrained weights are unchanged.
   *
   * @param name layer name
   * @param x input {@code [N, cIn, mapH, mapW]}
   * @param kH kernel height
   * @param kW kernel width
   * @param cIn input channels
   * @param cOut output channels
   * @param sH stride along H
   * @param sW stride along W
   * @param mapH input height, or 0 when not known
   * @param mapW input width, or 0 when not known
   * @return {@code [N, cOut, ceil(H/sH), ceil(W/sW)]}
   */
  public SDVariable conv(
      String name,
      SDVariable x,
      int kH,
      int kW,
      int cIn,
      int cOut,
      int sH,
      int sW,
      int mapH,
      int mapW) {
    SDVariable w = normal(name + "/W", Math.sqrt(2.0 / (kH * kW * cIn)), kH, kW, cIn, cOut);
    boolean rowOnly = thin(kH, sH, mapH);
    boolean columnOnly = thin(kW, sW, mapW);
    Conv2DConfig cfg =
        Conv2DConfig.builder()
            .kH(rowOnly ? 1 : kH)
            .kW(columnOnly ? 1 : kW)
            .sH(sH)
            .sW(sW)
            .paddingMode(PaddingMode.SAME)
            .dataFormat(Conv2DConfig.NCHW)
            .build();
    return sd.cnn().conv2d(x, centre(w, kH, kW, rowOnly, columnOnly), cfg);
  }

  /** Whether a kernel dimension reads only padding outside its centre on this map. */
  private boolean thin(int k, int stride, int map) {
    return !fullKernelsOnThinMaps && map == 1 && stride == 1 && k > 1 && k % 2 == 1;
  }

  /** The centre row and/or column of {@code [kH, kW, cIn, cOut]} weights (a strided slice). */
  private SDVariable centre(SDVariable w, int kH, int kW, boolean rowOnly, boolean columnOnly) {
    if (!rowOnly && !columnOnly) {
      return w;
    }
    long r = kH / 2;
    long c = kW / 2;
    return sd.stridedSlice(
        w,
        new long[] {rowOnly ? r : 0, columnOnly ? c : 0, 0, 0},
        new long[] {
          rowOnly ? r + 1 : kH, columnOnly ? c + 1 : kW, w.getShape()[2], w.getShape()[3]
        },
        new long[] {1, 1, 1, 1});
  }

  /**
   * 2-D convolution without bias with explicit symmetric padding (torchvision's layout:
   * docs/models.md, "Pretrained image backbones"), He-normal weights {@code [kH, kW, cIn, cOut]}
   * named {@code name + "/W"} (drawn as {@link #conv} draws them).
   *
   * @param name layer name
   * @param x input {@code [N, cIn, H, W]}
   * @param k kernel size (square)
   * @param cIn input channels
   * @param cOut output channels
   * @param s stride
   * @param pad zero rows/columns added on every side
   * @return {@code [N, cOut, floor((H + 2 pad − k)/s) + 1, floor((W + 2 pad − k)/s) + 1]}
   */
  public SDVariable convPadded(
      String name, SDVariable x, int k, int cIn, int cOut, int s, int pad) {
    return convPadded(name, x, k, cIn, cOut, s, pad, 0, 0);
  }

  /**
   * {@link #convPadded(String, SDVariable, int, int, int, int, int)} on an input map of known size:
   * with stride 1 and {@code pad = (k − 1)/2}, a map one pixel wide (high) reads only padding
   * outside the kernel's centre column (row), which alone is then convolved, unpadded along that
   * dimension (as in {@link #conv(String, SDVariable, int, int, int, int, int, int, int, int)}).
   *
   * @param name layer name
   * @param x input {@code [N, cIn, mapH, mapW]}
   * @param k kernel size (square)
   * @param cIn input channels
   * @param cOut output channels
   * @param s stride
   * @param pad zero rows/columns added on every side
   * @param mapH input height, or 0 when not known
   * @param mapW input width, or 0 when not known
   * @return {@code [N, cOut, floor((H + 2 pad − k)/s) + 1, floor((W + 2 pad − k)/s) + 1]}
   */
  public SDVariable convPadded(
      String name, SDVariable x, int k, int cIn, int cOut, int s, int pad, int mapH, int mapW) {
    SDVariable w = normal(name + "/W", Math.sqrt(2.0 / (k * k * cIn)), k, k, cIn, cOut);
    boolean centred = pad == (k - 1) / 2;
    boolean rowOnly = centred && thin(k, s, mapH);
    boolean columnOnly = centred && thin(k, s, mapW);
    Conv2DConfig cfg =
        Conv2DConfig.builder()
            .kH(rowOnly ? 1 : k)
            .kW(columnOnly ? 1 : k)
            .sH(s)
            .sW(s)
            .pH(rowOnly ? 0 : pad)
            .pW(columnOnly ? 0 : pad)
            .paddingMode(PaddingMode.VALID)
            .dataFormat(Conv2DConfig.NCHW)
            .build();
    return sd.cnn().conv2d(x, centre(w, k, k, rowOnly, columnOnly), cfg);
  }

  /**
   * Max pooling with explicit symmetric padding (torchvision's stem pooling). Only used on
   * non-negative inputs (after a ReLU), where padding with zeros and padding with −∞ give the same
   * maximum.
   *
   * @param x input {@code [N, C, H, W]}, non-negative
   * @param k window size
   * @param s stride
   * @param pad rows/columns added on every side
   * @return {@code [N, C, floor((H + 2 pad − k)/s) + 1, floor((W + 2 pad − k)/s) + 1]}
   */
  public SDVariable maxPoolPadded(SDVariable x, int k, int s, int pad) {
    Pooling2DConfig cfg =
        Pooling2DConfig.builder()
            .kH(k)
            .kW(k)
            .sH(s)
            .sW(s)
            .pH(pad)
            .pW(pad)
            .paddingMode(PaddingMode.VALID)
            .isNHWC(false)
            .build();
    return sd.cnn().maxPooling2d(x, cfg);
  }

  /**
   * 2-D convolution with a bias (no batch-norm follows), SAME padding; weights {@code name/W}
   * {@code [kH, kW, cIn, cOut]} He-normal, bias {@code name/b} {@code [cOut]} zero. The bias is an
   * input of the convolution op (its gradient comes out of the same backward op).
   *
   * @param name layer name
   * @param x input {@code [N, cIn, H, W]}
   * @param kH kernel height
   * @param kW kernel width
   * @param cIn input channels
   * @param cOut output channels
   * @return {@code [N, cOut, H, W]} (stride 1)
   */
  public SDVariable convWithBias(String name, SDVariable x, int kH, int kW, int cIn, int cOut) {
    SDVariable w = normal(name + "/W", Math.sqrt(2.0 / (kH * kW * cIn)), kH, kW, cIn, cOut);
    SDVariable b = filled(name + "/b", 0.0, cOut);
    Conv2DConfig cfg =
        Conv2DConfig.builder()
            .kH(kH)
            .kW(kW)
            .sH(1)
            .sW(1)
            .paddingMode(PaddingMode.SAME)
            .dataFormat(Conv2DConfig.NCHW)
            .build();
    return sd.cnn().conv2d(x, w, b, cfg);
  }

  /**
   * Max pooling, SAME padding.
   *
   * @param x input {@code [N, C, H, W]}
   * @param k window size
   * @param s stride
   * @return {@code [N, C, ceil(H/s), ceil(W/s)]}
   */
  public SDVariable maxPool(SDVariable x, int k, int s) {
    Pooling2DConfig cfg =
        Pooling2DConfig.builder()
            .kH(k)
            .kW(k)
            .sH(s)
            .sW(s)
            .paddingMode(PaddingMode.SAME)
            .isNHWC(false)
            .build();
    return sd.cnn().maxPooling2d(x, cfg);
  }

  /**
   * Batch normalisation over a 4-D {@code [N, C, H, W]} activation (statistics over axes 0, 2, 3)
   * or a 2-D {@code [N, C]} one (axis 0), with libnd4j's fused op ({@link FusedBatchNorm}).
   *
   * <p>Variables {@code name/gamma}, {@code name/beta} (trainable, {@code [C]}); constants {@code
   * name/runningMean}, {@code name/runningVar} ({@code [C]}, mean 0 and variance 1 until set by
   * {@code BatchNormStatistics}). Training pass: activations {@code name/batchMean} and {@code
   * name/batchVar} (biased) feed the fused op, whose backward returns the whole input gradient
   * (through the statistics too). Inference pass: the fused op on the running statistics, which
   * involves no other sample of the batch. The statistics come from one {@code moments} op whose
   * backward is one zero tensor ({@link FusedBatchNorm.BatchMoments}): two ops forward and three
   * backward, where the composed form ({@link #composedBatchNorm}) needs about thirty.
   *
   * @param name layer name
   * @param x input
   * @param channels {@code C}
   * @param conv true for {@code [N, C, H, W]}, false for {@code [N, C]}
   * @return the normalised activation, same shape as {@code x}
   */
  public SDVariable batchNorm(String name, SDVariable x, int channels, boolean conv) {
    if (!fusedBatchNorm) {
      return composedBatchNorm(name, x, channels, conv);
    }
    int[] axes = conv ? new int[] {0, 2, 3} : new int[] {0};
    SDVariable gamma = filled(name + "/gamma", 1.0, channels);
    SDVariable beta = filled(name + "/beta", 0.0, channels);
    SDVariable mean;
    SDVariable var;
    if (inference) {
      mean = sd.getVariable(name + GraphNames.BN_RUNNING_MEAN);
      var = sd.getVariable(name + GraphNames.BN_RUNNING_VAR);
    } else {
      sd.constant(name + GraphNames.BN_RUNNING_MEAN, Nd4j.zeros(dataType, channels));
      sd.constant(name + GraphNames.BN_RUNNING_VAR, Nd4j.ones(dataType, channels));
      // both statistics in one op whose backward is a single zero tensor (FusedBatchNorm): the
      // fused backward already returns the input gradient through them
      SDVariable[] m = new FusedBatchNorm.BatchMoments(sd, x, axes).outputVariables();
      mean = sd.updateVariableNameAndReference(m[0], name + GraphNames.BN_BATCH_MEAN);
      var = sd.updateVariableNameAndReference(m[1], name + GraphNames.BN_BATCH_VAR);
      batchNormLayers.add(name);
    }
    return new FusedBatchNorm.TrainableBatchNorm(sd, x, mean, var, gamma, beta, BN_EPSILON, 1)
        .outputVariable();
  }

  /**
   * Batch normalisation composed from basic ops (the form used before {@link FusedBatchNorm}; kept
   * for differential tests and for graphs built with {@code fusedBatchNorm = false}).
   *
   * <p>Variables {@code name/gamma}, {@code name/beta} ({@code [1, C, 1, 1]} or {@code [1, C]});
   * constants {@code name/runningMean}, {@code name/runningVar}. Training pass: {@code c = x −
   * batchMean}, {@code out = c ⊙ (0 + γ/√(batchVar + ε)) + β}, the scale broadcast by an add so
   * that the multiply is same-shape (a broadcast multiply's backward is slow in M2.1). Inference
   * pass: {@code out = (x − runningMean) ⊙ γ/√(runningVar + ε) + β}.
   *
   * @param name layer name
   * @param x input
   * @param channels {@code C}
   * @param conv true for {@code [N, C, H, W]}, false for {@code [N, C]}
   * @return the normalised activation, same shape as {@code x}
   */
  public SDVariable composedBatchNorm(String name, SDVariable x, int channels, boolean conv) {
    long[] shape = conv ? new long[] {1, channels, 1, 1} : new long[] {1, channels};
    int[] axes = conv ? new int[] {0, 2, 3} : new int[] {0};
    SDVariable gamma = filled(name + "/gamma", 1.0, shape);
    SDVariable beta = filled(name + "/beta", 0.0, shape);
    if (inference) {
      SDVariable mean = sd.getVariable(name + GraphNames.BN_RUNNING_MEAN);
      SDVariable var = sd.getVariable(name + GraphNames.BN_RUNNING_VAR);
      SDVariable scale = sd.math().rsqrt(var.add(BN_EPSILON)).mul(gamma);
      return x.sub(mean).mul(scale).add(beta);
    }
    sd.constant(name + GraphNames.BN_RUNNING_MEAN, Nd4j.zeros(dataType, shape));
    sd.constant(name + GraphNames.BN_RUNNING_VAR, Nd4j.ones(dataType, shape));
    SDVariable mean = sd.mean(name + GraphNames.BN_BATCH_MEAN, x, true, axes);
    SDVariable c = x.sub(mean);
    SDVariable var = sd.mean(name + GraphNames.BN_BATCH_VAR, c.mul(c), true, axes);
    SDVariable scale = sd.math().rsqrt(var.add(BN_EPSILON)).mul(gamma);
    batchNormLayers.add(name);
    return c.mul(sd.zerosLike(c).add(scale)).add(beta);
  }

  /**
   * Dense layer {@code x W (+ b)} as {@code mmul + add} (never {@code linear},
   * docs/samediff-m2.1.md, note 3). Weights {@code name/W} {@code [in, out]} Xavier-normal, bias
   * {@code name/b} {@code [1, out]} zero.
   *
   * @param name layer name
   * @param x input {@code [N, in]}
   * @param in input size
   * @param out output size
   * @param bias whether to add a bias
   * @return {@code [N, out]}
   */
  public SDVariable dense(String name, SDVariable x, int in, int out, boolean bias) {
    SDVariable w = normal(name + "/W", Math.sqrt(2.0 / (in + out)), in, out);
    SDVariable y = sd.mmul(x, w);
    return bias ? y.add(filled(name + "/b", 0.0, 1, out)) : y;
  }

  /**
   * ReLU as the scalar maximum {@code max(x, 0)}.
   *
   * <p>Not {@code sd.nn().relu}: in M2.1 its backward op ({@code thresholdedrelu_bp}) took 16% of
   * the op time of a tiny train step (batch 64, one thread), more than the forward convolutions;
   * the scalar maximum's backward (a {@code > 0} mask times the gradient) is a few plain
   * element-wise ops, and the step is ~15% faster (BENCHMARKS.md). Same values, same gradient (0 at
   * {@code x = 0}).
   *
   * @param x input
   * @return {@code max(x, 0)}
   */
  public SDVariable relu(SDVariable x) {
    return sd.scalarMax(x, 0.0);
  }

  /**
   * Inverted dropout: in the training pass each element is kept with probability {@code 1 −
   * dropFraction} and scaled by {@code 1/(1 − dropFraction)}; the inference pass returns the input.
   *
   * <p>The mask is {@code floor(u + keep)} with {@code u ~ U[0,1)} drawn by a static-shape {@code
   * [MAX_DROPOUT_BATCH, D]} uniform op and sliced to the batch: in M2.1 the dynamic-shape random
   * ops either return the same values on every call ({@code DistributionUniform}) or cannot infer
   * their shape ({@code DropOutInverted}); the static legacy op draws from ND4J's global generator
   * ({@code Nd4j.getRandom()}) and advances it, so runs are reproducible with {@code
   * Nd4j.getRandom().setSeed}. A graph with dropout therefore takes at most {@link
   * #MAX_DROPOUT_BATCH} samples per call.
   *
   * @param x input {@code [N, D]}
   * @param width {@code D}
   * @param dropFraction fraction dropped, {@code [0, 1)}; 0 returns {@code x} without any op
   * @return the output, same shape
   */
  public SDVariable dropout(SDVariable x, int width, double dropFraction) {
    if (dropFraction == 0 || inference) {
      return x;
    }
    double keep = 1 - dropFraction;
    SDVariable noise = sd.random().uniform(0.0, 1.0, dataType, MAX_DROPOUT_BATCH, width);
    SDVariable begin = sd.constant(Nd4j.createFromArray(new long[] {0, 0}));
    SDVariable u = sd.slice(noise, begin, sd.shape(x).castTo(DataType.LONG));
    SDVariable mask = sd.math().floor(u.add(keep)).mul(1.0 / keep);
    return x.mul(mask);
  }

  /**
   * Row-wise L2 normalisation along the last axis.
   *
   * @param name output name
   * @param x input {@code [..., D]}
   * @param axis the last axis index
   * @return {@code x / sqrt(Σ x² + 1e-12)}
   */
  public SDVariable l2Normalize(String name, SDVariable x, int axis) {
    SDVariable ss = sd.sum(x.mul(x), true, axis);
    return x.mul(name, sd.math().rsqrt(ss.add(1e-12)));
  }

  /**
   * Casts a placeholder's array to the graph's type when needed.
   *
   * @param arr an array
   * @return {@code arr} in {@link #dataType()}
   */
  public INDArray cast(INDArray arr) {
    return arr.dataType() == dataType ? arr : arr.castTo(dataType);
  }
}
