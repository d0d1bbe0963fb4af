package org.tbps4j.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.stats.api.StatsInitializationReport;
import org.deeplearning4j.ui.model.stats.api.StatsReport;
import org.deeplearning4j.ui.model.stats.api.StatsType;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.train.listeners.IterationReport;

class DashboardListenerTest {

  @AfterEach
  void gc() {
    System.gc();
  }

  @Test
  void parameterStatisticsOfAHandExample() {
    INDArray before = Nd4j.createFromArray(1.0f, -2.0f, 3.0f, -4.0f);
    INDArray after = Nd4j.createFromArray(1.5f, -2.0f, 2.0f, -4.0f);
    DashboardListener.ParameterStats s =
        DashboardListener.parameterStatistics(Map.of("w", before), Map.of("w", after)).get("w");
    // mean |after| = (1.5 + 2 + 2 + 4) / 4; update = [0.5, 0, -1, 0]
    assertEquals(2.375, s.parameterMeanMagnitude(), 1e-6);
    assertEquals(0.375, s.updateMeanMagnitude(), 1e-6);
    // bias-corrected: after has mean -0.625, squared deviations sum 24.6875;
    // the update has mean -0.125, squared deviations sum 1.1875
    assertEquals(Math.sqrt(24.6875 / 3), s.parameterStdev(), 1e-6);
    assertEquals(Math.sqrt(1.1875 / 3), s.updateStdev(), 1e-6);
  }

  @Test
  void evenlySpacedKeepsFirstAndLast() {
    List<String> ten = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
    assertEquals(List.of("a", "d", "g", "j"), DashboardListener.evenlySpaced(ten, 4));
    assertEquals(List.of("a"), DashboardListener.evenlySpaced(ten, 1));
    assertEquals(List.of(), DashboardListener.evenlySpaced(ten, 0));
    assertEquals(ten, DashboardListener.evenlySpaced(ten, 10));
    assertEquals(List.of("a", "b"), DashboardListener.evenlySpaced(List.of("a", "b"), 5));
  }

  @Test
  void optionsRejectNonsense() {
    IllegalArgumentException a =
        assertThrows(IllegalArgumentException.class, () -> new DashboardListener.Options(0, 4));
    assertTrue(a.getMessage().contains("sampleEvery must be >= 1, got 0"), a.getMessage());
    IllegalArgumentException b =
        assertThrows(IllegalArgumentException.class, () -> new DashboardListener.Options(5, -1));
    assertTrue(b.getMessage().contains("sampledVariables must be >= 0, got -1"), b.getMessage());
  }

  /**
   * Seven fake steps on a micro model, sampling every 3 steps: before step i every sampled weight
   * moves by the constant c_i, so the reported update mean magnitude of a sampled step is |c_i| and
   * the steps in between repeat it.
   */
  @Test
  void samplesEveryNStepsAndRepeatsTheSampleInBetween() throws Exception {
    TbpsModel model = TbpsModel.create(ModelConfig.preset("micro", 5, 20));
    InMemoryStatsStorage storage = new InMemoryStatsStorage();
    DashboardListener l =
        new DashboardListener(storage, "s", null, new DashboardListener.Options(3, 2));
    l.runStarted(0, 7);
    l.modelChanged(model);
    List<String> sampled = l.sampledVariables();
    List<String> weights = DashboardListener.weightNames(model.sameDiff());
    assertEquals(List.of(weights.get(0), weights.get(weights.size() - 1)), sampled);

    double[] c = {0.5, 0.25, 0.125, -0.0625, 0.03125, 0.015625, -0.0078125};
    double[] expectedUpdate = {0.5, 0.5, 0.5, 0.0625, 0.0625, 0.0625, 0.0078125};
    double[] expectedParam = new double[7];
    for (int i = 0; i < 7; i++) {
      for (String n : sampled) {
        model.sameDiff().getArrForVarName(n).addi(c[i]); // "the optimiser step"
      }
      if (i % 3 == 0) {
        expectedParam[i] = meanAbs(model.sameDiff().getArrForVarName(sampled.get(0)));
      } else {
        expectedParam[i] = expectedParam[i - 1];
      }
      Map<String, Double> terms = new LinkedHashMap<>();
      terms.put("loss/a", 1.0 + i);
      terms.put("loss/total", 2.0 + i);
      l.iterationDone(new IterationReport(i, 0, "joint", 0, i, 7, 7, 8, 0.01, terms, 0.25));
    }
    l.close();

    StatsInitializationReport init =
        (StatsInitializationReport)
            storage.getStaticInfo("s", StatsListener.TYPE_ID, DashboardListener.WORKER_ID);
    assertEquals("org.nd4j.autodiff.samediff.SameDiff", init.getModelClassName());
    assertEquals(model.parameterCount(), init.getModelNumParams());
    assertEquals(weights.size(), init.getModelNumLayers());
    assertEquals(model.trainableVariables(), List.of(init.getModelParamNames()));

    List<Persistable> reports =
        storage.getAllUpdatesAfter("s", StatsListener.TYPE_ID, DashboardListener.WORKER_ID, 0);
    assertEquals(7, reports.size(), "one report per step, timestamps kept unique");
    for (int i = 0; i < 7; i++) {
      StatsReport r = (StatsReport) reports.get(i);
      assertEquals(i, r.getIterationCount());
      assertEquals(2.0 + i, r.getScore(), 0.0);
      assertEquals(32.0, r.getExamplesPerSecond(), 1e-9, "8 pairs in 0.25 s");
      assertEquals(8L * (i + 1), r.getTotalExamples());
      for (String n : sampled) {
        double u = r.getMeanMagnitudes(StatsType.Updates).get(n);
        assertEquals(expectedUpdate[i], u, expectedUpdate[i] * 1e-4, "step " + i + " " + n);
        assertEquals(0.0, r.getStdev(StatsType.Updates).get(n), 1e-6, "a constant update");
        assertEquals(0.01, r.getLearningRates().get(n), 0.0);
      }
      double p = r.getMeanMagnitudes(StatsType.Parameters).get(sampled.get(0));
      assertEquals(expectedParam[i], p, 1e-5, "step " + i);
    }
    List<Persistable> terms =
        storage.getAllUpdatesAfter("s", LossTermsReport.TYPE_ID, DashboardListener.WORKER_ID, 0);
    assertEquals(7, terms.size());
    assertEquals(7.0, ((LossTermsReport) terms.get(6)).terms().get("loss/a"), 0.0);
  }

  @Test
  void aStepBeforeAnyGraphIsAnError() throws Exception {
    DashboardListener l =
        new DashboardListener(
            new InMemoryStatsStorage(), "s", null, DashboardListener.Options.defaults());
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                l.iterationDone(new IterationReport(0, 0, "a", 0, 0, 1, 1, 2, 0.1, Map.of(), 0.1)));
    assertTrue(e.getMessage().contains("before modelChanged"), e.getMessage());
    l.close();
  }

  private static double meanAbs(INDArray a) {
    double s = 0;
    float[] v = a.dup().data().asFloat();
    for (float x : v) {
      s += Math.abs(x);
    }
    return s / v.length;
  }
}
