package org.tbps4j.train.listeners;

import java.util.Map;

/**
 * Stops training at the first step whose loss terms are not all finite, with the iteration and
 * every term in the message. The trainer keeps the last good checkpoint (nothing is written after a
 * non-finite step).
 */
public final class NanGuard implements TrainingListener {
  @Override
  public void iterationDone(IterationReport r) {
    check(r.iteration(), r.terms());
  }

  /**
   * Throws if any value is NaN or infinite.
   *
   * @param iteration the step
   * @param terms loss terms
   * @throws NonFiniteLossException if a term is not finite
   */
  public static void check(long iteration, Map<String, Double> terms) {
    for (double v : terms.values()) {
      if (!Double.isFinite(v)) {
        throw new NonFiniteLossException(iteration, terms);
      }
    }
  }
}
