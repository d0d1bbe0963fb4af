package org.tbps4j.train;

import java.util.function.LongSupplier;

/**
 * Wall time of the training loop over every process of a run: what a resumed run inherits from its
 * checkpoint plus what this process has run since {@link #start()} (called after the process's
 * first step, so building the gradient graph does not count).
 */
final class TrainingClock {
  private final LongSupplier nanos;
  private double prior;
  private long startedNanos = -1;

  TrainingClock(LongSupplier nanos) {
    this.nanos = nanos;
  }

  void resumeFrom(double seconds) {
    prior = Math.max(0, seconds);
  }

  void start() {
    startedNanos = nanos.getAsLong();
  }

  double elapsedSeconds() {
    return prior + (startedNanos < 0 ? 0 : (nanos.getAsLong() - startedNanos) / 1e9);
  }
}
