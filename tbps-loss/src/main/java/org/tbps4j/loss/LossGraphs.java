package org.tbps4j.loss;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Evaluates the SameDiff form of a loss or a mix on plain arrays: builds a throw-away graph whose
 * inputs are constants, runs it forward and returns the values in the shape of the eager result.
 * For cross-checks ({@code tbps loss-value --engine samediff}) and for consumers who want the exact
 * training computation outside a model.
 */
public final class LossGraphs {
  private LossGraphs() {}

  /**
   * The graph value of one loss.
   *
   * @param loss the loss
   * @param arrays the inputs
   * @param dataType FLOAT or DOUBLE: the type of the graph
   * @return the total and the parts, as {@link Loss#compute} reports them
   * @throws IllegalArgumentException when the loss lacks an input it needs
   */
  public static LossValue evaluate(Loss loss, LossArrays arrays, DataType dataType) {
    loss.compute(arrays); // validates inputs with the eager messages (class indices, arrays)
    SameDiff sd = SameDiff.create();
    loss.define(sd, inputs(sd, arrays, dataType));
    Map<String, INDArray> out = sd.output(Map.of(), names(loss));
    Map<String, Double> parts = new LinkedHashMap<>();
    for (String p : loss.partNames()) {
      parts.put(p, out.get(LossNames.part(loss.name(), p)).getDouble(0));
    }
    return new LossValue(loss.name(), out.get(LossNames.of(loss.name())).getDouble(0), parts);
  }

  /**
   * The graph value of a mix.
   *
   * @param mix the mix
   * @param arrays the inputs
   * @param dataType FLOAT or DOUBLE
   * @return the weighted total and each loss's value
   */
  public static LossMix.Value evaluate(LossMix mix, LossArrays arrays, DataType dataType) {
    mix.compute(arrays); // validation
    SameDiff sd = SameDiff.create();
    LossMix.Variables v = mix.define(sd, inputs(sd, arrays, dataType));
    Map<String, INDArray> out = sd.output(Map.of(), v.names().toArray(new String[0]));
    Map<String, LossValue> terms = new LinkedHashMap<>();
    for (LossMix.Term t : mix.terms()) {
      Loss loss = t.loss();
      Map<String, Double> parts = new LinkedHashMap<>();
      for (String p : loss.partNames()) {
        parts.put(p, out.get(LossNames.part(loss.name(), p)).getDouble(0));
      }
      terms.put(
          loss.name(),
          new LossValue(loss.name(), out.get(LossNames.of(loss.name())).getDouble(0), parts));
    }
    return new LossMix.Value(out.get(LossNames.TOTAL).getDouble(0), terms);
  }

  private static String[] names(Loss loss) {
    String[] names = new String[loss.partNames().size() + 1];
    names[0] = LossNames.of(loss.name());
    for (int i = 0; i < loss.partNames().size(); i++) {
      names[i + 1] = LossNames.part(loss.name(), loss.partNames().get(i));
    }
    return names;
  }

  private static LossInputs inputs(SameDiff sd, LossArrays a, DataType dt) {
    LossInputs.Builder in =
        LossInputs.builder()
            .setImage(constant(sd, "x", a.image(), dt))
            .setText(constant(sd, "t", a.text(), dt))
            .setIds(sd.constant("y", Nd4j.createFromArray(a.idArray())));
    if (a.classWeightsOrNull() != null) {
      SDVariable b =
          a.classBiasOrNull() == null
              ? null
              : sd.constant("b", Nd4j.createFromArray(a.classBiasOrNull()).castTo(dt));
      in.optClassifier(constant(sd, "w", a.classWeightsOrNull(), dt), b);
    }
    if (a.similarityOrNull() != null) {
      in.optSimilarity(constant(sd, "s", a.similarityOrNull(), dt));
    }
    return in.build();
  }

  private static SDVariable constant(SameDiff sd, String name, double[][] v, DataType dt) {
    return sd.constant(name, Nd4j.createFromArray(v).castTo(dt));
  }
}
