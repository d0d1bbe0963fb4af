package org.tbps4j.model.layers;

/**
 * Layer widths of a preset: the image ResNet and the text 1-D residual CNN.
 *
 * @param image the image path
 * @param text the text path
 */
public record Architecture(ImageSpec image, TextSpec text) {

  /**
   * Image ResNet layout.
   *
   * @param stemChannels channels of the stem convolution
   * @param stemKernel stem kernel size (square)
   * @param stemStride stem stride
   * @param stemPool whether a 3×3 stride-2 max pooling follows the stem
   * @param bottleneck bottleneck blocks (1×1, 3×3, 1×1 with a quarter-width middle) instead of
   *     basic blocks (two 3×3)
   * @param widths output channels per stage
   * @param blocks blocks per stage
   * @param strides stride of each stage's first block
   */
  public record ImageSpec(
      int stemChannels,
      int stemKernel,
      int stemStride,
      boolean stemPool,
      boolean bottleneck,
      int[] widths,
      int[] blocks,
      int[] strides) {}

  /**
   * Text CNN layouts.
   *
   * <p>{@code bottleneck} text path: a 1×1 stem from the word embedding, then stages of bottleneck
   * blocks whose middle convolution has kernel width 2 (stride on the first block of a stage).
   *
   * <p>{@code conv} text path: a kernel-3 convolution to {@code convWidth} channels, then {@code
   * convBlocks} residual blocks of two kernel-3 convolutions, all at full length.
   *
   * @param stemChannels channels of the 1×1 stem (bottleneck)
   * @param widths output channels per stage, middle width = a quarter, at least 1 (bottleneck)
   * @param blocks blocks per stage (bottleneck)
   * @param strides stride along the sequence of each stage's first block (bottleneck)
   * @param convWidth channels of every convolution (conv)
   * @param convBlocks residual blocks (conv)
   */
  public record TextSpec(
      int stemChannels, int[] widths, int[] blocks, int[] strides, int convWidth, int convBlocks) {}

  /**
   * The layout of a preset.
   *
   * @param preset one of {@code micro, tiny, resnet18, resnet50}
   * @return the widths
   * @throws IllegalArgumentException for an unknown preset
   */
  public static Architecture of(String preset) {
    return switch (preset) {
      case "micro" ->
          new Architecture(
              new ImageSpec(4, 3, 1, false, false, ints(4, 6), ints(1, 1), ints(1, 2)),
              new TextSpec(4, ints(4, 6), ints(1, 1), ints(1, 2), 6, 1));
      case "tiny" ->
          new Architecture(
              new ImageSpec(
                  32,
                  3,
                  2,
                  true,
                  false,
                  ints(32, 64, 128, 256),
                  ints(1, 1, 1, 1),
                  ints(1, 2, 2, 2)),
              new TextSpec(128, ints(128, 256, 256), ints(1, 1, 1), ints(1, 2, 2), 256, 1));
      case "resnet18" ->
          new Architecture(
              new ImageSpec(
                  64,
                  7,
                  2,
                  true,
                  false,
                  ints(64, 128, 256, 512),
                  ints(2, 2, 2, 2),
                  ints(1, 2, 2, 2)),
              new TextSpec(256, ints(256, 512, 512), ints(2, 2, 2), ints(1, 2, 2), 512, 2));
      case "resnet50" ->
          new Architecture(
              new ImageSpec(
                  64,
                  7,
                  2,
                  true,
                  true,
                  ints(256, 512, 1024, 2048),
                  ints(3, 4, 6, 3),
                  ints(1, 2, 2, 2)),
              new TextSpec(
                  256, ints(256, 512, 1024, 2048), ints(3, 4, 6, 3), ints(1, 2, 2, 1), 1024, 3));
      default -> throw new IllegalArgumentException("unknown preset '" + preset + "'");
    };
  }

  private static int[] ints(int... v) {
    return v;
  }
}
