package org.tbps4j.model.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.Variable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.tbps4j.model.GraphNames;
import org.tbps4j.model.MatchingLoss;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.Quiet;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.model.TestData;

/**
 * {@link FastExecution} against the stock {@code SameDiff.fit}: two copies of a model (same seed)
 * trained on the same batches, one each way, must hold bit-identical weights and optimiser state
 * after every step, give listeners the same per-op values and the same outputs afterwards.
 */
class FastExecutionTest {

  @AfterEach
  void cleanUp() {
    FastExecution.forget();
    FastExecution.setEnabled(true);
    System.gc();
  }

  /** A micro model with dropout (random ops) and ESA, Adam with weight decay. */
  private static TbpsModel model(ModelConfig c) {
    TbpsModel m = TbpsModel.create(c);
    MatchingLoss.define(m);
    m.sameDiff()
        .setTrainingConfig(
            m.trainingConfig(Adam.builder().learningRate(3e-3).build())
                .weightDecay(1e-3, true)
                .build());
    return m;
  }

  private static ModelConfig micro() {
    return ModelConfig.preset("micro", 6, 30).toBuilder()
        .optEsa(new ModelConfig.EsaConfig(true, 2, 0.5))
        .optDropFraction(0.3)
        .build();
  }

  private static List<MultiDataSet> batches(TbpsModel m, int count, int n) {
    List<MultiDataSet> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ModelConfig c = m.config();
      out.add(
          m.trainingBatch(
              TestData.images(c, n, 10 + i, DataType.FLOAT),
              TestData.tokens(c, n, 20 + i),
              TestData.labels(n, c.numClasses())));
    }
    return out;
  }

  /** Every VARIABLE and CONSTANT array and every updater state array, by name. */
  private static Map<String, INDArray> state(SameDiff sd) {
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (SDVariable v : sd.variables()) {
      if (v.getVariableType() == VariableType.VARIABLE
          || v.getVariableType() == VariableType.CONSTANT) {
        out.put(v.name(), v.getArr().dup());
      }
    }
    Map<String, GradientUpdater> u = sd.getUpdaterMap();
    if (u != null) {
      for (Map.Entry<String, GradientUpdater> e : u.entrySet()) {
        @SuppressWarnings("unchecked")
        Map<String, INDArray> st = e.getValue().getState();
        if (st != null) {
          st.forEach((k, a) -> out.put("updater/" + e.getKey() + "/" + k, a.dup()));
        }
      }
    }
    return out;
  }

  private static void assertBitIdentical(
      Map<String, INDArray> a, Map<String, INDArray> b, String at) {
    assertEquals(a.keySet(), b.keySet(), at + ": the same arrays");
    for (String k : a.keySet()) {
      INDArray x = a.get(k);
      INDArray y = b.get(k);
      assertArrayEquals(x.shape(), y.shape(), at + ": shape of " + k);
      assertArrayEquals(
          x.dup('c').data().asBytes(), y.dup('c').data().asBytes(), at + ": bits of " + k);
    }
  }

  /** Records the value of every op output the executor reports (sums, to keep it small). */
  private static final class ActivationLog extends BaseListener {
    final Map<String, Double> sums = new LinkedHashMap<>();
    final List<String> order = new ArrayList<>();

    @Override
    public boolean isActive(Operation operation) {
      return operation == Operation.TRAINING;
    }

    @Override
    public void activationAvailable(
        SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, String varName, INDArray a) {
      order.add(varName);
      if (a != null && a.dataType().isFPType() && a.length() > 0) {
        sums.put(varName, a.sumNumber().doubleValue());
      }
    }

    @Override
    public void preUpdate(SameDiff sd, At at, Variable v, INDArray update) {
      sums.put("update/" + v.getName(), update.sumNumber().doubleValue());
    }
  }

  private static void trainBoth(
      TbpsModel stock, TbpsModel fast, List<MultiDataSet> batches, int steps, boolean logOps) {
    FastExecution handle = FastExecution.install(fast.sameDiff());
    for (int i = 0; i < steps; i++) {
      MultiDataSet b = batches.get(i % batches.size());
      ActivationLog ls = new ActivationLog();
      ActivationLog lf = new ActivationLog();
      Nd4j.getRandom().setSeed(1000 + i);
      Quiet.run(() -> stock.sameDiff().fit(b, ls));
      Nd4j.getRandom().setSeed(1000 + i);
      Quiet.run(() -> handle.fit(b, lf));
      assertBitIdentical(state(stock.sameDiff()), state(fast.sameDiff()), "step " + i);
      if (logOps) {
        assertEquals(ls.order, lf.order, "step " + i + ": the same ops in the same order");
        assertEquals(ls.sums, lf.sums, "step " + i + ": the same activations and updates");
      }
      assertEquals(
          stock.sameDiff().getTrainingConfig().getIterationCount(),
          fast.sameDiff().getTrainingConfig().getIterationCount());
    }
  }

  @Test
  void trainsBitIdenticallyToStockFitWithDropoutEsaAndWeightDecay() {
    ModelConfig c = micro();
    TbpsModel stock = model(c);
    TbpsModel fast = model(c);
    assertBitIdentical(state(stock.sameDiff()), state(fast.sameDiff()), "before training");
    trainBoth(stock, fast, batches(stock, 3, 6), 5, true);
    // the outputs of the trained models (inference embeddings) are the same too
    MultiDataSet b = batches(stock, 1, 5).get(0);
    Map<String, INDArray> in = stock.inputs(b.getFeatures(0), b.getFeatures(1), b.getLabels(0));
    String[] outs = {GraphNames.IMAGE_EMBEDDING_INFERENCE, GraphNames.TEXT_EMBEDDING_INFERENCE};
    Map<String, INDArray> os = stock.sameDiff().output(in, outs);
    Map<String, INDArray> of = fast.sameDiff().output(in, outs);
    for (String o : outs) {
      assertArrayEquals(os.get(o).data().asBytes(), of.get(o).data().asBytes(), o);
    }
  }

  @Test
  void everyVariantTrainsBitIdentically() {
    ModelConfig c = micro().toBuilder().optDropFraction(0).build();
    List<FastExecution.Options> variants =
        List.of(
            FastExecution.Options.STOCK,
            new FastExecution.Options(true, false, false, false, false),
            new FastExecution.Options(true, true, false, false, false),
            new FastExecution.Options(true, true, false, true, true),
            FastExecution.Options.ALL);
    TbpsModel stock = model(c);
    List<TbpsModel> models = new ArrayList<>();
    List<FastExecution> handles = new ArrayList<>();
    List<SectionClock> clocks = new ArrayList<>();
    for (FastExecution.Options o : variants) {
      TbpsModel m = model(c);
      SectionClock clock = new SectionClock();
      models.add(m);
      clocks.add(clock);
      handles.add(FastExecution.profile(m.sameDiff(), o, clock));
    }
    List<MultiDataSet> batches = batches(stock, 2, 4);
    for (int i = 0; i < 3; i++) {
      MultiDataSet b = batches.get(i % 2);
      Quiet.run(() -> stock.sameDiff().fit(b));
      for (FastExecution h : handles) {
        Quiet.run(() -> h.fit(b));
      }
      Map<String, INDArray> want = state(stock.sameDiff());
      for (int v = 0; v < variants.size(); v++) {
        assertBitIdentical(want, state(models.get(v).sameDiff()), variants.get(v) + " step " + i);
      }
    }
    // steps 2 and 3 ran through the sessions (the first builds the gradient graph by stock fit)
    for (int v = 0; v < variants.size(); v++) {
      SectionClock k = clocks.get(v);
      assertTrue(k.count(SectionClock.Section.EXEC) > 0, "ops timed for " + variants.get(v));
      assertEquals(
          2, k.count(SectionClock.Section.SUBGRAPH), "one subgraph per step " + variants.get(v));
    }
    // the array cache serves more of the executor's allocations once the session is kept, and
    // (nearly) all of them once the leftovers are recycled
    SectionClock perStep = clocks.get(0);
    SectionClock kept = clocks.get(1);
    SectionClock recycled = clocks.get(2);
    assertEquals(perStep.allocations(), recycled.allocations(), "same allocations requested");
    assertTrue(
        kept.freshAllocations() < perStep.freshAllocations(),
        kept.freshAllocations() + " vs " + perStep.freshAllocations());
    assertTrue(
        recycled.freshAllocations() < kept.freshAllocations(),
        recycled.freshAllocations() + " vs " + kept.freshAllocations());
    // our pool also serves the scalars and the arrays M2.1's cache refuses for a repeated id:
    // after the first session step, nothing is allocated anew
    SectionClock pool = clocks.get(clocks.size() - 1);
    assertEquals(perStep.allocations(), pool.allocations(), "same allocations requested");
    assertTrue(
        pool.freshAllocations() < recycled.freshAllocations(),
        pool.freshAllocations() + " vs " + recycled.freshAllocations());
  }

  @Test
  void theSwitchOffMeansStockFitAndFirstStepsBuildTheGradientGraph() {
    ModelConfig c = micro().toBuilder().optDropFraction(0).build();
    TbpsModel a = model(c);
    TbpsModel b = model(c);
    List<MultiDataSet> batches = batches(a, 1, 4);
    FastExecution.setEnabled(false);
    assertFalse(FastExecution.isEnabled());
    Quiet.run(() -> FastExecution.fit(a.sameDiff(), batches.get(0)));
    Quiet.run(() -> b.sameDiff().fit(batches.get(0)));
    assertNotNull(a.sameDiff().getFunction("grad"), "the stock fit built the gradient graph");
    assertBitIdentical(state(b.sameDiff()), state(a.sameDiff()), "switch off");
    FastExecution.setEnabled(true);
    Quiet.run(() -> FastExecution.fit(a.sameDiff(), batches.get(0)));
    Quiet.run(() -> b.sameDiff().fit(batches.get(0)));
    assertBitIdentical(state(b.sameDiff()), state(a.sameDiff()), "switch on");
  }

  @Test
  void aBatchThatDoesNotMatchTheMappingIsRejected() {
    ModelConfig c = micro().toBuilder().optDropFraction(0).build();
    TbpsModel a = model(c);
    List<MultiDataSet> batches = batches(a, 1, 4);
    Quiet.run(() -> FastExecution.fit(a.sameDiff(), batches.get(0)));
    MultiDataSet b = batches.get(0);
    MultiDataSet bad =
        new org.nd4j.linalg.dataset.MultiDataSet(
            new INDArray[] {b.getFeatures(0)}, new INDArray[] {b.getLabels(0)});
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> FastExecution.fit(a.sameDiff(), bad));
    assertTrue(e.getMessage().contains("feature"), e.getMessage());
  }
}
