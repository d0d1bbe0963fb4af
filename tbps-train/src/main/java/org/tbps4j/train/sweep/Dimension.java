package org.tbps4j.train.sweep;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One searched setting of a sweep: a numeric training-config path and the values it may take.
 *
 * <p>Types ({@code type} in YAML):
 *
 * <ul>
 *   <li>{@code uniform}: a real in [min, max], drawn uniformly; a grid takes {@code grid_points}
 *       evenly spaced values from min to max.
 *   <li>{@code log_uniform}: a real in [min, max] with 0 &lt; min, uniform in log space (learning
 *       rates, scales); a grid is evenly spaced in log space.
 *   <li>{@code integer}: an integer in [min, max] (both inclusive), uniform; a grid takes every
 *       integer, or {@code grid_points} of them spread from min to max when the range is larger.
 *   <li>{@code discrete}: one of {@code values}, each equally likely; a grid takes every value.
 * </ul>
 *
 * @param path the config path in {@code --set} syntax, e.g. {@code loss.mam.params.m}, {@code
 *     loss.psw.params.a2}, {@code loss.mam.weight}, {@code optimizer.lr}
 * @param type {@code uniform}, {@code log_uniform}, {@code integer} or {@code discrete}
 * @param min lower bound (uniform, log_uniform, integer)
 * @param max upper bound (uniform, log_uniform, integer)
 * @param values the candidates' values (discrete only)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Dimension(String path, String type, Double min, Double max, List<Double> values) {

  /** Type names, as written in YAML. */
  public static final String UNIFORM = "uniform",
      LOG_UNIFORM = "log_uniform",
      INTEGER = "integer",
      DISCRETE = "discrete";

  /** Every valid {@code type}. */
  public static final List<String> TYPES = List.of(UNIFORM, LOG_UNIFORM, INTEGER, DISCRETE);

  /** Validates the bounds; every message names the path and the rule. */
  public Dimension {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException("space: every entry needs a 'path' (a config path)");
    }
    path = path.trim();
    String at = "space entry '" + path + "': ";
    if (type == null) {
      throw new IllegalArgumentException(at + "'type' is required (valid: " + types() + ")");
    }
    type = type.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    if (!TYPES.contains(type)) {
      throw new IllegalArgumentException(
          at + "unknown type '" + type + "' (valid: " + types() + ")");
    }
    if (type.equals(DISCRETE)) {
      if (min != null || max != null) {
        throw new IllegalArgumentException(at + "a discrete entry takes 'values', not min/max");
      }
      if (values == null || values.isEmpty()) {
        throw new IllegalArgumentException(at + "'values' must list at least one number");
      }
      Set<Double> seen = new HashSet<>();
      for (Double v : values) {
        if (v == null || !Double.isFinite(v)) {
          throw new IllegalArgumentException(at + "every value must be a finite number, got " + v);
        }
        if (!seen.add(v)) {
          throw new IllegalArgumentException(at + "value " + v + " is listed twice");
        }
      }
      values = List.copyOf(values);
    } else {
      if (values != null) {
        throw new IllegalArgumentException(
            at + "'values' belongs to type discrete; a " + type + " entry takes min and max");
      }
      if (min == null || max == null) {
        throw new IllegalArgumentException(at + "a " + type + " entry needs both min and max");
      }
      if (!Double.isFinite(min) || !Double.isFinite(max)) {
        throw new IllegalArgumentException(
            at + "min and max must be finite numbers, got " + min + " and " + max);
      }
      if (min > max) {
        throw new IllegalArgumentException(at + "min " + min + " > max " + max);
      }
      switch (type) {
        case INTEGER -> {
          if (min != Math.rint(min) || max != Math.rint(max)) {
            throw new IllegalArgumentException(
                at + "integer bounds must be whole numbers, got " + min + " and " + max);
          }
          if (Math.abs(min) > Integer.MAX_VALUE / 2.0 || Math.abs(max) > Integer.MAX_VALUE / 2.0) {
            throw new IllegalArgumentException(at + "integer bounds are too large");
          }
        }
        case LOG_UNIFORM -> {
          if (!(min > 0)) {
            throw new IllegalArgumentException(
                at + "log_uniform needs min > 0 (it is uniform in log space), got min " + min);
          }
          if (min.equals(max)) {
            throw new IllegalArgumentException(
                at + "min equals max (" + min + "): fix the value with discrete [" + min + "]");
          }
        }
        default -> {
          if (min.equals(max)) {
            throw new IllegalArgumentException(
                at + "min equals max (" + min + "): fix the value with discrete [" + min + "]");
          }
        }
      }
    }
  }

  private static String types() {
    return String.join(", ", TYPES);
  }

  /**
   * Values that probe this dimension's reach before a sweep starts: the bounds, and for continuous
   * types a non-integral value inside (so that a continuous range over an integer setting is
   * caught), or every discrete value.
   *
   * @return the values to try against the base config
   */
  public List<Double> probeValues() {
    return switch (type) {
      case DISCRETE -> values;
      case INTEGER -> List.of(min, max);
      case LOG_UNIFORM ->
          List.of(min, max, Math.exp(Math.log(min) * 0.6180339 + Math.log(max) * 0.3819661));
      default -> List.of(min, max, min + (max - min) * 0.3819661);
    };
  }

  /**
   * Whether candidate values are always whole numbers (integer type, or discrete with only whole
   * values).
   *
   * @return true when values are integers
   */
  public boolean integral() {
    return type.equals(INTEGER)
        || (type.equals(DISCRETE) && values.stream().allMatch(v -> v == Math.rint(v)));
  }
}
