package org.tbps4j.data.text;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.tbps4j.data.sample.Seeds;

/**
 * Training-time text augmentation, Dual-Path's "shift": each sentence (its tokens from the first to
 * the last non-PAD one) is placed at a uniformly random offset inside the padded length, with PAD
 * (0) around it. The text counterpart of {@link org.tbps4j.data.image.Augmentation}, applied by the
 * training iterator next to it; never at inference.
 *
 * <p><b>Randomness.</b> The rows of the batch at training step {@code s} (the batch's position
 * counted from the first batch of epoch 0) draw, in row order, one {@code nextInt} each (none for
 * an all-PAD row) from {@code new SplittableRandom(Seeds.atStep(seed, s))}: a pure function of the
 * seed and the step, whatever the threads.
 *
 * @param on whether sentences are shifted
 * @param seed the component's seed ({@code Seeds.derive(master, "shift")} in training)
 */
public record TokenShift(boolean on, long seed) {

  /** No shift. */
  public static final TokenShift NONE = new TokenShift(false, 0);

  /**
   * The shift with a seed.
   *
   * @param seed the component's seed
   * @return a shift that is on
   */
  public static TokenShift seeded(long seed) {
    return new TokenShift(true, seed);
  }

  /**
   * Shifts every row of a batch of token ids, in place.
   *
   * @param tokens token ids, row-major {@code [N, L]} (sentences left-aligned or anywhere, PAD =
   *     0); unchanged when the shift is off
   * @param length the row length {@code L} (≥ 1, dividing {@code tokens.length})
   * @param step the batch's training step
   * @throws IllegalArgumentException if {@code length} does not divide the array
   */
  public void apply(int[] tokens, int length, long step) {
    if (length < 1 || tokens.length % length != 0) {
      throw new IllegalArgumentException(
          "token rows of length " + length + " do not divide " + tokens.length + " ids");
    }
    if (!on) {
      return;
    }
    SplittableRandom rng = new SplittableRandom(Seeds.atStep(seed, step));
    for (int at = 0; at < tokens.length; at += length) {
      int[] shifted = shift(Arrays.copyOfRange(tokens, at, at + length), rng);
      System.arraycopy(shifted, 0, tokens, at, length);
    }
  }

  /**
   * Shifts one row.
   *
   * @param row token ids of length {@code L}
   * @param random the generator (one {@code nextInt} unless the row is all PAD)
   * @return a new row with the sentence at a random offset in {@code [0, L − length]}
   */
  static int[] shift(int[] row, SplittableRandom random) {
    int first = 0;
    while (first < row.length && row[first] == 0) {
      first++;
    }
    int[] out = new int[row.length];
    if (first == row.length) {
      return out; // all PAD
    }
    int last = row.length - 1;
    while (row[last] == 0) {
      last--;
    }
    int length = last - first + 1;
    int offset = random.nextInt(row.length - length + 1);
    System.arraycopy(row, first, out, offset, length);
    return out;
  }
}
