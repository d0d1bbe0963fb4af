package org.tbps4j.loss;

/**
 * The fixed numerical constants shared by the graph and eager forms (both must use the same ones
 * for the 1e-5 agreement). They are not hyperparameters: they keep values and gradients finite.
 */
final class Numerics {
  /**
   * Normalisation {@code v / sqrt(|v|^2 + NORM_EPS^2)}: a zero vector maps to zero (cosine 0) with
   * a finite gradient; for {@code |v| >> 1e-8} it equals {@code v/|v|}.
   */
  static final double NORM_EPS = 1e-8;

  /** The {@code ε} in {@code log(q + ε)} of CMPM and SDM (docs/losses.md). */
  static final double LOG_EPS = 1e-8;

  /**
   * Support neighbor distance {@code sqrt(max(0, 2 - 2s) + DIST_EPS)}: bounds {@code |∂d/∂s|} by
   * {@code 1/(2·sqrt(DIST_EPS)) = 500} at {@code s = 1}, where the exact distance has an infinite
   * derivative; shifts distances by at most {@code 1e-3} (at d = 0) and by {@code ~1e-6/(2d)}
   * elsewhere.
   */
  static final double DIST_EPS = 1e-6;

  /** Added (negated) to masked-out scores before a max, so they never win. */
  static final double BIG = 1e9;

  private Numerics() {}
}
