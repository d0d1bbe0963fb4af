package org.tbps4j.train;

import java.nio.charset.StandardCharsets;

/**
 * One master seed split per component (sampler, augmentation, initialisation, dropout, ...), so
 * that the same master seed gives the same run and components do not share random streams.
 */
public final class Seeds {
  private Seeds() {}

  /**
   * A seed for a named component.
   *
   * @param master the run's master seed
   * @param component a stable component name, e.g. {@code "sampler"}
   * @return a well-mixed 64-bit seed
   */
  public static long derive(long master, String component) {
    long h = master;
    for (byte b : component.getBytes(StandardCharsets.UTF_8)) {
      h = mix(h * 31 + b);
    }
    return mix(h);
  }

  /**
   * A seed for a component at a step (e.g. the text shift of batch {@code i}).
   *
   * @param master the run's master seed
   * @param component component name
   * @param step step index
   * @return a well-mixed seed
   */
  public static long derive(long master, String component, long step) {
    return mix(derive(master, component) + 0x9E3779B97F4A7C15L * (step + 1));
  }

  /** SplitMix64 finaliser. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
