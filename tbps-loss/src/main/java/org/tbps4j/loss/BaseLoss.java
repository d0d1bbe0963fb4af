package org.tbps4j.loss;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The shared plumbing of the losses: hyperparameter constants, naming of the outputs, writing new
 * hyperparameter values into a built graph, value semantics.
 */
abstract class BaseLoss implements Loss {
  private final String name;
  private final List<String> partNames;

  BaseLoss(String name, List<String> partNames) {
    this.name = name;
    this.partNames = List.copyOf(partNames);
  }

  @Override
  public final List<String> partNames() {
    return partNames;
  }

  /** What {@link #build} returns: the total and the named parts (unnamed variables). */
  record Graph(SDVariable total, Map<String, SDVariable> parts) {}

  @Override
  public final String name() {
    return name;
  }

  /**
   * The arrays that hold the hyperparameters in a graph, keyed by the suffix after {@code
   * loss/<name>/param/}. Scalars for plain numbers; derived arrays where a parameter changes the
   * shape of a computation (MAM's m).
   */
  abstract Map<String, INDArray> parameterArrays(DataType dataType);

  /**
   * Builds the composition from stock ops.
   *
   * @param in the inputs (and shared terms)
   * @param params the hyperparameter constants, keyed as in {@link #parameterArrays}
   */
  abstract Graph build(LossInputs in, Map<String, SDVariable> params);

  @Override
  public final SDVariable define(SameDiff sd, LossInputs inputs) {
    if (inputs.sameDiff() != sd) {
      throw new IllegalArgumentException(
          "loss '" + name + "': the inputs belong to another SameDiff graph");
    }
    if (sd.hasVariable(LossNames.of(name))) {
      throw new IllegalArgumentException(
          "loss '" + name + "' is already defined in this graph (" + LossNames.of(name) + ")");
    }
    Map<String, SDVariable> params = new LinkedHashMap<>();
    for (Map.Entry<String, INDArray> e : parameterArrays(inputs.dataType()).entrySet()) {
      params.put(e.getKey(), sd.constant(LossNames.parameter(name, e.getKey()), e.getValue()));
    }
    Graph g = build(inputs, params);
    for (Map.Entry<String, SDVariable> e : g.parts().entrySet()) {
      e.getValue().rename(LossNames.part(name, e.getKey()));
    }
    return g.total().rename(LossNames.of(name));
  }

  @Override
  public final void writeParameters(SameDiff sd) {
    for (Map.Entry<String, INDArray> e : parameterArrays(DataType.DOUBLE).entrySet()) {
      String var = LossNames.parameter(name, e.getKey());
      INDArray current = sd.hasVariable(var) ? sd.getArrForVarName(var) : null;
      if (current == null) {
        throw new IllegalArgumentException(
            "the graph has no constant "
                + var
                + ": loss '"
                + name
                + "' was not defined in it (define it first)");
      }
      INDArray value = e.getValue();
      if (!Arrays.equals(current.shape(), value.shape())) {
        throw new IllegalStateException(
            var
                + " has shape "
                + Arrays.toString(current.shape())
                + ", expected "
                + Arrays.toString(value.shape()));
      }
      current.assign(value.castTo(current.dataType()));
    }
  }

  @Override
  public boolean usesClassifier() {
    return false;
  }

  @Override
  public boolean usesSimilarity() {
    return false;
  }

  /** An ordered, unmodifiable parameter map from key/value pairs. */
  static Map<String, Object> ordered(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return Collections.unmodifiableMap(m);
  }

  /** An ordered map of scalar constants from key/value pairs. */
  static Map<String, INDArray> scalars(DataType dt, Object... keyValues) {
    Map<String, INDArray> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], Nd4j.scalar(dt, ((Number) keyValues[i + 1]).doubleValue()));
    }
    return m;
  }

  /** Parts as an ordered map. */
  static Map<String, SDVariable> parts(Object... nameVariables) {
    Map<String, SDVariable> m = new LinkedHashMap<>();
    for (int i = 0; i < nameVariables.length; i += 2) {
      m.put((String) nameVariables[i], (SDVariable) nameVariables[i + 1]);
    }
    return m;
  }

  /** Eager parts as an ordered map. */
  static Map<String, Double> values(Object... nameValues) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      m.put((String) nameValues[i], ((Number) nameValues[i + 1]).doubleValue());
    }
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Loss l && l.name().equals(name) && l.parameters().equals(parameters());
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + parameters().hashCode();
  }

  @Override
  public String toString() {
    return name + parameters();
  }
}
