package org.tbps4j.model.pretrained;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.tbps4j.model.GraphNames;
import org.tbps4j.model.layers.Architecture;

/**
 * Where each tensor of a torchvision ResNet goes in a preset's image backbone, in the order of
 * torchvision's forward pass (stem, then per block its convolutions with their batch-norms, the
 * shortcut projection last).
 *
 * <p>torchvision name → our variable ({@code P = image/backbone/}):
 *
 * <ul>
 *   <li>{@code conv1.weight} {@code [64,3,7,7]} → {@code P stem/conv/W} {@code [7,7,3,64]};
 *   <li>{@code bn1.{weight,bias,running_mean,running_var}} → {@code P stem/bn/{gamma, beta,
 *       runningMean, runningVar}};
 *   <li>{@code layerS.B.convJ.weight}, {@code layerS.B.bnJ.*} → {@code P
 *       stageS/block(B+1)/convJ/W}, {@code .../bnJ/*};
 *   <li>{@code layerS.B.downsample.0.weight}, {@code downsample.1.*} → {@code .../shortcut/conv/W},
 *       {@code .../shortcut/bn/*}.
 * </ul>
 *
 * Convolution kernels are {@code [out, in, kH, kW]} in ONNX and {@code [kH, kW, in, out]} here. The
 * classifier ({@code fc.*}) has no counterpart.
 */
public final class TorchvisionLayout {
  /** torchvision's batch-norm tensor suffixes, in ONNX BatchNormalization input order. */
  static final List<String> BN_TORCH = List.of("weight", "bias", "running_mean", "running_var");

  /** Our batch-norm variable suffixes, in the same order. */
  static final List<String> BN_OURS =
      List.of("/gamma", "/beta", GraphNames.BN_RUNNING_MEAN, GraphNames.BN_RUNNING_VAR);

  /**
   * A convolution and the batch-norm after it.
   *
   * @param torchConv torchvision name of the kernel, e.g. {@code layer1.0.conv1.weight}
   * @param torchBn torchvision prefix of the batch-norm, e.g. {@code layer1.0.bn1}
   * @param ourConv our layer name of the convolution (its kernel is {@code ourConv + "/W"})
   * @param ourBn our layer name of the batch-norm
   * @param out output channels
   * @param in input channels
   * @param k kernel size (square)
   * @param stride stride (square); the padding is {@code (k − 1)/2}
   * @param block the block it belongs to ({@code stem} or {@code layerS.B})
   */
  public record ConvBn(
      String torchConv,
      String torchBn,
      String ourConv,
      String ourBn,
      int out,
      int in,
      int k,
      int stride,
      String block) {
    /**
     * The kernel's ONNX shape.
     *
     * @return {@code [out, in, k, k]}
     */
    public long[] torchShape() {
      return new long[] {out, in, k, k};
    }
  }

  private final String preset;
  private final boolean bottleneck;
  private final List<ConvBn> layers;

  private TorchvisionLayout(String preset, boolean bottleneck, List<ConvBn> layers) {
    this.preset = preset;
    this.bottleneck = bottleneck;
    this.layers = Collections.unmodifiableList(layers);
  }

  /**
   * The layout of a preset's image backbone.
   *
   * @param preset {@code resnet18} or {@code resnet50}
   * @return the layout
   * @throws IllegalArgumentException for a preset with no torchvision counterpart
   */
  public static TorchvisionLayout of(String preset) {
    if (!"resnet18".equals(preset) && !"resnet50".equals(preset)) {
      throw new IllegalArgumentException(
          "preset: '" + preset + "' has no torchvision counterpart (valid: resnet18, resnet50)");
    }
    Architecture.ImageSpec spec = Architecture.of(preset).image();
    String p = GraphNames.IMAGE_BACKBONE_PREFIX;
    List<ConvBn> list = new ArrayList<>();
    int c = spec.stemChannels();
    list.add(
        new ConvBn(
            "conv1.weight",
            "bn1",
            p + "stem/conv",
            p + "stem/bn",
            c,
            3,
            spec.stemKernel(),
            spec.stemStride(),
            "stem"));
    for (int st = 0; st < spec.widths().length; st++) {
      int out = spec.widths()[st];
      for (int b = 0; b < spec.blocks()[st]; b++) {
        String t = "layer" + (st + 1) + "." + b + ".";
        String o = p + "stage" + (st + 1) + "/block" + (b + 1) + "/";
        String blk = "layer" + (st + 1) + "." + b;
        int stride = b == 0 ? spec.strides()[st] : 1;
        if (spec.bottleneck()) {
          int mid = out / 4;
          list.add(conv(t, o, 1, mid, c, 1, 1, blk));
          list.add(conv(t, o, 2, mid, mid, 3, stride, blk)); // v1.5: stride on the 3×3
          list.add(conv(t, o, 3, out, mid, 1, 1, blk));
        } else {
          list.add(conv(t, o, 1, out, c, 3, stride, blk));
          list.add(conv(t, o, 2, out, out, 3, 1, blk));
        }
        if (c != out || stride != 1) {
          list.add(
              new ConvBn(
                  t + "downsample.0.weight",
                  t + "downsample.1",
                  o + "shortcut/conv",
                  o + "shortcut/bn",
                  out,
                  c,
                  1,
                  stride,
                  blk));
        }
        c = out;
      }
    }
    return new TorchvisionLayout(preset, spec.bottleneck(), list);
  }

  private static ConvBn conv(
      String t, String o, int j, int out, int in, int k, int stride, String blk) {
    return new ConvBn(
        t + "conv" + j + ".weight",
        t + "bn" + j,
        o + "conv" + j,
        o + "bn" + j,
        out,
        in,
        k,
        stride,
        blk);
  }

  /**
   * The preset.
   *
   * @return {@code resnet18} or {@code resnet50}
   */
  public String preset() {
    return preset;
  }

  /**
   * Whether the blocks are bottlenecks.
   *
   * @return true for resnet50
   */
  public boolean bottleneck() {
    return bottleneck;
  }

  /**
   * Every convolution with its batch-norm, in torchvision's forward order.
   *
   * @return unmodifiable list (20 for resnet18, 53 for resnet50)
   */
  public List<ConvBn> layers() {
    return layers;
  }

  /**
   * Every torchvision tensor name the backbone needs (the classifier excluded), in order.
   *
   * @return names: per layer the kernel, then the batch-norm's four tensors
   */
  public List<String> torchNames() {
    List<String> names = new ArrayList<>();
    for (ConvBn l : layers) {
      names.add(l.torchConv());
      for (String s : BN_TORCH) {
        names.add(l.torchBn() + "." + s);
      }
    }
    return names;
  }
}
