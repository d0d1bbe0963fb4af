package org.tbps4j.bench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.train.ModelFactory;

class ModelBenchmarkTest {

  @AfterEach
  void gc() {
    System.gc();
  }

  private static ModelConfig microWithEsa() {
    return ModelConfig.preset("micro", 6, 20).toBuilder()
        .optEsa(new ModelConfig.EsaConfig(true, 2, 1.0))
        .build();
  }

  /**
   * The timed step goes backward through everything the network trains: every trainable variable of
   * both paths, both heads, the classifier and the ESA head gets a non-zero gradient from the
   * benchmark's loss (what the stand-in loss it replaces guaranteed).
   */
  @Test
  void theLossReachesEveryTrainableVariable() {
    ModelConfig c = microWithEsa();
    Nd4j.getRandom().setSeed(3);
    TbpsModel model = TbpsModel.create(c);
    ModelFactory.attach(model, ModelBenchmark.LOSS);
    int n = 4;
    INDArray images = Nd4j.rand(DataType.FLOAT, n, 3, c.imageHeight(), c.imageWidth()).subi(0.5);
    int[] ids = new int[n * c.maxLength()];
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < ids.length; i++) {
      ids[i] = 1 + r.nextInt(c.vocabularySize() - 1);
    }
    INDArray tokens = Nd4j.createFromArray(ids).reshape(n, c.maxLength());
    INDArray labels = Nd4j.createFromArray(0, 1, 2, 3);
    Map<String, INDArray> ph = model.inputs(images, tokens, labels);
    List<String> vars = model.trainableVariables();
    Map<String, INDArray> grads = model.sameDiff().calculateGradients(ph, vars);
    assertTrue(vars.size() > 10, "variables: " + vars);
    for (String v : vars) {
      INDArray g = grads.get(v);
      assertTrue(g != null && g.amaxNumber().doubleValue() > 0, "no gradient reaches " + v);
    }
    assertEquals(List.of("loss/total"), model.sameDiff().getLossVariables());
  }

  @Test
  void aMicroRunReportsOneRowWithItsSizes() {
    ModelConfig c = ModelConfig.preset("micro", 6, 20);
    Map<String, Object> report = ModelBenchmark.report(List.of(c), 4, 0, 1, 7);
    assertEquals("model", report.get("benchmark"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>) report.get("results");
    assertEquals(1, rows.size());
    Map<String, Object> row = rows.get(0);
    assertEquals("micro", row.get("preset"));
    assertEquals(c.imageHeight() + "x" + c.imageWidth(), row.get("image"));
    assertEquals(false, row.get("esa"));
    assertEquals(TbpsModel.create(c).parameterCount(), row.get("parameters"));
    assertTrue((Double) row.get("train_step_seconds") > 0, row.toString());
    assertTrue((Double) row.get("forward_seconds") > 0, row.toString());
  }

  @Test
  void badSizesAreRefusedWithTheirValues() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> ModelBenchmark.run(microWithEsa(), 1, 0, 1, 7));
    assertEquals("batch must be >= 2, warmup >= 0 and repeats >= 1, got 1, 0, 1", e.getMessage());
  }
}
