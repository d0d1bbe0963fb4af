package org.tbps4j.train.sweep;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a sweep told its candidates apart: when the searched space includes {@code seed}, the
 * complete candidates are grouped by every other searched value, and each setting gets the mean and
 * the spread (half the range) of its scores over the seeds. The sweep <em>separates</em> its best
 * and worst settings when the gap between their means is more than twice the largest seed spread of
 * any setting; otherwise the ranking is within the noise of the seeds and says nothing (see
 * docs/training.md, "Sweeps that separate").
 *
 * @param groups one entry per setting (the searched values without the seed), best mean first
 * @param gap best mean − worst mean (percentage points of R@1)
 * @param spread the largest seed spread of a setting (points)
 */
public record SeedSpread(List<Group> groups, double gap, double spread) {

  /** The searched path that names the seed. */
  public static final String SEED_PATH = "seed";

  /**
   * One setting over its seeds.
   *
   * @param setting the searched values without the seed
   * @param scores its complete candidates' scores, in index order
   * @param mean their mean
   * @param halfRange half their range
   */
  public record Group(
      Map<String, Double> setting, List<Double> scores, double mean, double halfRange) {}

  /**
   * Groups a sweep's rows by setting; empty unless the space searches {@value #SEED_PATH}, at least
   * two settings are complete and every complete setting has at least two seeds.
   *
   * @param paths the searched paths
   * @param rows the sweep's rows (incomplete ones are ignored)
   * @return the grouping, or empty
   */
  public static Optional<SeedSpread> of(List<String> paths, List<SweepResults.Row> rows) {
    if (!paths.contains(SEED_PATH)) {
      return Optional.empty();
    }
    Map<Map<String, Double>, List<Double>> bySetting = new LinkedHashMap<>();
    for (SweepResults.Row r : rows) {
      if (!r.complete()) {
        continue;
      }
      Map<String, Double> setting = new LinkedHashMap<>(r.parameters());
      setting.remove(SEED_PATH);
      bySetting.computeIfAbsent(setting, k -> new ArrayList<>()).add(r.score());
    }
    if (bySetting.size() < 2 || bySetting.values().stream().anyMatch(s -> s.size() < 2)) {
      return Optional.empty();
    }
    List<Group> groups = new ArrayList<>();
    for (Map.Entry<Map<String, Double>, List<Double>> e : bySetting.entrySet()) {
      List<Double> s = e.getValue();
      double mean = s.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      double max = s.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
      double min = s.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
      groups.add(
          new Group(
              java.util.Collections.unmodifiableMap(e.getKey()),
              List.copyOf(s),
              mean,
              (max - min) / 2));
    }
    groups.sort(Comparator.comparingDouble((Group g) -> -g.mean()));
    double gap = groups.get(0).mean() - groups.get(groups.size() - 1).mean();
    double spread = groups.stream().mapToDouble(Group::halfRange).max().orElseThrow();
    return Optional.of(new SeedSpread(List.copyOf(groups), gap, spread));
  }

  /**
   * Whether the best and worst settings are further apart than twice the largest seed spread.
   *
   * @return the verdict
   */
  public boolean separated() {
    return gap > 2 * spread;
  }

  /**
   * One sentence for the report and the console.
   *
   * @return e.g. "best and worst settings 4.10 points apart, largest seed spread 1.20: separated
   *     (gap > 2 × spread)"
   */
  public String verdict() {
    return String.format(
        Locale.ROOT,
        "best and worst settings %.2f points apart, largest seed spread (half-range) %.2f: %s",
        gap,
        spread,
        separated()
            ? "separated (gap > 2 × spread)"
            : "NOT separated (gap ≤ 2 × spread): the ranking is within the seeds' noise");
  }
}
