package org.tbps4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

class FlopCounterTest {

  private static SDVariable conv(SameDiff sd, SDVariable x, String w, int k, int cIn, int cOut) {
    SDVariable weights = sd.var(w, Nd4j.rand(DataType.FLOAT, k, k, cIn, cOut).subi(0.5));
    Conv2DConfig cfg =
        Conv2DConfig.builder()
            .kH(k)
            .kW(k)
            .sH(1)
            .sW(1)
            .paddingMode(PaddingMode.SAME)
            .dataFormat(Conv2DConfig.NCHW)
            .build();
    return sd.cnn().conv2d(x, weights, cfg);
  }

  /**
   * A graph with every counted case, FLOPs by hand (N = 2, 8×6 images, 2 FLOPs per multiply-add):
   *
   * <ul>
   *   <li>conv 3×3, 3→4 on the image placeholder: forward 2·(2·4·8·6)·27 = 20,736; backward: the
   *       weight gradient only in the model (20,736), input gradient too when executed (41,472);
   *   <li>conv 1×1, 4→5: forward 2·(2·5·8·6)·4 = 3,840; backward both gradients, 7,680;
   *   <li>mean over H, W → [2,5], then [2,5]×[5,3]: forward 60, backward 120;
   *   <li>then [2,3]×[4,3]ᵀ (transposed B, K = 3): forward 48, backward 96;
   *   <li>token lookup one-hot [8,7] × table [7,3]: executed 336 forward and 672 backward, model 0.
   * </ul>
   */
  @Test
  void countsConvolutionsAndProductsOfATrainingStep() {
    SameDiff sd = SameDiff.create();
    SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 3, 8, 6);
    SDVariable tokens = sd.placeHolder("tokens", DataType.INT, -1, 4);
    SDVariable h = conv(sd, x, "w1", 3, 3, 4);
    h = conv(sd, sd.nn().relu(h, 0.0), "w2", 1, 4, 5);
    SDVariable pooled = sd.mean(h, 2, 3);
    SDVariable d1 = sd.mmul(pooled, sd.var("d1", Nd4j.rand(DataType.FLOAT, 5, 3)));
    SDVariable d2 = sd.mmul(d1, sd.var("d2", Nd4j.rand(DataType.FLOAT, 4, 3)), false, true, false);
    SDVariable oneHot = sd.oneHot(sd.reshape(tokens, -1), 7, -1, 1.0, 0.0, DataType.FLOAT);
    SDVariable rows = sd.mmul(oneHot, sd.var("table", Nd4j.rand(DataType.FLOAT, 7, 3)));
    SDVariable loss = sd.sum(d2).add("loss", sd.sum(rows.mul(rows)));
    sd.setLossVariables(loss);
    sd.setTrainingConfig(
        TrainingConfig.builder()
            .updater(new Sgd(0.01))
            .dataSetFeatureMapping("x", "tokens")
            .markLabelsUnused()
            .build());
    MultiDataSet batch =
        new MultiDataSet(
            new org.nd4j.linalg.api.ndarray.INDArray[] {
              Nd4j.rand(DataType.FLOAT, 2, 3, 8, 6),
              Nd4j.createFromArray(new int[][] {{0, 1, 2, 3}, {6, 5, 1, 1}})
            },
            new org.nd4j.linalg.api.ndarray.INDArray[0]);
    FlopCounter counter = new FlopCounter(Operation.TRAINING);
    sd.setListeners(counter);
    sd.fit(batch);
    FlopCounter.Counts c = counter.counts();

    assertEquals(20_736 + 3_840 + 60 + 48, c.forward());
    assertEquals(20_736 + 7_680 + 120 + 96, c.backward());
    assertEquals(c.forward() + c.backward(), c.model());
    long executedForward = 20_736 + 3_840 + 60 + 48 + 336;
    long executedBackward = 41_472 + 7_680 + 120 + 96 + 672;
    assertEquals(executedForward + executedBackward, c.executed());
    assertEquals(
        20_736L + 3_840 + 20_736 + 7_680,
        c.modelByOp().get("conv2d") + c.modelByOp().get("conv2d_bp"));
    assertEquals(336L + 60 + 48, c.executedByOp().get("matmul"));

    // switched off: a second step adds nothing
    counter.setEnabled(false);
    sd.fit(batch);
    assertEquals(c.executed(), counter.counts().executed());
  }

  @Test
  void gemmPeakRateIsTwoNCubedOverTheBestTime() {
    GemmPeak.Result r = GemmPeak.measure(64, 3);
    double best = Double.MAX_VALUE;
    for (double t : r.seconds()) {
      best = Math.min(best, t);
    }
    assertEquals(2.0 * 64 * 64 * 64 / best, r.flopsPerSecond(), 1e-6 * r.flopsPerSecond());
    assertEquals(2.0 * 1000 * 1000 * 1000, GemmPeak.flops(1000));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> GemmPeak.measure(8, 1));
    assertTrue(e.getMessage().contains("gemm size must be >= 16"), e.getMessage());
  }

  @Test
  void opTimerSumsTimeByOpType() {
    SameDiff sd = SameDiff.create();
    SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 4);
    SDVariable y = sd.mmul(x, sd.var("w", Nd4j.rand(DataType.FLOAT, 4, 2)));
    sd.sum("loss", y.mul(y));
    sd.setLossVariables("loss");
    sd.setTrainingConfig(
        TrainingConfig.builder()
            .updater(new Sgd(0.01))
            .dataSetFeatureMapping("x")
            .markLabelsUnused()
            .build());
    OpTimer timer = new OpTimer(Operation.TRAINING);
    sd.setListeners(timer);
    MultiDataSet batch =
        new MultiDataSet(
            new org.nd4j.linalg.api.ndarray.INDArray[] {Nd4j.rand(DataType.FLOAT, 3, 4)},
            new org.nd4j.linalg.api.ndarray.INDArray[0]);
    sd.fit(batch);
    sd.fit(batch);
    var byType = new java.util.HashMap<String, Long>();
    timer.entries().forEach(e -> byType.put(e.type(), e.calls()));
    assertEquals(2L, byType.get("matmul"));
    assertEquals(2L, byType.get("matmul_bp"));
    double sum = timer.entries().stream().mapToDouble(OpTimer.Entry::seconds).sum();
    assertEquals(sum, timer.totalSeconds(), 1e-12);
    for (int i = 1; i < timer.entries().size(); i++) {
      assertTrue(timer.entries().get(i - 1).seconds() >= timer.entries().get(i).seconds());
    }
    timer.reset();
    assertTrue(timer.entries().isEmpty());
  }
}
