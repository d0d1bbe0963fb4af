package org.tbps4j.model.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.validation.GradCheckUtil;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * torchvision-style padded layers ({@link Layers#convPadded}, {@link Layers#maxPoolPadded}): the
 * output sizes {@code floor((n + 2p − k)/s) + 1} on even and odd sizes, and float64 gradient checks
 * of the input and the kernels through a 7×7/2 stem, the padded 3×3/2 max pooling and a 3×3/2
 * convolution (the backward pass that training an imported backbone takes).
 */
class PaddedLayersGradientTest {

  @Test
  void outputSizesAreTorchvisions() {
    SameDiff sd = SameDiff.create();
    Layers layers = new Layers(sd, DataType.FLOAT, 1);
    SDVariable x = sd.var("x", Nd4j.rand(DataType.FLOAT, 1, 3, 11, 8));
    SDVariable a = layers.convPadded("a", x, 7, 3, 4, 2, 3); // (11+6−7)/2+1 = 6, (8+6−7)/2+1 = 4
    SDVariable b = layers.maxPoolPadded(a, 3, 2, 1); // 3, 2
    SDVariable c = layers.convPadded("c", b, 1, 4, 2, 2, 0); // 2, 1
    Map<String, INDArray> out = sd.output(Map.of(), a.name(), b.name(), c.name());
    assertArrayEquals(new long[] {1, 4, 6, 4}, out.get(a.name()).shape());
    assertArrayEquals(new long[] {1, 4, 3, 2}, out.get(b.name()).shape());
    assertArrayEquals(new long[] {1, 2, 2, 1}, out.get(c.name()).shape());
  }

  @Test
  void gradientsThroughStemPoolingAndStridedConvolution() {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    try {
      Nd4j.getRandom().setSeed(3);
      SameDiff sd = SameDiff.create();
      Layers layers = new Layers(sd, DataType.DOUBLE, 4);
      SDVariable x = sd.var("x", Nd4j.rand(DataType.DOUBLE, 2, 2, 10, 8).subi(0.5));
      SDVariable y = layers.relu(layers.convPadded("stem", x, 7, 2, 3, 2, 3)); // [2,3,5,4]
      y = layers.maxPoolPadded(y, 3, 2, 1); // [2,3,3,2]
      y = layers.convPadded("conv", y, 3, 3, 2, 2, 1); // [2,2,2,1]
      SDVariable r = sd.constant("r", Nd4j.rand(DataType.DOUBLE, 2, 2, 2, 1).subi(0.5));
      sd.sum("loss", y.mul(r).add(y.mul(y)));
      sd.setLossVariables("loss");
      boolean ok = GradCheckUtil.checkGradients(sd, Map.of(), 1e-6, 1e-3, 1e-7, false, false);
      assertTrue(ok, "gradient check failed");
      Map<String, INDArray> g = sd.calculateGradients(Map.of(), "x", "stem/W", "conv/W");
      for (String v : new String[] {"x", "stem/W", "conv/W"}) {
        assertTrue(g.get(v).amaxNumber().doubleValue() > 0, "no gradient reaches " + v);
      }
    } finally {
      Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }
  }
}
