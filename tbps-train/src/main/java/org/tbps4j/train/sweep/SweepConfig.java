package org.tbps4j.train.sweep;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.tbps4j.train.config.TrainConfig;

/**
 * A hyperparameter sweep as written in YAML: the base training config, the searched settings and
 * the search. Validated in the constructor (unknown keys are rejected by the loader); the checks
 * that need the base config (every path exists and takes numbers) are {@link SweepPlan}'s.
 *
 * <pre>
 * name: mam-margin
 * base: synthetic-base.yaml          # a training config, relative to this file (or base_config: {...})
 * overrides: [stages.joint.epochs=2] # applied to the base for every candidate
 * search: grid                       # or random
 * seed: 7                            # random search: same seed, same candidates
 * max_candidates: 12                 # budget (random search needs this or max_minutes)
 * max_minutes: 30                    # no candidate starts after this; the running one finishes
 * space:
 *   - {path: loss.mam.params.m, type: discrete, values: [1, 2, 3, 4]}
 *   - {path: loss.mam.weight, type: log_uniform, min: 0.05, max: 0.8}
 * </pre>
 *
 * @param name label of the sweep (default output folder {@code sweeps/<name>})
 * @param description free text
 * @param base path of the base training config (YAML/JSON), relative to the sweep file's folder
 * @param baseConfig the base training config inline (instead of {@code base})
 * @param overrides {@code path=value} settings applied to the base before the searched ones
 * @param search {@code random} (default) or {@code grid}
 * @param seed seed of the random search (default 42)
 * @param maxCandidates how many candidates to train (grid: at most the grid size, default all)
 * @param maxMinutes wall-time budget in minutes: no candidate starts after it
 * @param parallelism candidates trained at the same time (default 1)
 * @param gridPoints grid values per continuous range (and per integer range larger than this)
 * @param space the searched settings, at least one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SweepConfig(
    String name,
    String description,
    String base,
    TrainConfig baseConfig,
    List<String> overrides,
    String search,
    Long seed,
    Integer maxCandidates,
    Double maxMinutes,
    Integer parallelism,
    Integer gridPoints,
    List<Dimension> space) {

  /** Search names. */
  public static final String RANDOM = "random", GRID = "grid";

  /** Validates and fills defaults. */
  public SweepConfig {
    name = name == null || name.isBlank() ? "sweep" : name.trim();
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException(
          "name '"
              + name
              + "' may only hold letters, digits, '.', '_' and '-' (it names a folder)");
    }
    description = description == null ? "" : description;
    if ((base == null) == (baseConfig == null)) {
      throw new IllegalArgumentException(
          "give exactly one of 'base' (a training config file) or 'base_config' (an inline"
              + " training config)");
    }
    overrides = overrides == null ? List.of() : List.copyOf(overrides);
    search = search == null ? RANDOM : search.trim().toLowerCase(Locale.ROOT);
    if (!search.equals(RANDOM) && !search.equals(GRID)) {
      throw new IllegalArgumentException(
          "search: unknown value '" + search + "' (valid: " + RANDOM + ", " + GRID + ")");
    }
    seed = seed == null ? 42L : seed;
    if (maxCandidates != null && maxCandidates < 1) {
      throw new IllegalArgumentException("max_candidates must be >= 1, got " + maxCandidates);
    }
    if (maxMinutes != null && (!(maxMinutes > 0) || Double.isInfinite(maxMinutes))) {
      throw new IllegalArgumentException(
          "max_minutes must be a finite number > 0, got " + maxMinutes);
    }
    if (search.equals(RANDOM) && maxCandidates == null && maxMinutes == null) {
      throw new IllegalArgumentException(
          "a random search needs a budget: set max_candidates and/or max_minutes");
    }
    parallelism = parallelism == null ? 1 : parallelism;
    if (parallelism < 1 || parallelism > 64) {
      throw new IllegalArgumentException("parallelism must be in 1..64, got " + parallelism);
    }
    gridPoints = gridPoints == null ? 3 : gridPoints;
    if (gridPoints < 2) {
      throw new IllegalArgumentException("grid_points must be >= 2, got " + gridPoints);
    }
    if (space == null || space.isEmpty()) {
      throw new IllegalArgumentException(
          "space: list at least one setting, e.g. {path: loss.mam.params.m, type: discrete,"
              + " values: [1, 2, 3, 4]}");
    }
    space = List.copyOf(space);
    Set<String> paths = new HashSet<>();
    for (Dimension d : space) {
      if (!paths.add(d.path())) {
        throw new IllegalArgumentException("space: path '" + d.path() + "' is listed twice");
      }
    }
  }

  /**
   * A copy with a different budget (command-line overrides).
   *
   * @param candidates new {@code max_candidates}, or null to keep
   * @param minutes new {@code max_minutes}, or null to keep
   * @return the copy, validated
   */
  public SweepConfig withBudget(Integer candidates, Double minutes) {
    return new SweepConfig(
        name,
        description,
        base,
        baseConfig,
        overrides,
        search,
        seed,
        candidates != null ? candidates : maxCandidates,
        minutes != null ? minutes : maxMinutes,
        parallelism,
        gridPoints,
        space);
  }

  /**
   * The searched paths, in order.
   *
   * @return one path per dimension
   */
  public List<String> paths() {
    return space.stream().map(Dimension::path).toList();
  }
}
