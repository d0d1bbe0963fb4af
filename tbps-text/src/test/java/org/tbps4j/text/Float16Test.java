package org.tbps4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * binary16 conversion against a slow, obviously correct twin: the nearest of all finite halves,
 * found by binary search over their exact values (doubles hold every half, every float and every
 * midpoint exactly), ties to the even bit pattern, beyond 65520 infinity.
 */
class Float16Test {

  /** The 31,744 non-negative finite halves in increasing order (bits 0x0000-0x7BFF). */
  private static final double[] POSITIVE = new double[0x7C00];

  static {
    for (int h = 0; h < 0x7C00; h++) {
      int e = h >>> 10;
      int m = h & 0x3FF;
      POSITIVE[h] = e == 0 ? m * Math.pow(2, -24) : (1024 + m) * Math.pow(2, e - 25);
    }
  }

  private static short slowFromFloat(float f) {
    int sign = f < 0 || (f == 0 && 1 / f < 0) ? 0x8000 : 0;
    double a = Math.abs((double) f);
    if (Double.isNaN(a)) {
      return (short) 0x7E00;
    }
    if (a >= 65520) { // 65504 + half of its ulp (32): the tie goes to the even "65536", infinity
      return (short) (sign | 0x7C00);
    }
    int lo = 0;
    int hi = POSITIVE.length - 1;
    while (lo < hi) { // largest h with POSITIVE[h] <= a
      int mid = (lo + hi + 1) >>> 1;
      if (POSITIVE[mid] <= a) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    int h = lo;
    if (h + 1 < POSITIVE.length) {
      double down = a - POSITIVE[h];
      double up = POSITIVE[h + 1] - a;
      if (up < down || (up == down && (h & 1) == 1)) {
        h++;
      }
    } else if (a - POSITIVE[h] > 16) {
      h = 0x7C00;
    }
    return (short) (sign | h);
  }

  @Test
  void everyHalfRoundTrips() {
    for (int h = 0; h < 65536; h++) {
      float f = Float16.toFloat((short) h);
      boolean nan = (h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0;
      if (nan) {
        assertTrue(Float.isNaN(f));
        assertTrue(Float.isNaN(Float16.toFloat(Float16.fromFloat(f))));
      } else {
        assertEquals((short) h, Float16.fromFloat(f), "half " + Integer.toHexString(h));
      }
    }
  }

  @Test
  void knownValues() {
    assertEquals(1.0f, Float16.toFloat((short) 0x3C00));
    assertEquals(65504f, Float16.toFloat((short) 0x7BFF));
    assertEquals((float) Math.pow(2, -24), Float16.toFloat((short) 0x0001));
    assertEquals((short) 0x3555, Float16.fromFloat(1f / 3));
    assertEquals((short) 0x7C00, Float16.fromFloat(1e6f));
    assertEquals((short) 0x8000, Float16.fromFloat(-1e-9f));
  }

  @Test
  void randomFloatsRoundToTheNearestHalf() {
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < 300_000; i++) {
      float f;
      switch (i % 4) {
        case 0 -> f = Float.intBitsToFloat(r.nextInt()); // any bit pattern
        case 1 -> f = (float) (r.nextGaussian() * 4); // feature-like
        case 2 -> f = (float) ((r.nextDouble() - 0.5) * Math.pow(2, -13)); // subnormal range
        default -> {
          // exact midpoints between neighbouring halves (ties)
          int h = r.nextInt(0x7BFF);
          f =
              (float)
                  ((Float16.toFloat((short) h) + (double) Float16.toFloat((short) (h + 1))) / 2);
        }
      }
      if (Float.isNaN(f)) {
        assertTrue(Float.isNaN(Float16.toFloat(Float16.fromFloat(f))));
        continue;
      }
      assertEquals(slowFromFloat(f), Float16.fromFloat(f), "float " + f);
    }
  }
}
