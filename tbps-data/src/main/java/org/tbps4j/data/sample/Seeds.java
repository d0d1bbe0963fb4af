package org.tbps4j.data.sample;

import java.nio.charset.StandardCharsets;

/**
 * Derives independent seeds from a master seed: per named component (sampler, augmentation,
 * initialisation, dropout, …), so components never share a random stream, and per position (epoch,
 * batch, sample, step, …), so every random choice is a pure function of where it happens and never
 * of thread timing. All of it is SplitMix64's finaliser over the combined parts; this is the one
 * seed derivation of the project (data, training and synthetic worlds).
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

  /**
   * A seed for a named component of a run.
   *
   * @param master the run's master seed
   * @param component a stable component name, e.g. {@code "sampler"}
   * @return a well-mixed 64-bit seed
   */
  public static long derive(long master, String component) {
    long h = master;
    for (byte b : component.getBytes(StandardCharsets.UTF_8)) {
      h = finalise(h * 31 + b);
    }
    return finalise(h);
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
    return atStep(derive(master, component), step);
  }

  /**
   * A seed for a component at a step, from the component's own seed: {@code atStep(derive(master,
   * component), step) == derive(master, component, step)}, for code that is handed the component's
   * seed rather than the run's (e.g. the text shift inside the training iterator).
   *
   * @param componentSeed the component's seed ({@link #derive(long, String)})
   * @param step step index
   * @return a well-mixed seed
   */
  public static long atStep(long componentSeed, long step) {
    return finalise(componentSeed + 0x9E3779B97F4A7C15L * (step + 1));
  }

  /**
   * SplitMix64's finaliser: a bijection of 64-bit values that spreads every input bit over the
   * output.
   *
   * @param z any value
   * @return the mixed value
   */
  public static long finalise(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
