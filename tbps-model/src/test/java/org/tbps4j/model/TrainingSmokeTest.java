package org.tbps4j.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/** End to end: the tiny preset learns a fixed batch with the stand-in loss through {@code fit}. */
class TrainingSmokeTest {

  @Test
  void lossFallsOnAFixedBatch() {
    ModelConfig c =
        ModelConfig.preset("tiny", 8, 50).toBuilder()
            .optImageSize(64, 32)
            .optMaxLength(16)
            .optDropFraction(0)
            .build();
    TbpsModel model = TbpsModel.create(c);
    MatchingLoss.define(model);
    TestData.train(model, 3e-3);
    int n = 16;
    INDArray images = TestData.images(c, n, 1, DataType.FLOAT);
    INDArray tokens = TestData.tokens(c, n, 2);
    INDArray labels = TestData.labels(n, 8);
    MultiDataSet batch = model.trainingBatch(images, tokens, labels);
    double before = loss(model, images, tokens, labels);
    Nd4j.getRandom().setSeed(5);
    for (int i = 0; i < 15; i++) {
      model.sameDiff().fit(batch);
    }
    double after = loss(model, images, tokens, labels);
    assertTrue(Double.isFinite(after));
    assertTrue(after < 0.5 * before, "loss " + before + " -> " + after);
    System.gc();
  }

  private static double loss(TbpsModel m, INDArray images, INDArray tokens, INDArray labels) {
    return m.sameDiff()
        .output(m.inputs(images, tokens, labels), MatchingLoss.NAME)
        .get(MatchingLoss.NAME)
        .getDouble(0);
  }
}
