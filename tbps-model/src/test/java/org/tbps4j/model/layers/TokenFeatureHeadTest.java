package org.tbps4j.model.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.validation.GradCheckUtil;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.tbps4j.model.GraphNames;
import org.tbps4j.model.layers.TokenFeatureHead.Config;
import org.tbps4j.model.layers.TokenFeatureHead.Variant;

/**
 * The token-feature text head: float64 gradient checks of both variants, outputs against a slow
 * Java forward (training and inference pass), independence from padding and from the batch in the
 * inference pass, and two {@code fit} steps (which clone the graph, where M2.1 loses op fields).
 */
class TokenFeatureHeadTest {
  private static final int F = 6;
  private static final int C = 4;
  private static final int D = 3;
  private static final String PREFIX = "text/head";
  private static final String TRAIN_OUT = "train_embedding";
  private static final String INFER_OUT = "inference_embedding";

  @AfterEach
  void gc() {
    Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    System.gc();
  }

  private static Config config(Variant v) {
    return new Config(v, F, C, 1, D, 0.0);
  }

  /** Both passes of a head; training output {@link #TRAIN_OUT}, inference {@link #INFER_OUT}. */
  private static SameDiff graph(Variant v, DataType type, long seed) {
    return graph(v, type, seed, null);
  }

  /**
   * Both passes; with {@code constants}, the inputs are constants of those values instead of
   * placeholders (GradCheckUtil wants a gradient for every floating placeholder, and M2.1 creates
   * none for inputs whose gradient no weight needs).
   */
  private static SameDiff graph(
      Variant v, DataType type, long seed, Map<String, INDArray> constants) {
    SameDiff sd = SameDiff.create();
    if (constants != null) {
      constants.forEach(sd::constant);
    }
    Layers layers = new Layers(sd, type, seed);
    TokenFeatureHead.Output train = TokenFeatureHead.build(layers, PREFIX, config(v));
    sd.identity(TRAIN_OUT, train.embedding());
    layers.setInference(true);
    TokenFeatureHead.Output infer = TokenFeatureHead.build(layers, PREFIX, config(v));
    sd.identity(INFER_OUT, infer.embedding());
    if (v == Variant.CNN_ATTENTION) {
      assertNotNull(train.tokens());
    } else {
      assertNull(train.tokens());
    }
    return sd;
  }

  /** Random features, zero at padding (as the tower and the cache give them). */
  private static double[][][] features(int[] lengths, int len, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][][] x = new double[lengths.length][len][F];
    for (int n = 0; n < lengths.length; n++) {
      for (int t = 0; t < lengths[n]; t++) {
        for (int f = 0; f < F; f++) {
          x[n][t][f] = r.nextGaussian();
        }
      }
    }
    return x;
  }

  private static Map<String, INDArray> inputs(
      double[][][] x, int[] lengths, int len, DataType type) {
    int n = lengths.length;
    double[] flat = new double[n * len * F];
    double[] mask = new double[n * len];
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < len; t++) {
        mask[i * len + t] = t < lengths[i] ? 1 : 0;
        for (int f = 0; f < F; f++) {
          flat[(i * len + t) * F + f] = t < x[i].length ? x[i][t][f] : 0;
        }
      }
    }
    Map<String, INDArray> ph = new HashMap<>();
    ph.put(TokenFeatureHead.FEATURES, Nd4j.create(flat, new long[] {n, len, F}, 'c').castTo(type));
    ph.put(TokenFeatureHead.MASK, Nd4j.create(mask, new long[] {n, len}, 'c').castTo(type));
    return ph;
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void gradientCheckInFloat64(Variant v) {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    int[] lengths = {5, 3, 1};
    Map<String, INDArray> in = inputs(features(lengths, 5, 7), lengths, 5, DataType.DOUBLE);
    SameDiff sd = graph(v, DataType.DOUBLE, 3, in);
    Map<String, INDArray> ph = new HashMap<>();
    SplittableRandom r = new SplittableRandom(9);
    double[] w = new double[3 * D];
    for (int i = 0; i < w.length; i++) {
      w[i] = r.nextGaussian();
    }
    SDVariable target = sd.constant("target", Nd4j.create(w, new long[] {3, D}, 'c'));
    SDVariable loss = sd.sum("loss", sd.getVariable(TRAIN_OUT).mul(target));
    sd.setLossVariables(loss);
    Set<String> skip = new HashSet<>();
    List<String> params = new ArrayList<>();
    for (SDVariable var : sd.variables()) {
      if (var.getVariableType() == VariableType.VARIABLE) {
        params.add(var.name());
      } else if (var.getVariableType() != VariableType.ARRAY) {
        skip.add(var.name());
      }
    }
    int expected = v == Variant.CNN_ATTENTION ? 10 : 5; // see the class Javadoc's weight list
    assertEquals(expected, params.size(), params.toString());
    boolean ok =
        GradCheckUtil.checkGradients(
            sd,
            ph,
            1e-6,
            1e-4,
            1e-8,
            Boolean.getBoolean("gradcheck.print"),
            false,
            false,
            false,
            skip,
            null);
    assertTrue(ok, "gradient check failed for " + v + " (-Dgradcheck.print=true shows where)");
    Map<String, INDArray> grads = sd.calculateGradients(ph, params);
    for (String p : params) {
      assertTrue(grads.get(p).amaxNumber().doubleValue() > 0, "no gradient reaches " + p);
    }
  }

  /** The slow forward, in double, reading the graph's weights by name. */
  private static double[][] slowForward(
      SameDiff sd, Variant v, double[][][] x, int[] lengths, boolean inference) {
    int n = lengths.length;
    double[][] pooled;
    int width;
    if (v == Variant.CNN_ATTENTION) {
      double[][][] h = conv(sd, "stem", x, lengths, F, C, true);
      double[][][] r = conv(sd, "block1/conv1", h, lengths, C, C, true);
      r = conv(sd, "block1/conv2", r, lengths, C, C, false);
      for (int i = 0; i < n; i++) {
        for (int t = 0; t < lengths[i]; t++) {
          for (int c = 0; c < C; c++) {
            h[i][t][c] = Math.max(0, h[i][t][c] + r[i][t][c]);
          }
        }
      }
      double[] q = weights(sd, "attention/query");
      pooled = new double[n][C];
      for (int i = 0; i < n; i++) {
        double[] logit = new double[lengths[i]];
        double max = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < lengths[i]; t++) {
          for (int c = 0; c < C; c++) {
            logit[t] += h[i][t][c] * q[c];
          }
          logit[t] /= Math.sqrt(C);
          max = Math.max(max, logit[t]);
        }
        double z = 0;
        for (int t = 0; t < lengths[i]; t++) {
          logit[t] = Math.exp(logit[t] - max);
          z += logit[t];
        }
        for (int t = 0; t < lengths[i]; t++) {
          for (int c = 0; c < C; c++) {
            pooled[i][c] += logit[t] / z * h[i][t][c];
          }
        }
      }
      width = C;
    } else {
      double[] wh = weights(sd, "hidden/W");
      double[] bh = weights(sd, "hidden/b");
      pooled = new double[n][C];
      for (int i = 0; i < n; i++) {
        double[] mean = new double[F];
        double norm = 0;
        for (int f = 0; f < F; f++) {
          for (int t = 0; t < lengths[i]; t++) {
            mean[f] += x[i][t][f] / lengths[i];
          }
          norm += mean[f] * mean[f];
        }
        for (int f = 0; f < F; f++) {
          mean[f] /= Math.sqrt(norm + 1e-12);
        }
        for (int c = 0; c < C; c++) {
          double s = bh[c];
          for (int f = 0; f < F; f++) {
            s += mean[f] * wh[f * C + c];
          }
          pooled[i][c] = Math.max(0, s);
        }
      }
      width = C;
    }
    double[] wp = weights(sd, "proj/W");
    double[][] y = new double[n][D];
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < D; d++) {
        for (int c = 0; c < width; c++) {
          y[i][d] += pooled[i][c] * wp[c * D + d];
        }
      }
    }
    double[] gamma = weights(sd, "bn/gamma");
    double[] beta = weights(sd, "bn/beta");
    double[] mean = new double[D];
    double[] var = new double[D];
    if (inference) {
      mean = weights(sd, "bn" + GraphNames.BN_RUNNING_MEAN);
      var = weights(sd, "bn" + GraphNames.BN_RUNNING_VAR);
    } else {
      for (int d = 0; d < D; d++) {
        for (int i = 0; i < n; i++) {
          mean[d] += y[i][d] / n;
        }
        for (int i = 0; i < n; i++) {
          var[d] += (y[i][d] - mean[d]) * (y[i][d] - mean[d]) / n;
        }
      }
    }
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < D; d++) {
        y[i][d] = (y[i][d] - mean[d]) / Math.sqrt(var[d] + Layers.BN_EPSILON) * gamma[d] + beta[d];
      }
    }
    return y;
  }

  /** Kernel-3 SAME convolution of the real tokens (zeros beyond a caption's end), masked. */
  private static double[][][] conv(
      SameDiff sd, String name, double[][][] x, int[] lengths, int in, int out, boolean relu) {
    double[] w = weights(sd, name + "/W"); // [3, in, out]
    double[] b = weights(sd, name + "/b");
    double[][][] y = new double[x.length][x[0].length][out];
    for (int i = 0; i < x.length; i++) {
      for (int t = 0; t < lengths[i]; t++) {
        for (int o = 0; o < out; o++) {
          double s = b[o];
          for (int k = 0; k < 3; k++) {
            int src = t + k - 1;
            if (src < 0 || src >= lengths[i]) {
              continue;
            }
            for (int c = 0; c < in; c++) {
              s += x[i][src][c] * w[(k * in + c) * out + o];
            }
          }
          y[i][t][o] = relu ? Math.max(0, s) : s;
        }
      }
    }
    return y;
  }

  private static double[] weights(SameDiff sd, String name) {
    return sd.getArrForVarName(PREFIX + "/" + name).castTo(DataType.DOUBLE).data().asDouble();
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void outputsMatchASlowJavaForward(Variant v) {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    SameDiff sd = graph(v, DataType.DOUBLE, 5);
    // non-trivial running statistics and BN parameters
    sd.getArrForVarName(PREFIX + "/bn" + GraphNames.BN_RUNNING_MEAN)
        .assign(Nd4j.createFromArray(0.3, -0.2, 0.1).reshape(1, D));
    sd.getArrForVarName(PREFIX + "/bn" + GraphNames.BN_RUNNING_VAR)
        .assign(Nd4j.createFromArray(2.0, 0.5, 1.5).reshape(1, D));
    sd.getArrForVarName(PREFIX + "/bn/gamma")
        .assign(Nd4j.createFromArray(1.2, 0.7, -0.4).reshape(1, D));
    sd.getArrForVarName(PREFIX + "/bn/beta")
        .assign(Nd4j.createFromArray(0.1, 0.0, -0.3).reshape(1, D));
    int[] lengths = {6, 2, 4, 1};
    double[][][] x = features(lengths, 7, 13);
    Map<String, INDArray> out =
        sd.output(inputs(x, lengths, 7, DataType.DOUBLE), TRAIN_OUT, INFER_OUT);
    for (boolean inference : new boolean[] {false, true}) {
      double[][] want = slowForward(sd, v, x, lengths, inference);
      INDArray got = out.get(inference ? INFER_OUT : TRAIN_OUT);
      for (int i = 0; i < lengths.length; i++) {
        for (int d = 0; d < D; d++) {
          assertEquals(
              want[i][d],
              got.getDouble(i, d),
              1e-9,
              v + " inference=" + inference + " [" + i + "," + d + "]");
        }
      }
    }
  }

  /** More padding, or other captions in the batch, do not change a caption's inference output. */
  @ParameterizedTest
  @EnumSource(Variant.class)
  void inferenceOutputIgnoresPaddingAndBatch(Variant v) {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    SameDiff sd = graph(v, DataType.DOUBLE, 8);
    int[] lengths = {3, 5, 2};
    double[][][] x = features(lengths, 5, 21);
    INDArray tight = sd.output(inputs(x, lengths, 5, DataType.DOUBLE), INFER_OUT).get(INFER_OUT);
    INDArray padded = sd.output(inputs(x, lengths, 9, DataType.DOUBLE), INFER_OUT).get(INFER_OUT);
    double[][][] one = {x[2]};
    INDArray alone =
        sd.output(inputs(one, new int[] {2}, 2, DataType.DOUBLE), INFER_OUT).get(INFER_OUT);
    for (int d = 0; d < D; d++) {
      for (int i = 0; i < 3; i++) {
        assertEquals(tight.getDouble(i, d), padded.getDouble(i, d), 1e-12);
      }
      assertEquals(tight.getDouble(2, d), alone.getDouble(0, d), 1e-12);
    }
  }

  /** Two Adam steps through {@code fit} (the graph is cloned): finite, and every weight moves. */
  @ParameterizedTest
  @EnumSource(Variant.class)
  void twoFitStepsTrainEveryWeight(Variant v) {
    SameDiff sd = graph(v, DataType.FLOAT, 4);
    SDVariable target = sd.placeHolder("target", DataType.FLOAT, -1, D);
    SDVariable diff = sd.getVariable(TRAIN_OUT).sub(target);
    sd.setLossVariables(sd.mean("loss", diff.mul(diff)));
    sd.setTrainingConfig(
        TrainingConfig.builder()
            .updater(new Adam(1e-2))
            .dataSetFeatureMapping(TokenFeatureHead.FEATURES, TokenFeatureHead.MASK)
            .dataSetLabelMapping("target")
            .build());
    int[] lengths = {4, 2, 3, 1, 4};
    Map<String, INDArray> ph = inputs(features(lengths, 4, 2), lengths, 4, DataType.FLOAT);
    INDArray y = Nd4j.rand(DataType.FLOAT, 5, D);
    List<String> params = new ArrayList<>();
    Map<String, INDArray> before = new HashMap<>();
    for (SDVariable var : sd.variables()) {
      if (var.getVariableType() == VariableType.VARIABLE) {
        params.add(var.name());
        before.put(var.name(), var.getArr().dup());
      }
    }
    MultiDataSet batch =
        new MultiDataSet(
            new INDArray[] {ph.get(TokenFeatureHead.FEATURES), ph.get(TokenFeatureHead.MASK)},
            new INDArray[] {y});
    sd.fit(batch);
    sd.fit(batch);
    for (String p : params) {
      INDArray after = sd.getArrForVarName(p);
      assertTrue(!after.isInfinite().any() && !after.isNaN().any(), p);
      assertTrue(after.sub(before.get(p)).amaxNumber().doubleValue() > 0, p + " did not move");
    }
  }

  @Test
  void unknownVariantNamesTheValidOnes() {
    assertEquals(Variant.MEAN_MLP, Variant.of("mean-mlp"));
    assertEquals("cnn-attention", Variant.CNN_ATTENTION.configName());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Variant.of("lstm"));
    assertTrue(e.getMessage().contains("cnn-attention, mean-mlp"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Config(Variant.MEAN_MLP, 0, 1, 0, 1, 0));
    assertThrows(
        IllegalArgumentException.class, () -> new Config(Variant.MEAN_MLP, 1, 1, 0, 1, 1.0));
  }
}
