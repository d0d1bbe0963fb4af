package org.tbps4j.train.sweep;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.arbiter.optimize.api.AbstractParameterSpace;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.discrete.DiscreteParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.integer.IntegerParameterSpace;

/**
 * The Arbiter parameter space of a sweep: one leaf per {@link Dimension}, mapped to a {@link
 * SweepPoint}. Arbiter's generators give every leaf a number in [0, 1] (random search: uniform
 * draws; grid search: {@code i/(n−1)}), and each leaf turns it into its value.
 *
 * <p>Leaves: integer and discrete dimensions use Arbiter's {@link IntegerParameterSpace} and {@link
 * DiscreteParameterSpace} (the grid generator recognises them and enumerates every value);
 * continuous ones use {@link Continuous}, which maps 0 and 1 exactly onto min and max (uniform, or
 * uniform in log space).
 */
public final class SweepSpace extends AbstractParameterSpace<SweepPoint> {
  private final List<String> paths;
  private final List<ParameterSpace<?>> leaves;

  /**
   * Builds the space.
   *
   * @param dimensions the searched settings, in order
   */
  public SweepSpace(List<Dimension> dimensions) {
    if (dimensions.isEmpty()) {
      throw new IllegalArgumentException("a sweep space needs at least one dimension");
    }
    paths = dimensions.stream().map(Dimension::path).toList();
    List<ParameterSpace<?>> l = new ArrayList<>();
    for (Dimension d : dimensions) {
      l.add(leaf(d));
    }
    leaves = List.copyOf(l);
  }

  private static ParameterSpace<?> leaf(Dimension d) {
    return switch (d.type()) {
      case Dimension.DISCRETE -> new DiscreteParameterSpace<>(d.values());
      case Dimension.INTEGER -> new IntegerParameterSpace(d.min().intValue(), d.max().intValue());
      case Dimension.LOG_UNIFORM -> new Continuous(d.min(), d.max(), true);
      default -> new Continuous(d.min(), d.max(), false);
    };
  }

  @Override
  public SweepPoint getValue(double[] parameterValues) {
    List<Double> values = new ArrayList<>(leaves.size());
    for (ParameterSpace<?> leaf : leaves) {
      values.add(((Number) leaf.getValue(parameterValues)).doubleValue());
    }
    return new SweepPoint(paths, values);
  }

  @Override
  public int numParameters() {
    return leaves.size();
  }

  @Override
  @SuppressWarnings("rawtypes")
  public List<ParameterSpace> collectLeaves() {
    return new ArrayList<>(leaves);
  }

  @Override
  @SuppressWarnings("rawtypes")
  public Map<String, ParameterSpace> getNestedSpaces() {
    Map<String, ParameterSpace> m = new LinkedHashMap<>();
    for (int i = 0; i < paths.size(); i++) {
      m.put(paths.get(i), leaves.get(i));
    }
    return m;
  }

  @Override
  public boolean isLeaf() {
    return false;
  }

  @Override
  public void setIndices(int... indices) {
    throw new UnsupportedOperationException("a SweepSpace is not a leaf; its leaves get indices");
  }

  /**
   * The searched paths.
   *
   * @return paths in order
   */
  public List<String> paths() {
    return paths;
  }

  /**
   * A continuous leaf: {@code u ∈ [0, 1]} → {@code min + u·(max − min)}, or the same in log space;
   * {@code u = 0} and {@code u = 1} give min and max exactly.
   */
  static final class Continuous implements ParameterSpace<Double> {
    private final double min;
    private final double max;
    private final boolean log;
    private int index = -1;

    Continuous(double min, double max, boolean log) {
      this.min = min;
      this.max = max;
      this.log = log;
    }

    @Override
    public Double getValue(double[] input) {
      if (index < 0) {
        throw new IllegalStateException("parameter index not set: the generator assigns it");
      }
      double u = input[index];
      if (!(u >= 0 && u <= 1)) {
        throw new IllegalArgumentException("parameter value must be in [0, 1], got " + u);
      }
      if (u == 0) {
        return min;
      }
      if (u == 1) {
        return max;
      }
      double v =
          log
              ? Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min)))
              : min + u * (max - min);
      return Math.min(max, Math.max(min, v));
    }

    @Override
    public int numParameters() {
      return 1;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public List<ParameterSpace> collectLeaves() {
      return Collections.singletonList(this);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Map<String, ParameterSpace> getNestedSpaces() {
      return Collections.emptyMap();
    }

    @Override
    public boolean isLeaf() {
      return true;
    }

    @Override
    public void setIndices(int... indices) {
      if (indices == null || indices.length != 1) {
        throw new IllegalArgumentException("a continuous leaf takes exactly one index");
      }
      index = indices[0];
    }

    @Override
    public String toString() {
      return (log ? "LogUniform(" : "Uniform(") + min + ", " + max + ")";
    }
  }
}
