package org.tbps4j.model.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.validation.GradCheckUtil;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The fused batch-norm ({@link FusedBatchNorm}) against the composed one: same outputs, same
 * gradients for input, gamma and beta (float64 and float32, 4-D and 2-D), a float64 gradient check,
 * and a graph that survives a save/load round trip and still trains.
 */
class FusedBatchNormTest {

  /** Outputs and gradients of one layer: {@code loss = Σ r ⊙ y ⊙ (y + 0.3)}, y = BN(x). */
  private static Map<String, INDArray> run(
      boolean fused, DataType dt, INDArray x, INDArray g, INDArray b, INDArray r, boolean conv) {
    SameDiff sd = SameDiff.create();
    Layers layers = new Layers(sd, dt, 1, fused);
    SDVariable in = sd.var("x", x.castTo(dt));
    int c = (int) x.size(1);
    SDVariable y = layers.batchNorm("bn", in, c, conv);
    // the same gamma/beta values whatever shape the form stores them in
    sd.getArrForVarName("bn/gamma")
        .assign(g.castTo(dt).reshape(sd.getArrForVarName("bn/gamma").shape()));
    sd.getArrForVarName("bn/beta")
        .assign(b.castTo(dt).reshape(sd.getArrForVarName("bn/beta").shape()));
    SDVariable rr = sd.constant("r", r.castTo(dt));
    sd.sum("loss", y.mul(rr).mul(y.add(0.3)));
    sd.setLossVariables("loss");
    Map<String, INDArray> out = new HashMap<>();
    Map<String, INDArray> grads = sd.calculateGradients(Map.of(), "x", "bn/gamma", "bn/beta");
    out.put("dx", grads.get("x"));
    out.put("dgamma", grads.get("bn/gamma").reshape(c));
    out.put("dbeta", grads.get("bn/beta").reshape(c));
    out.put("y", sd.output(Map.<String, INDArray>of(), y.name()).get(y.name()));
    return out;
  }

  private static double maxAbs(INDArray a) {
    return a.reshape(-1).amaxNumber().doubleValue();
  }

  private static void assertSame(boolean conv, DataType dt, double tol) {
    Nd4j.getRandom().setSeed(conv ? 5 : 6);
    long[] shape = conv ? new long[] {6, 3, 5, 4} : new long[] {7, 5};
    int c = (int) shape[1];
    INDArray x = Nd4j.rand(DataType.DOUBLE, shape).muli(3).addi(1);
    INDArray g = Nd4j.rand(DataType.DOUBLE, c).addi(0.5);
    INDArray b = Nd4j.rand(DataType.DOUBLE, c).subi(0.5);
    INDArray r = Nd4j.rand(DataType.DOUBLE, shape).subi(0.5);
    Map<String, INDArray> fused = run(true, dt, x, g, b, r, conv);
    Map<String, INDArray> composed = run(false, dt, x, g, b, r, conv);
    for (String k : List.of("y", "dx", "dgamma", "dbeta")) {
      INDArray ref = composed.get(k).castTo(DataType.DOUBLE);
      double diff = maxAbs(fused.get(k).castTo(DataType.DOUBLE).sub(ref));
      assertTrue(
          diff <= tol * Math.max(1, maxAbs(ref)),
          k + " (" + dt + ", conv=" + conv + "): max difference " + diff);
    }
  }

  @Test
  void sameOutputsAndGradientsAsTheComposedFormInFloat64() {
    // the native backward differs from the composed form by up to a few 1e-8 relative in float64
    // (its own order of operations): far below what training can see, and 1e4 times smaller than
    // the bug this class fixes
    assertSame(true, DataType.DOUBLE, 1e-6);
    assertSame(false, DataType.DOUBLE, 1e-6);
  }

  @Test
  void sameOutputsAndGradientsAsTheComposedFormInFloat32() {
    // float32 takes libnd4j's oneDNN kernels for the 4-D case
    assertSame(true, DataType.FLOAT, 2e-5);
    assertSame(false, DataType.FLOAT, 2e-5);
  }

  @Test
  void float64GradientCheck() {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    try {
      gradientCheck();
    } finally {
      Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }
  }

  private static void gradientCheck() {
    Nd4j.getRandom().setSeed(9);
    SameDiff sd = SameDiff.create();
    Layers layers = new Layers(sd, DataType.DOUBLE, 3, true);
    SDVariable x = sd.var("x", Nd4j.rand(DataType.DOUBLE, 4, 2, 3, 3).muli(2));
    SDVariable w = layers.normal("w", 0.5, 3, 3, 2, 3);
    SDVariable y =
        layers.batchNorm(
            "bn",
            sd.cnn()
                .conv2d(
                    x,
                    w,
                    org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig.builder()
                        .kH(3)
                        .kW(3)
                        .paddingMode(
                            org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode.SAME)
                        .build()),
            3,
            true);
    SDVariable head = layers.batchNorm("bn2", sd.mean(y, 2, 3), 3, false);
    SDVariable r = sd.constant("r", Nd4j.rand(DataType.DOUBLE, 4, 3).subi(0.5));
    sd.sum("loss", head.mul(r).mul(head.add(0.7)));
    sd.setLossVariables("loss");
    assertTrue(GradCheckUtil.checkGradients(sd, Map.of(), 1e-6, 1e-3, 1e-8, false, false));
  }

  @Test
  void aSavedAndLoadedGraphKeepsTheFusedOpAndTrains() throws Exception {
    SameDiff sd = SameDiff.create();
    Layers layers = new Layers(sd, DataType.FLOAT, 3, true);
    SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 4);
    SDVariable y = layers.batchNorm("bn", layers.dense("d", x, 4, 3, false), 3, false);
    sd.sum("loss", y.mul(y.add(1.0)));
    sd.setLossVariables("loss");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    sd.save(bytes, false);
    SameDiff back = SameDiff.load(new ByteArrayInputStream(bytes.toByteArray()), false);
    long fusedOps =
        back.getOps().values().stream()
            .map(SameDiffOp::getOp)
            .filter(o -> o instanceof FusedBatchNorm.TrainableBatchNorm)
            .count();
    assertEquals(1, fusedOps, "the loaded graph's batch-norm is the trainable op");
    Map<String, INDArray> ph = new LinkedHashMap<>();
    ph.put("x", Nd4j.rand(DataType.FLOAT, 5, 4));
    Map<String, INDArray> grads = back.calculateGradients(ph, "bn/gamma", "bn/beta", "d/W");
    for (String v : List.of("bn/gamma", "bn/beta", "d/W")) {
      assertTrue(maxAbs(grads.get(v)) > 0, "no gradient for " + v);
    }
  }

  /**
   * Where its outputs feed something other than a batch-norm of its input, {@code moments}
   * differentiates as usual: {@code loss = Σ mean} gives {@code 1/n} for every input element, not
   * the zero it passes back under a batch-norm.
   */
  @Test
  void batchMomentsDifferentiateNormallyOutsideABatchNorm() {
    FusedBatchNorm.install();
    SameDiff sd = SameDiff.create();
    Nd4j.getRandom().setSeed(3);
    INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 3, 2, 2);
    SDVariable in = sd.var("x", x);
    SDVariable[] m = new FusedBatchNorm.BatchMoments(sd, in, 0, 2, 3).outputVariables();
    sd.sum("loss", m[0]);
    sd.setLossVariables("loss");
    INDArray dx = sd.calculateGradients(Map.of(), "x").get("x");
    assertEquals(0, maxAbs(dx.sub(1.0 / 16)), 1e-12, "d(sum of channel means)/dx = 1/(N·H·W)");
    INDArray ref = x.mean(0, 2, 3);
    assertEquals(0, maxAbs(m[0].eval().sub(ref)), 1e-12, "mean");
    INDArray c = x.sub(ref.reshape(1, 3, 1, 1));
    assertEquals(0, maxAbs(m[1].eval().sub(c.mul(c).mean(0, 2, 3))), 1e-12, "biased variance");
  }

  /**
   * The training pass of one fused layer costs two forward ops (moments, batchnorm) and, for the
   * statistics, a single zero tensor backward: no reduction, subtraction or product of the composed
   * statistics remains in the gradient graph.
   */
  @Test
  void theStatisticsCostOneOpEachWay() {
    SameDiff sd = SameDiff.create();
    Layers layers = new Layers(sd, DataType.DOUBLE, 1, true);
    SDVariable in = sd.var("x", Nd4j.rand(DataType.DOUBLE, 4, 3, 2, 2));
    SDVariable y = layers.batchNorm("bn", in, 3, true);
    sd.sum("loss", y.mul(y));
    sd.setLossVariables("loss");
    List<String> forward =
        sd.getOps().values().stream().map(o -> o.getOp().opName()).sorted().toList();
    assertEquals(List.of("batchnorm", "moments", "multiply", "reduce_sum"), forward);
    sd.createGradFunction();
    List<String> backward =
        sd.getFunction("grad").getOps().values().stream()
            .map(o -> o.getOp().opName())
            .filter(n -> !forward.contains(n) || n.equals("moments"))
            .sorted()
            .toList();
    assertTrue(backward.contains("batchnorm_bp"), backward.toString());
    assertTrue(backward.contains("zeroslike"), backward.toString());
    for (String gone : List.of("reduce_mean_bp", "subtract_bp", "reshape")) {
      assertTrue(!backward.contains(gone), gone + " in " + backward);
    }
  }
}
