package org.tbps4j.train.listeners;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.ListenerVariables;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.tbps4j.data.sample.Seeds;

/**
 * SameDiff listener used inside {@code fit}: asks SameDiff to compute every loss term during the
 * training step and records their real values (during {@code fit} SameDiff computes only the
 * gradient of the loss, so its own reported loss is 0: docs/samediff-m2.1.md, note 5). The total is
 * the weighted sum of the terms, computed here.
 *
 * <p>It also reseeds ND4J's random generator at the start of every step from {@code (seed,
 * iteration)}, so random ops in the graph (dropout masks) depend only on the step: a run resumed
 * from a checkpoint draws the same masks as an uninterrupted one.
 */
public final class LossTermsListener extends BaseListener {
  private final Map<String, Double> weights;
  private final long seed;
  private final Map<String, Double> values = new LinkedHashMap<>();

  /**
   * Creates the listener.
   *
   * @param weights loss term variable name ({@code loss/<name>}) to its weight in the total
   * @param seed master seed for the per-step reseeding
   */
  public LossTermsListener(Map<String, Double> weights, long seed) {
    this.weights = new LinkedHashMap<>(weights);
    this.seed = seed;
  }

  /**
   * The seed used for step {@code iteration}.
   *
   * @param seed master seed
   * @param iteration the step
   * @return a well-mixed seed
   */
  public static long stepSeed(long seed, long iteration) {
    return Seeds.finalise(seed * 0x9E3779B97F4A7C15L + iteration);
  }

  @Override
  public ListenerVariables requiredVariables(SameDiff sd) {
    return ListenerVariables.builder()
        .trainingVariables(weights.keySet().toArray(new String[0]))
        .build();
  }

  @Override
  public boolean isActive(Operation operation) {
    return operation == Operation.TRAINING;
  }

  @Override
  public void iterationStart(SameDiff sd, At at, MultiDataSet data, long etlTimeMs) {
    values.clear();
    Nd4j.getRandom().setSeed(stepSeed(seed, at.iteration()));
  }

  @Override
  public void activationAvailable(
      SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, String varName, INDArray activation) {
    if (weights.containsKey(varName)) {
      values.put(varName, activation.getDouble(0));
    }
  }

  /**
   * The terms of the last step and their weighted total under the key {@code total}.
   *
   * @param totalKey the key for the total
   * @return term name to value, in the order of the weights map, then the total
   * @throws IllegalStateException if a term was not computed in the last step
   */
  public Map<String, Double> lastValues(String totalKey) {
    Map<String, Double> out = new LinkedHashMap<>();
    double total = 0;
    for (Map.Entry<String, Double> w : weights.entrySet()) {
      Double v = values.get(w.getKey());
      if (v == null) {
        throw new IllegalStateException(
            "loss term "
                + w.getKey()
                + " was not computed in the last step (have "
                + values.keySet()
                + ")");
      }
      out.put(w.getKey(), v);
      total += w.getValue() * v;
    }
    out.put(totalKey, total);
    return out;
  }

  /**
   * The term variable names this listener records.
   *
   * @return names in order
   */
  public List<String> termNames() {
    return List.copyOf(weights.keySet());
  }
}
