package org.tbps4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.validation.GradCheckUtil;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Float64 gradient checks of the whole micro model (every parameter of both paths, both heads, the
 * ESA head and the classifier) through the stand-in loss, with repeated tokens in the batch, for
 * every text lookup variant (gather, one-hot, two-step).
 */
class GradientCheckTest {

  @AfterEach
  void gc() {
    System.gc();
  }

  private static ModelConfig config(int uniqueCapacity) {
    return ModelConfig.preset("micro", 3, 7).toBuilder()
        .optEsa(new ModelConfig.EsaConfig(true, 2, 1.0))
        .optUniqueTokenCapacity(uniqueCapacity)
        .build();
  }

  /**
   * Which elements to perturb: every element of the text table (the lookup whose stock gradient is
   * wrong), {@code perVariable} random elements of every other variable (all variables are covered;
   * a full element-by-element check of the micro model takes ~9 minutes). Variables whose name does
   * not start with {@code prefix} are skipped when {@code prefix} is not null.
   */
  private static Map<String, INDArray> mask(TbpsModel model, int perVariable, String prefix) {
    java.util.SplittableRandom r = new java.util.SplittableRandom(11);
    Map<String, INDArray> masks = new java.util.HashMap<>();
    for (String name : model.trainableVariables()) {
      INDArray a = model.sameDiff().getArrForVarName(name);
      boolean[] m = new boolean[(int) a.length()];
      if (name.equals(GraphNames.TEXT_TABLE)) {
        java.util.Arrays.fill(m, true);
      } else if (prefix == null || name.startsWith(prefix)) {
        for (int k = 0; k < Math.min(perVariable, m.length); k++) {
          m[r.nextInt(m.length)] = true;
        }
      }
      masks.put(name, Nd4j.create(m).reshape(a.shape()));
    }
    return masks;
  }

  private static void check(ModelConfig cfg, int perVariable, String prefix) {
    check(cfg, perVariable, prefix, false);
  }

  private static void check(ModelConfig cfg, int perVariable, String prefix, boolean oneHot) {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    try {
      TbpsModel model =
          oneHot
              ? TbpsModel.createWithOneHotTraining(cfg, DataType.DOUBLE)
              : TbpsModel.create(cfg, DataType.DOUBLE);
      MatchingLoss.define(model);
      int n = 3;
      INDArray tokens = TestData.tokens(cfg, n, 5);
      // repeated tokens within a row and across rows (the gather-gradient bug case)
      tokens.putScalar(0, 1, 4);
      tokens.putScalar(0, 2, 4);
      tokens.putScalar(1, 0, 4);
      Map<String, INDArray> ph =
          model.inputs(TestData.images(cfg, n, 3, DataType.DOUBLE), tokens, TestData.labels(n, 3));
      long params = model.parameterCount();
      assertTrue(params > 500 && params < 5000, "micro model has " + params + " parameters");
      assertEquals(model.trainableVariables().size(), countVariables(model));
      // GradCheckUtil needs the placeholders' arrays set on the variables (docs/samediff-m2.1.md,
      // note 6)
      ph.forEach((name, arr) -> model.sameDiff().getVariable(name).setArray(arr));
      boolean ok =
          GradCheckUtil.checkGradients(
              model.sameDiff(),
              ph,
              1e-6,
              1e-3,
              1e-7,
              Boolean.getBoolean("gradcheck.print"),
              false,
              false,
              false,
              notParameters(model),
              mask(model, perVariable, prefix));
      assertTrue(ok, "gradient check failed (run with print=true to see which parameter)");
      // GradCheckUtil passes an element whose analytic gradient is exactly 0: make sure every
      // parameter does receive a gradient
      Map<String, INDArray> grads =
          model.sameDiff().calculateGradients(ph, model.trainableVariables());
      for (String v : model.trainableVariables()) {
        INDArray g = grads.get(v);
        assertTrue(
            g != null && g.amaxNumber().doubleValue() > 0, "no gradient reaches variable " + v);
      }
    } finally {
      Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }
  }

  /** Placeholders and constants: GradCheckUtil would perturb them too (two passes per element). */
  private static java.util.Set<String> notParameters(TbpsModel model) {
    java.util.Set<String> skip = new java.util.HashSet<>();
    for (org.nd4j.autodiff.samediff.SDVariable v : model.sameDiff().variables()) {
      if (v.getVariableType() != org.nd4j.autodiff.samediff.VariableType.VARIABLE
          && v.getVariableType() != org.nd4j.autodiff.samediff.VariableType.ARRAY) {
        skip.add(v.name());
      }
    }
    return skip;
  }

  private static int countVariables(TbpsModel model) {
    return (int)
        model.sameDiff().variables().stream()
            .filter(v -> v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE)
            .count();
  }

  /** The default lookup: a gather differentiated by {@code TrainableGather}. */
  @Test
  void gatherLookup() {
    check(config(0), 3, null);
  }

  /** The one-hot product (the form before the trainable gather), text variables only. */
  @Test
  void oneHotLookup() {
    check(config(0), 2, GraphNames.TEXT_PREFIX, true);
  }

  @Test
  void twoStepLookup() {
    check(config(8), 2, GraphNames.TEXT_PREFIX);
  }
}
