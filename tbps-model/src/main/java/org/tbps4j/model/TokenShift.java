package org.tbps4j.model;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Dual-Path "shift" augmentation: each sentence (its tokens up to the last non-PAD one) is
 * placed at a uniformly random offset inside the padded length, with PAD (0) around it. Training
 * only; seeded, so the same seed and the same batches give the same shifts.
 */
public final class TokenShift {
  private final SplittableRandom rng;

  /**
   * Creates the augmentation.
   *
   * @param seed seed of its generator (one per component, see docs/training.md)
   */
  public TokenShift(long seed) {
    this.rng = new SplittableRandom(seed);
  }

  /**
   * Shifts every row of a batch.
   *
   * @param tokens token ids {@code [N, L]}, sentences left-aligned or anywhere, PAD = 0
   * @return a new INT {@code [N, L]} array; row {@code i} holds the same tokens between its first
   *     and last non-PAD token, moved to an offset drawn from {@code [0, L − length]}
   */
  public INDArray apply(INDArray tokens) {
    if (tokens.rank() != 2) {
      throw new IllegalArgumentException(
          "tokens must be [N, L], got " + Arrays.toString(tokens.shape()));
    }
    int n = (int) tokens.rows();
    int len = (int) tokens.columns();
    int[] ids = tokens.castTo(DataType.INT).dup('c').data().asInt();
    int[] out = new int[ids.length];
    for (int r = 0; r < n; r++) {
      int[] row = Arrays.copyOfRange(ids, r * len, (r + 1) * len);
      int[] shifted = shift(row, rng);
      System.arraycopy(shifted, 0, out, r * len, len);
    }
    return Nd4j.createFromArray(out).reshape(n, len);
  }

  /**
   * Shifts one row.
   *
   * @param row token ids of length {@code L}
   * @param random the generator
   * @return a new row with the sentence at a random offset
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
