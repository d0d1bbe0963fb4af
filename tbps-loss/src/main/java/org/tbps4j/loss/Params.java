package org.tbps4j.loss;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Reads and validates loss hyperparameters from a {@code Map<String, ?>} whose values are numbers
 * or strings (as they arrive from the command line or YAML). Every problem is an {@link
 * IllegalArgumentException} naming the loss, the key, the value and the valid set or range.
 */
final class Params {
  private final String loss;
  private final Map<String, ?> values;

  /**
   * Starts reading; rejects keys outside {@code valid}.
   *
   * @param loss registry name (for messages)
   * @param values the given parameters, may be empty
   * @param valid the loss's parameter keys
   */
  Params(String loss, Map<String, ?> values, List<String> valid) {
    this.loss = loss;
    this.values = values == null ? Map.of() : values;
    for (String key : this.values.keySet()) {
      if (!valid.contains(key)) {
        throw unknown(loss, key, valid);
      }
    }
  }

  static IllegalArgumentException unknown(String loss, String key, Collection<String> valid) {
    return new IllegalArgumentException(
        "unknown parameter '"
            + key
            + "' for loss '"
            + loss
            + "' "
            + (valid.isEmpty()
                ? "(it has no parameters)"
                : "(valid: " + String.join(", ", valid) + ")"));
  }

  /** A real number, or {@code def} when absent. */
  double real(String key, double def) {
    Object v = values.get(key);
    if (v == null) {
      return def;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    String s = v.toString().trim();
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "parameter '" + key + "' of loss '" + loss + "' is '" + v + "', expected a number");
    }
  }

  /** An integer, or {@code def} when absent; a real value must be integral. */
  int integer(String key, int def) {
    if (values.get(key) == null) {
      return def;
    }
    double d = real(key, def);
    if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "parameter '"
              + key
              + "' of loss '"
              + loss
              + "' is "
              + values.get(key)
              + ", expected an integer");
    }
    return (int) d;
  }

  /** One of {@code choices} (case-insensitive), or {@code def} when absent. */
  String choice(String key, String def, List<String> choices) {
    Object v = values.get(key);
    if (v == null) {
      return def;
    }
    String s = v.toString().trim().toLowerCase(java.util.Locale.ROOT);
    if (!choices.contains(s)) {
      throw invalid(loss, key, v, "one of " + String.join(", ", choices));
    }
    return s;
  }

  static IllegalArgumentException invalid(String loss, String key, Object value, String valid) {
    return new IllegalArgumentException(
        "parameter '" + key + "' of loss '" + loss + "' is " + value + "; valid: " + valid);
  }

  static double finite(String loss, String key, double v) {
    if (!Double.isFinite(v)) {
      throw invalid(loss, key, v, "a finite number");
    }
    return v;
  }

  static double nonNegative(String loss, String key, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw invalid(loss, key, v, "a finite number >= 0");
    }
    return v;
  }

  static double positive(String loss, String key, double v) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw invalid(loss, key, v, "a finite number > 0");
    }
    return v;
  }

  static int intRange(String loss, String key, int v, int min, int max) {
    if (v < min || v > max) {
      throw invalid(
          loss,
          key,
          v,
          max == Integer.MAX_VALUE ? "an integer >= " + min : "an integer in " + min + ".." + max);
    }
    return v;
  }
}
