package org.tbps4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The whole tiny network, built once with the fused batch-norm and once with the composed one (same
 * weights): the same embeddings and the same gradient for every parameter on a realistic batch in
 * float32 — the fused layers keep the gradients exact inside a full graph too (the executor's
 * memory reuse included), not only in the single-layer tests of {@code FusedBatchNormTest}.
 */
class FusedAndComposedModelsTest {

  @AfterEach
  void gc() {
    System.gc();
  }

  @Test
  void theTinyNetworkHasTheSameOutputsAndGradientsWithEitherBatchNorm() {
    ModelConfig c =
        ModelConfig.preset("tiny", 12, 40).toBuilder()
            .optImageSize(32, 16)
            .optMaxLength(12)
            .build();
    int n = 16;
    INDArray images = TestData.images(c, n, 7, DataType.FLOAT);
    INDArray tokens = TestData.tokens(c, n, 8);
    INDArray labels = TestData.labels(n, 12);
    Map<String, INDArray> fused = gradients(c, true, images, tokens, labels);
    Map<String, INDArray> composed = gradients(c, false, images, tokens, labels);
    assertEquals(composed.keySet(), fused.keySet());
    int compared = 0;
    for (String k : composed.keySet()) {
      INDArray a = fused.get(k).reshape(-1).castTo(DataType.DOUBLE);
      INDArray b = composed.get(k).reshape(-1).castTo(DataType.DOUBLE);
      double scale = Math.max(1e-3, b.amaxNumber().doubleValue());
      double diff = a.sub(b).amaxNumber().doubleValue();
      assertTrue(diff <= 2e-3 * scale, k + ": max difference " + diff + " of " + scale);
      compared++;
    }
    assertTrue(compared > 40, "gradients compared: " + compared);
  }

  /** Embeddings and every parameter's gradient (under the gradient's variable name). */
  private static Map<String, INDArray> gradients(
      ModelConfig c, boolean fusedBatchNorm, INDArray images, INDArray tokens, INDArray labels) {
    TbpsModel model = TbpsModel.create(c, DataType.FLOAT, fusedBatchNorm);
    MatchingLoss.define(model);
    SameDiff sd = model.sameDiff();
    Map<String, INDArray> ph = model.inputs(images, tokens, labels);
    Map<String, INDArray> out =
        new java.util.TreeMap<>(sd.calculateGradients(ph, model.trainableVariables()));
    for (String e : List.of(GraphNames.IMAGE_EMBEDDING, GraphNames.TEXT_EMBEDDING)) {
      out.put(e, sd.output(ph, e).get(e));
    }
    return out;
  }
}
