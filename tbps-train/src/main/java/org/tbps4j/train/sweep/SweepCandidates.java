package org.tbps4j.train.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.api.CandidateGenerator;
import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.arbiter.optimize.generator.GridSearchCandidateGenerator;
import org.deeplearning4j.arbiter.optimize.generator.RandomSearchGenerator;

/**
 * The candidates of a sweep: Arbiter's {@link RandomSearchGenerator} (seeded: the same seed gives
 * the same candidate list) or {@link GridSearchCandidateGenerator} (sequential: the first path
 * varies fastest), cut to the candidate budget, and with the candidates an earlier run of the sweep
 * completed left out ({@code --resume}).
 *
 * <p>Candidates keep their generator index, so candidate {@code i} is the same point whether the
 * sweep ran in one go or was resumed; a completed candidate whose recorded values differ from the
 * generator's is an error (the sweep file changed).
 */
public final class SweepCandidates implements CandidateGenerator {
  private final CandidateGenerator source;
  private final int budget;
  private final Map<Integer, SweepPoint> completed;
  private final List<Integer> skipped = new ArrayList<>();
  private int drawn;
  private Candidate<?> next;

  /**
   * Wraps a generator.
   *
   * @param source Arbiter's generator over a {@link SweepSpace}
   * @param budget how many candidates (indices 0..budget−1) the sweep has
   * @param completed candidates finished earlier, by index, to leave out
   */
  public SweepCandidates(
      CandidateGenerator source, int budget, Map<Integer, SweepPoint> completed) {
    this.source = source;
    this.budget = budget;
    this.completed = Map.copyOf(completed);
  }

  /**
   * Arbiter's generator for a plan: random search seeded with the plan's seed, or a sequential grid
   * with {@code grid_points} values per continuous range.
   *
   * @param plan the sweep
   * @return the generator (not yet wrapped)
   */
  public static CandidateGenerator arbiter(SweepPlan plan) {
    SweepSpace space = new SweepSpace(plan.config().space());
    if (plan.config().search().equals(SweepConfig.GRID)) {
      if (plan.gridSize() >= Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            plan.source() + ": the grid has " + plan.gridSize() + " points: too many");
      }
      return new GridSearchCandidateGenerator(
          space, plan.config().gridPoints(), GridSearchCandidateGenerator.Mode.Sequential, null);
    }
    RandomSearchGenerator g = new RandomSearchGenerator(space, null);
    g.setRngSeed(plan.config().seed());
    return g;
  }

  /**
   * The first {@code n} candidates a plan generates (no training; for tests and previews).
   *
   * @param plan the sweep
   * @param n how many
   * @return up to n candidates, in order
   */
  public static List<SweepPoint> preview(SweepPlan plan, int n) {
    CandidateGenerator g = arbiter(plan);
    List<SweepPoint> out = new ArrayList<>();
    while (out.size() < n && g.hasMoreCandidates()) {
      out.add((SweepPoint) g.getCandidate().getValue());
    }
    return out;
  }

  /**
   * Checks recorded candidates against what the plan generates now (before a resume trains or skips
   * anything).
   *
   * @param plan the sweep
   * @param recorded candidates recorded by an earlier run, by index
   * @throws IllegalArgumentException when a recorded candidate differs from the generated one
   */
  public static void verify(SweepPlan plan, Map<Integer, SweepPoint> recorded) {
    int last = recorded.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
    List<SweepPoint> now = preview(plan, last + 1);
    for (Map.Entry<Integer, SweepPoint> e : recorded.entrySet()) {
      SweepPoint generated = e.getKey() < now.size() ? now.get(e.getKey()) : null;
      if (!e.getValue().equals(generated)) {
        throw changed(e.getKey(), e.getValue(), generated);
      }
    }
  }

  private static IllegalArgumentException changed(int index, SweepPoint was, SweepPoint now) {
    return new IllegalArgumentException(
        "candidate "
            + index
            + " was recorded as {"
            + was
            + "} but the sweep now generates "
            + (now == null ? "no such candidate" : "{" + now + "}")
            + ": the sweep file (space, search or seed) changed since; resume with the"
            + " same file or choose another output folder");
  }

  private void advance() {
    while (next == null && drawn < budget && source.hasMoreCandidates()) {
      Candidate<?> c = source.getCandidate();
      drawn++;
      if (c.getException() != null) {
        throw new IllegalStateException(
            "candidate " + c.getIndex() + " could not be generated: " + c.getException(),
            c.getException());
      }
      SweepPoint done = completed.get(c.getIndex());
      if (done != null) {
        SweepPoint now = (SweepPoint) c.getValue();
        if (!done.equals(now)) {
          throw changed(c.getIndex(), done, now);
        }
        skipped.add(c.getIndex());
        continue;
      }
      next = c;
    }
  }

  @Override
  public boolean hasMoreCandidates() {
    advance();
    return next != null;
  }

  @Override
  @SuppressWarnings("rawtypes") // Arbiter's interface
  public Candidate getCandidate() {
    advance();
    if (next == null) {
      throw new IllegalStateException("no more candidates");
    }
    Candidate<?> c = next;
    next = null;
    return c;
  }

  /**
   * Indices left out because an earlier run completed them.
   *
   * @return skipped indices, in order
   */
  public List<Integer> skipped() {
    return List.copyOf(skipped);
  }

  @Override
  public void reportResults(OptimizationResult result) {
    source.reportResults(result);
  }

  @Override
  public ParameterSpace<?> getParameterSpace() {
    return source.getParameterSpace();
  }

  @Override
  public void setRngSeed(long rngSeed) {
    source.setRngSeed(rngSeed);
  }

  @Override
  public Class<?> getCandidateType() {
    return SweepPoint.class;
  }
}
