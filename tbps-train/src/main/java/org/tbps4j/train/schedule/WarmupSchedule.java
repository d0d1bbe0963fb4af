package org.tbps4j.train.schedule;

import java.util.Arrays;
import java.util.Objects;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Learning rate by iteration: linear warm-up from 0 to {@code baseLr} over {@code
 * warmupIterations}, then one of
 *
 * <ul>
 *   <li>{@code cosine}: {@code minLr + (baseLr − minLr)·½(1 + cos(π·t))}, {@code t} going from 0 to
 *       1 between the end of warm-up and {@code totalIterations};
 *   <li>{@code step}: {@code baseLr · gamma^(number of milestones ≤ iteration)};
 *   <li>{@code constant}: {@code baseLr}.
 * </ul>
 *
 * <p>Immutable and serialisable with ND4J's Jackson, so it is saved with the model's training
 * configuration and a resumed run continues on the same curve.
 */
public final class WarmupSchedule implements ISchedule {
  private static final long serialVersionUID = 1L;

  /** The decay after warm-up. */
  public enum Kind {
    /** Cosine to {@code minLr}. */
    COSINE,
    /** Multiply by {@code gamma} at each milestone. */
    STEP,
    /** Keep {@code baseLr}. */
    CONSTANT
  }

  private final Kind kind;
  private final double baseLr;
  private final double minLr;
  private final long warmupIterations;
  private final long totalIterations;
  private final long[] milestones;
  private final double gamma;

  /**
   * Creates a schedule.
   *
   * @param kind the decay after warm-up
   * @param baseLr the rate reached at the end of warm-up
   * @param minLr cosine floor
   * @param warmupIterations warm-up length (0 = none)
   * @param totalIterations the run's length (cosine reaches {@code minLr} there)
   * @param milestones step milestones, in iterations, increasing
   * @param gamma step factor
   */
  public WarmupSchedule(
      @JsonProperty("kind") Kind kind,
      @JsonProperty("baseLr") double baseLr,
      @JsonProperty("minLr") double minLr,
      @JsonProperty("warmupIterations") long warmupIterations,
      @JsonProperty("totalIterations") long totalIterations,
      @JsonProperty("milestones") long[] milestones,
      @JsonProperty("gamma") double gamma) {
    this.kind = Objects.requireNonNull(kind, "kind");
    if (!(baseLr > 0) || minLr < 0 || minLr > baseLr) {
      throw new IllegalArgumentException(
          "learning rates must satisfy 0 <= minLr <= baseLr, baseLr > 0: " + minLr + ", " + baseLr);
    }
    if (warmupIterations < 0 || totalIterations < 1) {
      throw new IllegalArgumentException(
          "warmupIterations >= 0 and totalIterations >= 1 required: "
              + warmupIterations
              + ", "
              + totalIterations);
    }
    this.baseLr = baseLr;
    this.minLr = minLr;
    this.warmupIterations = warmupIterations;
    this.totalIterations = totalIterations;
    this.milestones = milestones == null ? new long[0] : milestones.clone();
    this.gamma = gamma;
  }

  @Override
  public double valueAt(int iteration, int epoch) {
    if (iteration < warmupIterations) {
      return baseLr * (iteration + 1) / (double) (warmupIterations + 1);
    }
    return switch (kind) {
      case CONSTANT -> baseLr;
      case STEP -> {
        int passed = 0;
        for (long m : milestones) {
          if (iteration >= m) {
            passed++;
          }
        }
        yield baseLr * Math.pow(gamma, passed);
      }
      case COSINE -> {
        long span = Math.max(1, totalIterations - warmupIterations);
        double t = Math.min(1.0, (iteration - warmupIterations) / (double) span);
        yield minLr + (baseLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * t));
      }
    };
  }

  @Override
  public ISchedule clone() {
    return this; // immutable
  }

  /**
   * @return the decay kind
   */
  @JsonProperty("kind")
  public Kind getKind() {
    return kind;
  }

  /**
   * @return the peak learning rate
   */
  @JsonProperty("baseLr")
  public double getBaseLr() {
    return baseLr;
  }

  /**
   * @return the cosine floor
   */
  @JsonProperty("minLr")
  public double getMinLr() {
    return minLr;
  }

  /**
   * @return warm-up length in iterations
   */
  @JsonProperty("warmupIterations")
  public long getWarmupIterations() {
    return warmupIterations;
  }

  /**
   * @return run length in iterations
   */
  @JsonProperty("totalIterations")
  public long getTotalIterations() {
    return totalIterations;
  }

  /**
   * @return step milestones in iterations
   */
  @JsonProperty("milestones")
  public long[] getMilestones() {
    return milestones.clone();
  }

  /**
   * @return step factor
   */
  @JsonProperty("gamma")
  public double getGamma() {
    return gamma;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WarmupSchedule w
        && kind == w.kind
        && baseLr == w.baseLr
        && minLr == w.minLr
        && warmupIterations == w.warmupIterations
        && totalIterations == w.totalIterations
        && Arrays.equals(milestones, w.milestones)
        && gamma == w.gamma;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, baseLr, minLr, warmupIterations, totalIterations, gamma)
        + Arrays.hashCode(milestones);
  }

  @Override
  public String toString() {
    return "WarmupSchedule{"
        + kind
        + ", lr="
        + baseLr
        + ", min="
        + minLr
        + ", warmup="
        + warmupIterations
        + ", total="
        + totalIterations
        + ", milestones="
        + Arrays.toString(milestones)
        + ", gamma="
        + gamma
        + "}";
  }
}
