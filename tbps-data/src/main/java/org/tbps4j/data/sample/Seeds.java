package org.tbps4j.data.sample;

/**
 * Derives independent seeds from a master seed and a position (epoch, batch, sample, ...), so that
 * every random choice is a pure function of where it happens and never of thread timing.
 * SplitMix64's finaliser over the combined parts.
 */
public final class Seeds {
  private Seeds() {}

  /**
   * Mixes a master seed with any number of parts.
   *
   * @param seed the master seed
   * @param parts positions or stream tags
   * @return a well-mixed 64-bit seed
   */
  public static long mix(long seed, long... parts) {
    long h = finalise(seed ^ 0x9E3779B97F4A7C15L);
    for (long p : parts) {
      h = finalise(h + 0x9E3779B97F4A7C15L + finalise(p));
    }
    return h;
  }

  private static long finalise(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
