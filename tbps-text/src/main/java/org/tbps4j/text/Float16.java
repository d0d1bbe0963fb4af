package org.tbps4j.text;

/**
 * IEEE 754 binary16 ("half") conversion, for the feature cache (Java 17 has none built in).
 *
 * <p>{@link #fromFloat} rounds to the nearest half, ties to even; values beyond the largest half
 * (65504) become infinity, values below the smallest subnormal (2⁻²⁴) round to a signed zero, NaN
 * stays NaN. {@link #toFloat} is exact (every half is a float); it reads a 65,536-entry table.
 */
public final class Float16 {
  private static final float[] TO_FLOAT = new float[65536];

  static {
    for (int h = 0; h < 65536; h++) {
      TO_FLOAT[h] = decode((short) h);
    }
  }

  private Float16() {}

  /**
   * The half nearest to a float.
   *
   * @param f any float
   * @return its binary16 bits
   */
  public static short fromFloat(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xFF;
    int mant = bits & 0x7FFFFF;
    if (exp == 0xFF) { // infinity or NaN (keep NaN a NaN: set a mantissa bit)
      return (short) (sign | 0x7C00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
    }
    int e = exp - 127 + 15; // the half's biased exponent
    if (e >= 0x1F) {
      return (short) (sign | 0x7C00); // overflow
    }
    if (e <= 0) { // subnormal half or zero
      if (e < -10) {
        return (short) sign; // below half the smallest subnormal (rounds to zero)
      }
      int m = mant | 0x800000; // implicit bit
      int shift = 14 - e; // 24-bit significand to a 10-bit subnormal field
      int half = m >>> shift;
      int rem = m & ((1 << shift) - 1);
      int mid = 1 << (shift - 1);
      if (rem > mid || (rem == mid && (half & 1) == 1)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mant >>> 13);
    int rem = mant & 0x1FFF;
    if (rem > 0x1000 || (rem == 0x1000 && (half & 1) == 1)) {
      half++; // may carry into the exponent, up to infinity: both correct
    }
    return (short) (sign | half);
  }

  /**
   * The float value of a half.
   *
   * @param h binary16 bits
   * @return its exact value
   */
  public static float toFloat(short h) {
    return TO_FLOAT[h & 0xFFFF];
  }

  private static float decode(short h) {
    int bits = h & 0xFFFF;
    int sign = bits >>> 15;
    int exp = (bits >>> 10) & 0x1F;
    int mant = bits & 0x3FF;
    double v;
    if (exp == 0) {
      v = mant * Math.pow(2, -24);
    } else if (exp == 0x1F) {
      v = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
    } else {
      v = (1024 + mant) * Math.pow(2, exp - 25);
    }
    return (float) (sign == 1 ? -v : v);
  }
}
