package org.tbps4j.data.image;

import java.util.Random;

/**
 * Training-time image augmentation: horizontal flip and pad-crop. Never colour changes: colour
 * words are what captions describe.
 *
 * <p>Pad-crop pads the image by {@code pad} pixels on every side with the mean colour (0 after
 * normalisation) and crops {@code H×W} at a random offset, i.e. shifts the image by {@code dy, dx ∈
 * [−pad, pad]}. With both: {@code out(y, x) = in(y + dy, W − 1 − x + dx)} when flipped, {@code in(y
 * + dy, x + dx)} otherwise, and 0 outside the image.
 *
 * @param flip whether to flip with probability ½
 * @param pad maximum shift in pixels (0 = no pad-crop)
 */
public record Augmentation(boolean flip, int pad) {

  /** No augmentation (evaluation). */
  public static final Augmentation NONE = new Augmentation(false, 0);

  /**
   * Validates the pad.
   *
   * @throws IllegalArgumentException if {@code pad < 0}
   */
  public Augmentation {
    if (pad < 0) {
      throw new IllegalArgumentException("augmentation pad must be >= 0, got " + pad);
    }
  }

  /**
   * The usual re-id recipe for an input size: flip and a pad of about 1/16 of the width (10 px at
   * 384×128 would be 8 here; at 128×64, 4).
   *
   * @param settings the input size
   * @return flip + pad {@code max(1, round(W / 16))}
   */
  public static Augmentation standard(ImageSettings settings) {
    return new Augmentation(true, Math.max(1, Math.round(settings.width() / 16f)));
  }

  /**
   * Draws the random choices for one sample.
   *
   * @param rnd the sample's random source
   * @return the flip and shift to apply
   */
  public Params sample(Random rnd) {
    boolean f = flip && rnd.nextBoolean();
    int dy = pad == 0 ? 0 : rnd.nextInt(2 * pad + 1) - pad;
    int dx = pad == 0 ? 0 : rnd.nextInt(2 * pad + 1) - pad;
    return new Params(f, dy, dx);
  }

  /**
   * The choices for one sample.
   *
   * @param flip mirror left–right
   * @param dy vertical shift in pixels
   * @param dx horizontal shift in pixels
   */
  public record Params(boolean flip, int dy, int dx) {
    /** Identity transform. */
    public static final Params IDENTITY = new Params(false, 0, 0);
  }
}
