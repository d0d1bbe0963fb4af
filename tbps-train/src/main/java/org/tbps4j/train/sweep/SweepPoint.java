package org.tbps4j.train.sweep;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One candidate of a sweep: a value for every searched config path. This is the value Arbiter's
 * candidate generators produce from a {@link SweepSpace}; it is {@link Serializable} because
 * Arbiter keeps candidates serialised.
 *
 * @param paths the config paths, in the sweep's order
 * @param values one value per path
 */
public record SweepPoint(List<String> paths, List<Double> values) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Validates that paths and values pair up. */
  public SweepPoint {
    paths = List.copyOf(paths);
    values = List.copyOf(values);
    if (paths.size() != values.size()) {
      throw new IllegalArgumentException(
          paths.size() + " paths but " + values.size() + " values: " + paths + " " + values);
    }
  }

  /**
   * A point from a map (in the map's order).
   *
   * @param values path → value
   * @return the point
   */
  public static SweepPoint of(Map<String, Double> values) {
    return new SweepPoint(new ArrayList<>(values.keySet()), new ArrayList<>(values.values()));
  }

  /**
   * The value of a path.
   *
   * @param path a searched path
   * @return its value
   * @throws IllegalArgumentException when the path is not searched
   */
  public double value(String path) {
    int i = paths.indexOf(path);
    if (i < 0) {
      throw new IllegalArgumentException("'" + path + "' is not a searched path " + paths);
    }
    return values.get(i);
  }

  /**
   * The point as an ordered map.
   *
   * @return path → value
   */
  public Map<String, Double> asMap() {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < paths.size(); i++) {
      m.put(paths.get(i), values.get(i));
    }
    return m;
  }

  /**
   * The point as {@code path=value} overrides for {@code ConfigLoader.override} (the {@code --set}
   * syntax).
   *
   * @return one override per path
   */
  public List<String> overrides() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < paths.size(); i++) {
      out.add(paths.get(i) + "=" + format(values.get(i)));
    }
    return out;
  }

  /**
   * Writes a value so that it reads back as exactly the same double: whole numbers as integers (so
   * integer settings accept them), others in plain decimal notation.
   *
   * @param v a finite value
   * @return its text
   */
  public static String format(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  @Override
  public String toString() {
    return String.join(" ", overrides());
  }
}
