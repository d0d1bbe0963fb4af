package org.tbps4j.train.schedule;

import java.util.Objects;
import java.util.function.DoubleSupplier;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * A learning-rate schedule over a <em>time</em> budget (docs/training.md, "Time budgets"): linear
 * warm-up over the first {@code warmupFraction} of the budget, then cosine decay to {@code minLr}
 * at its end (or constant), as a function of the elapsed training time, whatever the step rate. A
 * run stopped by its budget therefore ends annealed, on a slow machine as on a fast one.
 *
 * <p>The elapsed fraction comes from a {@link #attach(DoubleSupplier) progress} supplier that the
 * trainer attaches (its clock, which a resumed run continues from the checkpoint). Without one the
 * schedule reads progress 0 (the warm-up's first value). The iteration and epoch arguments of
 * {@link #valueAt} are ignored, so a run that follows its budget is not bit-reproducible: the rate
 * of step {@code i} depends on how long the steps before it took.
 */
public final class BudgetSchedule implements ISchedule {
  private static final long serialVersionUID = 1L;

  /** Rate after the warm-up. */
  public enum Kind {
    /** Cosine from the base rate to the floor at the end of the budget. */
    COSINE,
    /** The base rate until the end of the budget. */
    CONSTANT
  }

  private final Kind kind;
  private final double baseLr;
  private final double minLr;
  private final double warmupFraction;
  private transient DoubleSupplier progress;

  /**
   * A schedule.
   *
   * @param kind cosine or constant after the warm-up
   * @param baseLr the peak rate, {@code > 0}
   * @param minLr the floor, {@code 0 <= minLr <= baseLr}
   * @param warmupFraction share of the budget spent warming up, in {@code [0, 1)}
   */
  public BudgetSchedule(
      @JsonProperty("kind") Kind kind,
      @JsonProperty("baseLr") double baseLr,
      @JsonProperty("minLr") double minLr,
      @JsonProperty("warmupFraction") double warmupFraction) {
    this.kind = Objects.requireNonNull(kind, "kind");
    if (!(baseLr > 0) || !(minLr >= 0) || minLr > baseLr) {
      throw new IllegalArgumentException(
          "learning rates must satisfy 0 <= minLr <= baseLr, baseLr > 0: " + minLr + ", " + baseLr);
    }
    if (!(warmupFraction >= 0 && warmupFraction < 1)) {
      throw new IllegalArgumentException("warmupFraction must be in [0, 1), got " + warmupFraction);
    }
    this.baseLr = baseLr;
    this.minLr = minLr;
    this.warmupFraction = warmupFraction;
  }

  /**
   * Connects the schedule to a clock.
   *
   * @param elapsedFraction elapsed share of the budget (values outside [0, 1] are clamped)
   * @return this schedule
   */
  public BudgetSchedule attach(DoubleSupplier elapsedFraction) {
    this.progress = elapsedFraction;
    return this;
  }

  /**
   * Connects the budget schedule of a graph's optimiser (a graph loaded from a checkpoint carries a
   * fresh copy of it) to a clock.
   *
   * @param sd a graph with a training config
   * @param elapsedFraction elapsed share of the budget
   * @return true when the graph's optimiser follows a budget schedule
   */
  public static boolean attach(SameDiff sd, DoubleSupplier elapsedFraction) {
    TrainingConfig tc = sd.getTrainingConfig();
    IUpdater u = tc == null ? null : tc.getUpdater();
    if (u == null) {
      return false;
    }
    ISchedule s = schedule(u);
    if (s instanceof BudgetSchedule b) {
      b.attach(elapsedFraction);
      return true;
    }
    return false;
  }

  private static ISchedule schedule(IUpdater u) {
    if (u instanceof org.nd4j.linalg.learning.config.Adam a) {
      return a.getLearningRateSchedule();
    }
    if (u instanceof org.nd4j.linalg.learning.config.Nesterovs n) {
      return n.getLearningRateSchedule();
    }
    if (u instanceof org.nd4j.linalg.learning.config.Sgd g) {
      return g.getLearningRateSchedule();
    }
    return null;
  }

  /**
   * The rate at an elapsed share of the budget.
   *
   * @param fraction elapsed share, clamped to [0, 1]
   * @return the learning rate
   */
  public double valueAtFraction(double fraction) {
    double p = Math.min(1, Math.max(0, fraction));
    if (p < warmupFraction) {
      // linear from a hundredth of the base rate (a first step of rate 0 would be wasted)
      return baseLr * Math.max(0.01, p / warmupFraction);
    }
    if (kind == Kind.CONSTANT) {
      return baseLr;
    }
    double t = warmupFraction >= 1 ? 1 : (p - warmupFraction) / (1 - warmupFraction);
    return minLr + (baseLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * t));
  }

  @Override
  public double valueAt(int iteration, int epoch) {
    return valueAtFraction(progress == null ? 0 : progress.getAsDouble());
  }

  @Override
  public ISchedule clone() {
    return this; // shares its clock: SameDiff clones the updater config per parameter
  }

  /**
   * Cosine or constant.
   *
   * @return the kind
   */
  @JsonProperty("kind")
  public Kind getKind() {
    return kind;
  }

  /**
   * Peak rate.
   *
   * @return base learning rate
   */
  @JsonProperty("baseLr")
  public double getBaseLr() {
    return baseLr;
  }

  /**
   * Floor.
   *
   * @return minimum learning rate
   */
  @JsonProperty("minLr")
  public double getMinLr() {
    return minLr;
  }

  /**
   * Warm-up share of the budget.
   *
   * @return the fraction
   */
  @JsonProperty("warmupFraction")
  public double getWarmupFraction() {
    return warmupFraction;
  }
}
