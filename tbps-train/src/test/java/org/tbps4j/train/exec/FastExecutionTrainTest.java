package org.tbps4j.train.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.validation.GradCheckUtil;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.schedule.FixedSchedule;
import org.tbps4j.loss.LossMix;
import org.tbps4j.model.GraphNames;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.Quiet;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.model.exec.FastExecution;
import org.tbps4j.train.ModelFactory;
import org.tbps4j.train.config.ConfigLoader;
import org.tbps4j.train.config.TrainConfig;
import org.tbps4j.train.listeners.LossTermsListener;

/**
 * {@link FastExecution} in the trainer's setting against the stock {@code SameDiff.fit}: the
 * quickstart loss mix with Adam and weight decay on the micro model with the ESA head and dropout,
 * the per-step reseeding {@link LossTermsListener}, a frozen image backbone (stage I) switched on
 * and off between steps, a checkpoint with updater state saved and resumed, and a float64 gradient
 * check after fast steps. Every comparison is bit for bit.
 */
class FastExecutionTrainTest {
  @TempDir Path dir;

  @AfterEach
  void cleanUp() {
    FastExecution.forget();
    System.gc();
  }

  private static final int N = 8;

  private static final String QUICKSTART_MIX =
      """
      - {name: cmpm, weight: 1.0}
      - {name: cmpc, weight: 0.8}
      - {name: mam, weight: 0.2, params: {m: 2}}
      - {name: psw, weight: 1.0}
      """;

  private static TrainConfig config(boolean esa) {
    return config(esa, 0.2, QUICKSTART_MIX);
  }

  private static TrainConfig config(boolean esa, double drop, String loss) {
    String yaml =
        """
        name: fast-execution
        seed: 5
        data: {root: unused, image_height: 32, image_width: 16, max_length: 12, p: 4, k: 2}
        model: {preset: micro, drop_fraction: %s, esa: %s}
        loss:
        %s
        optimizer: {type: adam, lr: 0.003, weight_decay: 0.0001}
        stages:
          - {name: joint, epochs: 1}
        """
            .formatted(drop, esa, loss.strip().indent(2));
    return ConfigLoader.parse(yaml, "fast execution test config");
  }

  /** A model with the config's loss mix and training config, and its loss-terms listener. */
  private record Run(TbpsModel model, LossTermsListener terms) {
    SameDiff sd() {
      return model.sameDiff();
    }
  }

  private static Run run(TrainConfig c, DataType type) {
    ModelConfig mc = ModelFactory.modelConfig(c, 6, 40);
    TbpsModel model = TbpsModel.create(mc, type);
    LossMix mix = ModelFactory.lossMix(c.loss());
    ModelFactory.attach(model, mix);
    model
        .sameDiff()
        .setTrainingConfig(
            ModelFactory.trainingConfig(c, model, new FixedSchedule(c.optimizer().lr()), 0));
    return new Run(model, new LossTermsListener(ModelFactory.termWeights(mix), 17));
  }

  private static List<MultiDataSet> batches(TbpsModel m, int count, DataType type) {
    ModelConfig mc = m.config();
    List<MultiDataSet> out = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(3);
    for (int b = 0; b < count; b++) {
      double[] px = new double[N * 3 * mc.imageHeight() * mc.imageWidth()];
      for (int i = 0; i < px.length; i++) {
        px[i] = r.nextDouble() - 0.5;
      }
      int[] tok = new int[N * mc.maxLength()];
      for (int i = 0; i < N; i++) {
        int len = 2 + r.nextInt(mc.maxLength() - 1);
        for (int j = 0; j < len; j++) {
          tok[i * mc.maxLength() + j] = 2 + r.nextInt(mc.vocabularySize() - 2);
        }
      }
      int[] y = new int[N];
      for (int i = 0; i < N; i++) {
        y[i] = (i / 2 + b) % mc.numClasses();
      }
      out.add(
          m.trainingBatch(
              Nd4j.create(px, new long[] {N, 3, mc.imageHeight(), mc.imageWidth()}, 'c')
                  .castTo(type),
              Nd4j.createFromArray(tok).reshape(N, mc.maxLength()),
              Nd4j.createFromArray(y)));
    }
    return out;
  }

  /** Every parameter, constant and optimiser state array, by name. */
  private static Map<String, INDArray> state(SameDiff sd) {
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (SDVariable v : sd.variables()) {
      if (v.getVariableType() == VariableType.VARIABLE
          || v.getVariableType() == VariableType.CONSTANT) {
        out.put(v.getVariableType() + " " + v.name(), v.getArr().dup());
      }
    }
    if (sd.getUpdaterMap() != null) {
      for (Map.Entry<String, GradientUpdater> e : sd.getUpdaterMap().entrySet()) {
        @SuppressWarnings("unchecked")
        Map<String, INDArray> st = e.getValue().getState();
        if (st != null) {
          st.forEach((k, a) -> out.put("updater " + e.getKey() + " " + k, a.dup()));
        }
      }
    }
    return out;
  }

  private static void assertSameState(SameDiff want, SameDiff got, String at) {
    Map<String, INDArray> a = state(want);
    Map<String, INDArray> b = state(got);
    assertEquals(a.keySet(), b.keySet(), at);
    for (String k : a.keySet()) {
      assertArrayEquals(
          a.get(k).dup('c').data().asBytes(), b.get(k).dup('c').data().asBytes(), at + ": " + k);
    }
  }

  private static void stockStep(Run r, MultiDataSet b) {
    Quiet.run(() -> r.sd().fit(b, r.terms()));
  }

  private static void fastStep(Run r, MultiDataSet b) {
    Quiet.run(() -> FastExecution.fit(r.sd(), b, r.terms()));
  }

  @Test
  void quickstartMixWithEsaDropoutAndWeightDecayTrainsLikeStockFit() {
    TrainConfig c = config(true);
    Run stock = run(c, DataType.FLOAT);
    Run fast = run(c, DataType.FLOAT);
    assertTrue(stock.model().config().esa().enabled());
    List<MultiDataSet> data = batches(stock.model(), 3, DataType.FLOAT);
    for (int i = 0; i < 5; i++) {
      MultiDataSet b = data.get(i % data.size());
      stockStep(stock, b);
      fastStep(fast, b);
      assertSameState(stock.sd(), fast.sd(), "step " + i);
      // the listener that reads the loss sees the same real term values
      assertEquals(stock.terms().lastValues("total"), fast.terms().lastValues("total"));
    }
    double total = fast.terms().lastValues("total").get("total");
    assertTrue(Double.isFinite(total) && total > 0, "loss " + total);
  }

  @Test
  void freezingAndUnfreezingTheBackboneBetweenStepsTrainsLikeStockFit() {
    TrainConfig c = config(false);
    Run stock = run(c, DataType.FLOAT);
    Run fast = run(c, DataType.FLOAT);
    List<MultiDataSet> data = batches(stock.model(), 2, DataType.FLOAT);
    int step = 0;
    for (String phase : List.of("joint", "frozen", "unfrozen")) {
      if (phase.equals("frozen")) {
        stock.model().freezeImageBackbone();
        fast.model().freezeImageBackbone();
        // the frozen graph has no gradient graph until the next step builds one
        assertNull(fast.sd().getFunction("grad"));
      } else if (phase.equals("unfrozen")) {
        stock.model().unfreezeImageBackbone();
        fast.model().unfreezeImageBackbone();
      }
      for (int i = 0; i < 3; i++, step++) {
        MultiDataSet b = data.get(step % data.size());
        stockStep(stock, b);
        fastStep(fast, b);
        assertSameState(stock.sd(), fast.sd(), phase + " step " + step);
        assertEquals(stock.terms().lastValues("total"), fast.terms().lastValues("total"));
      }
      assertNotNull(fast.sd().getFunction("grad"));
    }
  }

  @Test
  void aCheckpointWithUpdaterStateResumesLikeAnUninterruptedStockRun() throws Exception {
    TrainConfig c = config(true);
    Run stock = run(c, DataType.FLOAT);
    Run fast = run(c, DataType.FLOAT);
    List<MultiDataSet> data = batches(stock.model(), 3, DataType.FLOAT);
    for (int i = 0; i < 3; i++) {
      stockStep(stock, data.get(i));
      fastStep(fast, data.get(i));
    }
    Path ckpt = dir.resolve("ckpt.zip");
    fast.model().save(ckpt, true);
    FastExecution.forget();
    TbpsModel loaded = TbpsModel.load(ckpt, true);
    Run resumed =
        new Run(
            loaded,
            new LossTermsListener(ModelFactory.termWeights(ModelFactory.lossMix(c.loss())), 17));
    resumed.sd().setLossVariables(org.tbps4j.loss.LossNames.TOTAL);
    for (int i = 3; i < 6; i++) {
      MultiDataSet b = data.get(i % data.size());
      stockStep(stock, b);
      fastStep(resumed, b);
      assertSameState(stock.sd(), resumed.sd(), "resumed step " + i);
      assertEquals(stock.terms().lastValues("total"), resumed.terms().lastValues("total"));
    }
  }

  @Test
  void theGraphStillPassesAFloat64GradientCheckAfterFastSteps() {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    try {
      // no dropout (the check evaluates the loss many times); a mix that uses every parameter
      // (GradCheckUtil wants a gradient for each: cmpc leaves the classifier bias out, psw brings
      // in the ESA head through the combined similarity)
      TrainConfig c =
          config(
              true,
              0,
              "- {name: cmpm, weight: 1.0}\n- {name: instance, weight: 1.0}\n- {name: psw, weight: 1.0}\n");
      Run r = run(c, DataType.DOUBLE);
      List<MultiDataSet> data = batches(r.model(), 2, DataType.DOUBLE);
      fastStep(r, data.get(0)); // builds the gradient graph through the stock path
      fastStep(r, data.get(1)); // a step through the kept session
      fastStep(r, data.get(0));
      MultiDataSet b = data.get(1);
      Map<String, INDArray> ph =
          r.model().inputs(b.getFeatures(0), b.getFeatures(1), b.getLabels(0));
      ph.forEach((name, arr) -> r.sd().getVariable(name).setArray(arr));
      // one random element of every parameter (the full check of the graph is GradientCheckTest)
      Map<String, INDArray> masks = new java.util.HashMap<>();
      SplittableRandom rnd = new SplittableRandom(2);
      for (SDVariable v : r.sd().variables()) {
        if (v.getVariableType() != VariableType.VARIABLE) {
          continue;
        }
        INDArray a = v.getArr();
        boolean[] m = new boolean[(int) a.length()];
        for (int k = 0; k < Math.min(1, m.length); k++) {
          m[rnd.nextInt(m.length)] = true;
        }
        masks.put(v.name(), Nd4j.create(m).reshape(a.shape()));
      }
      java.util.Set<String> skip = new java.util.HashSet<>(); // placeholders and constants
      for (SDVariable v : r.sd().variables()) {
        if (v.getVariableType() != VariableType.VARIABLE
            && v.getVariableType() != VariableType.ARRAY) {
          skip.add(v.name());
        }
      }
      boolean ok =
          GradCheckUtil.checkGradients(
              r.sd(), ph, 1e-6, 1e-3, 1e-7, false, false, false, false, skip, masks);
      assertTrue(ok, "gradient check after fast steps");
      assertEquals(GraphNames.LABELS, r.model().labelNames().get(0));
    } finally {
      Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }
  }
}
