package org.tbps4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.validation.GradCheckUtil;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tbps4j.model.layers.DualPathGraph;
import org.tbps4j.model.layers.Layers;

/**
 * Stride-1 convolutions on maps one pixel wide (or high) convolve with their kernel's centre column
 * (row) only ({@link Layers#conv(String, SDVariable, int, int, int, int, int, int, int, int)}):
 * float64 gradient checks of both convolution forms on such maps, the same outputs and gradients as
 * the whole kernel (layer and whole tiny model at 64×32), and a saved model keeps the form.
 */
class ThinMapConvTest {
  @TempDir Path tmp;

  @AfterEach
  void gc() {
    Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    System.gc();
  }

  /** One convolution (SAME or explicit padding) on an H×W map, loss sum(y ⊙ r), float64. */
  private static SameDiff oneConv(boolean padded, int h, int w, boolean fullKernels) {
    SameDiff sd = SameDiff.create();
    Layers layers = new Layers(sd, DataType.DOUBLE, 3);
    layers.setFullKernelsOnThinMaps(fullKernels);
    SDVariable x = sd.placeHolder("x", DataType.DOUBLE, -1, 3, h, w);
    SDVariable y =
        padded
            ? layers.convPadded("c", x, 3, 3, 4, 1, 1, h, w)
            : layers.conv("c", x, 3, 3, 3, 4, 1, 1, h, w);
    SDVariable r = sd.placeHolder("r", DataType.DOUBLE, -1, 4, h, w);
    sd.sum("loss", y.mul(r)).markAsLoss();
    return sd;
  }

  private static Map<String, INDArray> inputs(int h, int w) {
    Nd4j.getRandom().setSeed(21);
    return Map.of(
        "x", Nd4j.randn(DataType.DOUBLE, 2, 3, h, w), "r", Nd4j.randn(DataType.DOUBLE, 2, 4, h, w));
  }

  @Test
  void gradientsOnThinMapsMatchFiniteDifferencesInDouble() {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    for (boolean padded : new boolean[] {false, true}) {
      for (int[] hw : new int[][] {{2, 1}, {1, 3}, {1, 1}}) {
        SameDiff sd = oneConv(padded, hw[0], hw[1], false);
        String what = (padded ? "padded" : "SAME") + " on " + hw[0] + "x" + hw[1];
        assertEquals(1, TestData.ops(sd, "strided_slice"), what + ": the centre is sliced");
        Map<String, INDArray> ph = inputs(hw[0], hw[1]);
        ph.forEach((name, arr) -> sd.getVariable(name).setArray(arr));
        boolean ok =
            GradCheckUtil.checkGradients(
                sd,
                ph,
                1e-6,
                1e-6,
                1e-9,
                false,
                false,
                false,
                false,
                java.util.Set.of("x", "r"),
                null);
        assertTrue(ok, what + ": gradient check failed");
      }
    }
  }

  @Test
  void theCentreGivesTheWholeKernelsOutputsAndGradients() {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    for (boolean padded : new boolean[] {false, true}) {
      for (int[] hw : new int[][] {{2, 1}, {1, 3}, {1, 1}, {3, 2}}) {
        String what = (padded ? "padded" : "SAME") + " on " + hw[0] + "x" + hw[1];
        SameDiff centre = oneConv(padded, hw[0], hw[1], false);
        SameDiff whole = oneConv(padded, hw[0], hw[1], true);
        assertEquals(0, TestData.ops(whole, "strided_slice"), what);
        assertEquals(hw[0] * hw[1] == 6 ? 0 : 1, TestData.ops(centre, "strided_slice"), what);
        Map<String, INDArray> ph = inputs(hw[0], hw[1]);
        INDArray yc = centre.output(ph, "loss").get("loss");
        INDArray yw = whole.output(ph, "loss").get("loss");
        assertEquals(yw.getDouble(0), yc.getDouble(0), 1e-12, what + ": loss");
        INDArray gc = centre.calculateGradients(ph, List.of("c/W")).get("c/W");
        INDArray gw = whole.calculateGradients(ph, List.of("c/W")).get("c/W");
        assertArrayEquals(gw.shape(), gc.shape(), what);
        assertTrue(gc.sub(gw).amaxNumber().doubleValue() < 1e-12, what + ": weight gradients");
      }
    }
  }

  /**
   * The tiny preset at 64×32: its last stage's second convolution runs on a 2×1 map and takes the
   * centre column; embeddings and every parameter's gradient as with whole kernels.
   */
  @Test
  void tinyModelAt64x32IsUnchanged() throws Exception {
    ModelConfig c = ModelConfig.preset("tiny", 20, 60).toBuilder().optImageSize(64, 32).build();
    TbpsModel centre = TbpsModel.create(c);
    TbpsModel whole =
        TbpsModel.create(c, DataType.FLOAT, new DualPathGraph.Forms(true, false, false, true));
    // one 256→256 convolution per pass on the 2×1 map (stage 3's block, its second convolution)
    assertEquals(
        2,
        TestData.ops(centre.sameDiff(), "strided_slice")
            - TestData.ops(whole.sameDiff(), "strided_slice"));
    INDArray images = TestData.images(c, 8, 4, DataType.FLOAT);
    INDArray tokens = TestData.tokens(c, 8, 5);
    String emb = GraphNames.IMAGE_EMBEDDING_INFERENCE;
    INDArray ec = centre.sameDiff().output(centre.imageInputs(images), emb).get(emb).dup();
    INDArray ew = whole.sameDiff().output(whole.imageInputs(images), emb).get(emb).dup();
    assertTrue(ec.sub(ew).amaxNumber().doubleValue() < 1e-5, "image embeddings");
    MatchingLoss.define(centre);
    MatchingLoss.define(whole);
    Map<String, INDArray> ph = centre.inputs(images, tokens, TestData.labels(8, c.numClasses()));
    List<String> vars = centre.trainableVariables();
    Map<String, INDArray> gc = centre.sameDiff().calculateGradients(ph, vars);
    Map<String, INDArray> gw = whole.sameDiff().calculateGradients(ph, vars);
    for (String v : vars) {
      double scale = Math.max(1e-3, gw.get(v).amaxNumber().doubleValue());
      double d = gc.get(v).sub(gw.get(v)).amaxNumber().doubleValue();
      assertTrue(d < 1e-3 * scale, v + ": gradient differs by " + d + " (largest " + scale + ")");
    }
    // a saved model keeps the centre form and its embeddings
    Path f = tmp.resolve("m.zip");
    centre.save(f, false);
    TbpsModel loaded = TbpsModel.load(f);
    assertEquals(
        TestData.ops(centre.sameDiff(), "strided_slice"),
        TestData.ops(loaded.sameDiff(), "strided_slice"));
    INDArray el = loaded.sameDiff().output(loaded.imageInputs(images), emb).get(emb);
    assertTrue(el.sub(ec).amaxNumber().doubleValue() < 1e-6, "loaded embeddings");
  }
}
