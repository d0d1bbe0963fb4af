package org.tbps4j.data.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tbps4j.data.sample.Seeds;

class TokenShiftTest {

  /** {@code n} left-aligned sentences of 2..len ids in [1, 10), PAD after them. */
  private static int[] sentences(int n, int len, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] t = new int[n * len];
    for (int i = 0; i < n; i++) {
      int words = 2 + r.nextInt(len - 1);
      for (int j = 0; j < words; j++) {
        t[i * len + j] = 1 + r.nextInt(9);
      }
    }
    return t;
  }

  private static int[] shifted(TokenShift shift, int[] tokens, int len, long step) {
    int[] t = tokens.clone();
    shift.apply(t, len, step);
    return t;
  }

  @Test
  void shiftMovesTheSentenceAndReachesEveryOffset() {
    int[] row = {7, 8, 9, 0, 0, 0};
    SplittableRandom r = new SplittableRandom(1);
    Set<Integer> offsets = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      int[] s = TokenShift.shift(row, r);
      int off = 0;
      while (s[off] == 0) {
        off++;
      }
      assertArrayEquals(new int[] {7, 8, 9}, Arrays.copyOfRange(s, off, off + 3));
      assertEquals(3, Arrays.stream(s).filter(x -> x != 0).count());
      offsets.add(off);
    }
    assertEquals(Set.of(0, 1, 2, 3), offsets);
    assertArrayEquals(new int[6], TokenShift.shift(new int[6], r));
    int[] full = {1, 2, 3, 4, 5, 6};
    assertArrayEquals(full, TokenShift.shift(full, r));
  }

  @Test
  void shiftIsSeeded() {
    int[] t = sentences(16, 8, 3);
    assertArrayEquals(
        shifted(TokenShift.seeded(5), t, 8, 0), shifted(TokenShift.seeded(5), t, 8, 0));
    assertFalse(
        Arrays.equals(
            shifted(TokenShift.seeded(5), t, 8, 0), shifted(TokenShift.seeded(6), t, 8, 0)));
    assertFalse(
        Arrays.equals(
            shifted(TokenShift.seeded(5), t, 8, 0), shifted(TokenShift.seeded(5), t, 8, 1)),
        "another step, another shift");
    assertArrayEquals(t, shifted(TokenShift.NONE, t, 8, 0));
  }

  /**
   * The batch at step s is the rows shifted in order with one generator seeded {@code
   * Seeds.derive(master, "shift", s)}: the random stream the trainer used before the shift moved
   * into the training iterator (whole runs stay bit-identical).
   */
  @Test
  void aBatchDrawsRowByRowFromTheGeneratorOfItsStep() {
    long master = 3;
    int len = 7;
    int[] t = sentences(9, len, 11);
    t[2 * len] = 0; // an all-PAD row draws nothing
    Arrays.fill(t, 2 * len, 3 * len, 0);
    for (long step : new long[] {0, 1, 17, 1234}) {
      SplittableRandom rng = new SplittableRandom(Seeds.derive(master, "shift", step));
      int[] want = new int[t.length];
      for (int r = 0; r < 9; r++) {
        int[] row = TokenShift.shift(Arrays.copyOfRange(t, r * len, (r + 1) * len), rng);
        System.arraycopy(row, 0, want, r * len, len);
      }
      assertArrayEquals(
          want, shifted(TokenShift.seeded(Seeds.derive(master, "shift")), t, len, step));
    }
    assertEquals(Seeds.derive(master, "shift", 5), Seeds.atStep(Seeds.derive(master, "shift"), 5));
    assertNotEquals(Seeds.derive(master, "shift", 5), Seeds.derive(master, "shift", 6));
  }

  @Test
  void rowsThatDoNotDivideTheBatchAreRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> TokenShift.seeded(1).apply(new int[10], 4, 0));
    assertEquals("token rows of length 4 do not divide 10 ids", e.getMessage());
  }
}
