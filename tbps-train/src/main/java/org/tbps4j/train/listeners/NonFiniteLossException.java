package org.tbps4j.train.listeners;

import java.util.Map;

/** Thrown when a loss term becomes NaN or infinite; the message names the step and every term. */
public final class NonFiniteLossException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The step at which it happened. */
  private final long iteration;

  /**
   * Creates the exception.
   *
   * @param iteration the step
   * @param terms every loss term's value at that step
   */
  public NonFiniteLossException(long iteration, Map<String, Double> terms) {
    super("non-finite loss at iteration " + iteration + ": " + terms);
    this.iteration = iteration;
  }

  /**
   * The step at which the loss became non-finite.
   *
   * @return the iteration
   */
  public long iteration() {
    return iteration;
  }
}
