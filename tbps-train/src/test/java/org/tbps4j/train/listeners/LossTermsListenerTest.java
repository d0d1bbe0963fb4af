package org.tbps4j.train.listeners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

class LossTermsListenerTest {
  @TempDir Path dir;

  /** y ≈ x·W with a squared term and a randomly masked absolute term (a dropout-like random op). */
  static SameDiff graph() {
    Nd4j.getRandom().setSeed(1);
    SameDiff sd = SameDiff.create();
    SDVariable x = sd.placeHolder("x", DataType.DOUBLE, -1, 4);
    SDVariable y = sd.placeHolder("y", DataType.DOUBLE, -1, 2);
    SDVariable w = sd.var("w", Nd4j.randn(DataType.DOUBLE, 4, 2));
    SDVariable pred = sd.mmul(x, w);
    SDVariable d = pred.sub(y);
    SDVariable a = sd.mean("loss/a", d.mul(d));
    SDVariable mask =
        sd.random().uniform(0, 1, DataType.DOUBLE, 8, 2).gt(0.5).castTo(DataType.DOUBLE);
    SDVariable b = sd.mean("loss/b", sd.math().abs(pred.mul(mask).sub(y)));
    sd.setLossVariables(a.add("loss/total", b.mul(0.5)));
    sd.setTrainingConfig(
        TrainingConfig.builder()
            .updater(new Adam(0.05))
            .dataSetFeatureMapping("x")
            .dataSetLabelMapping("y")
            .build());
    return sd;
  }

  static List<MultiDataSet> batches() {
    Nd4j.getRandom().setSeed(7);
    List<MultiDataSet> l = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      l.add(new MultiDataSet(Nd4j.randn(DataType.DOUBLE, 8, 4), Nd4j.randn(DataType.DOUBLE, 8, 2)));
    }
    return l;
  }

  static Map<String, Double> weights() {
    Map<String, Double> w = new LinkedHashMap<>();
    w.put("loss/a", 1.0);
    w.put("loss/b", 0.5);
    return w;
  }

  @Test
  void recordsTheRealTermValuesOfTheStep() {
    SameDiff sd = graph();
    MultiDataSet batch = batches().get(0);
    LossTermsListener l = new LossTermsListener(weights(), 3);
    // the squared term is deterministic: its value before the step must be what the listener sees
    double expectedA =
        sd.output(Map.of("x", batch.getFeatures(0), "y", batch.getLabels(0)), "loss/a")
            .get("loss/a")
            .getDouble(0);
    sd.fit(batch, l);
    Map<String, Double> v = l.lastValues("loss/total");
    assertEquals(expectedA, v.get("loss/a"), 1e-12);
    assertTrue(v.get("loss/b") > 0);
    assertEquals(v.get("loss/a") + 0.5 * v.get("loss/b"), v.get("loss/total"), 1e-12);
    assertNotEquals(0.0, v.get("loss/total"));
  }

  @Test
  void reseedingMakesAResumedRunBitIdentical() throws Exception {
    List<MultiDataSet> data = batches();
    SameDiff a = graph();
    LossTermsListener la = new LossTermsListener(weights(), 11);
    for (int i = 0; i < 3; i++) {
      a.fit(data.get(i), la);
    }
    File saved = dir.resolve("mid.sd").toFile();
    a.save(saved, true);
    for (int i = 3; i < 6; i++) {
      a.fit(data.get(i), la);
    }
    Nd4j.getRandom().setSeed(999); // whatever the generator did in between must not matter
    SameDiff b = SameDiff.load(saved, true);
    LossTermsListener lb = new LossTermsListener(weights(), 11);
    for (int i = 3; i < 6; i++) {
      b.fit(data.get(i), lb);
    }
    INDArray wa = a.getVariable("w").getArr();
    INDArray wb = b.getVariable("w").getArr();
    assertEquals(wa, wb);
    assertEquals(la.lastValues("t"), lb.lastValues("t"));
  }

  @Test
  void stepSeedsDifferPerStepAndSeed() {
    assertNotEquals(LossTermsListener.stepSeed(1, 0), LossTermsListener.stepSeed(1, 1));
    assertNotEquals(LossTermsListener.stepSeed(1, 5), LossTermsListener.stepSeed(2, 5));
    assertEquals(LossTermsListener.stepSeed(3, 9), LossTermsListener.stepSeed(3, 9));
  }

  @Test
  void missingTermIsAnError() {
    LossTermsListener l = new LossTermsListener(weights(), 1);
    assertThrows(IllegalStateException.class, () -> l.lastValues("t"));
  }
}
