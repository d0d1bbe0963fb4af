package org.tbps4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The weighted mix (total, named terms), hyperparameters and weights changed on a built graph, and
 * training with {@code fit}.
 */
class LossMixTest {
  /** P×K batch whose ids are also class indices: 4 identities × 2. */
  static final Batch BATCH = Batch.random(31, 4, 0, 0, 1, 1, 2, 2, 3, 3);

  /** The MAM paper's objective. */
  static LossMix paperMix() {
    return LossMix.builder().add("cmpm", 1).add("cmpc", 0.8).add("mam", 0.2).add("psw", 1).build();
  }

  @AfterEach
  void releaseNativeMemory() {
    System.gc();
  }

  @Test
  void totalIsTheWeightedSumAndEveryTermIsNamed() {
    LossMix mix = paperMix();
    Batch.Graph g = new Batch.Graph(BATCH, DataType.DOUBLE);
    LossMix.Variables v = mix.define(g.sd, g.inputs);
    assertEquals(LossNames.TOTAL, v.total().name());
    assertEquals(List.of("cmpm", "cmpc", "mam", "psw"), List.copyOf(v.terms().keySet()));
    assertEquals("loss/mam", v.terms().get("mam").name());
    assertTrue(v.names().contains("loss/psw/t2i"), v.names().toString());
    assertTrue(v.names().contains("loss/cmpc/image"), v.names().toString());
    assertEquals(1 + 4 + 8, v.names().size());

    Map<String, Double> out = g.output(v.names().toArray(new String[0]));
    LossMix.Value eager = mix.compute(BATCH.arrays(DataType.DOUBLE));
    double expected = 0;
    for (LossMix.Term t : mix.terms()) {
      LossValue term = t.loss().compute(BATCH.arrays(DataType.DOUBLE));
      expected += t.weight() * term.value();
      assertEquals(term.value(), out.get(LossNames.of(t.loss().name())), 1e-9);
      for (Map.Entry<String, Double> p : term.parts().entrySet()) {
        assertEquals(p.getValue(), out.get(LossNames.part(t.loss().name(), p.getKey())), 1e-9);
      }
    }
    assertEquals(expected, eager.total(), 1e-12);
    assertEquals(expected, out.get(LossNames.TOTAL), 1e-9);
  }

  /** (loss, parameter, new value): every parameter of every loss. */
  static Stream<Arguments> sweeps() {
    return Stream.of(
        Arguments.of("instance", "image_weight", 0.3),
        Arguments.of("instance", "text_weight", "2"),
        Arguments.of("ranking", "margin", 0.2),
        Arguments.of("mam", "m", 2),
        Arguments.of("mam", "m", "1"),
        Arguments.of("mam", "lambda", 5.0),
        Arguments.of("psw", "a2", 0.5),
        Arguments.of("psw", "a1", -0.2),
        Arguments.of("psw", "a0", 0.1),
        Arguments.of("psw", "b2", 1.0),
        Arguments.of("psw", "b1", 0.4),
        Arguments.of("psw", "b0", 0.2),
        Arguments.of("sn", "k", 2),
        Arguments.of("sn", "alpha", 5.0),
        Arguments.of("sn", "w", 0.5),
        Arguments.of("sn", "squeeze", "nearest"),
        Arguments.of("asm", "m0", 0.3),
        Arguments.of("asm", "beta", 0.6),
        Arguments.of("sdm", "tau", "0.1"));
  }

  @ParameterizedTest
  @MethodSource("sweeps")
  void changingAParameterOnABuiltGraphGivesTheEagerValue(String name, String key, Object value) {
    Loss loss = Losses.create(name);
    Batch.Graph g = new Batch.Graph(BATCH, DataType.DOUBLE);
    loss.define(g.sd, g.inputs);
    String out = LossNames.of(name);
    double before = g.output(out).get(out);
    assertEquals(BATCH.eager(loss).value(), before, 1e-9);

    Loss changed = loss.withParameter(key, value);
    changed.writeParameters(g.sd);
    double after = g.output(out).get(out);
    double expected = BATCH.eager(changed).value();
    assertNotEquals(before, expected, 1e-6, "the new value of " + key + " must matter");
    assertEquals(expected, after, 1e-9, name + " " + key + "=" + value);

    loss.writeParameters(g.sd); // and back
    assertEquals(before, g.output(out).get(out), 1e-12);
  }

  @Test
  void changingAWeightOnABuiltGraph() {
    LossMix mix = paperMix();
    Batch.Graph g = new Batch.Graph(BATCH, DataType.DOUBLE);
    mix.define(g.sd, g.inputs);
    LossMix changed = mix.withWeight("mam", 0.5).withParameter("mam", "lambda", 3);
    changed.writeParameters(g.sd);
    double expected = changed.compute(BATCH.arrays(DataType.DOUBLE)).total();
    assertNotEquals(mix.compute(BATCH.arrays(DataType.DOUBLE)).total(), expected, 1e-6);
    assertEquals(expected, g.output(LossNames.TOTAL).get(LossNames.TOTAL), 1e-9);
  }

  @Test
  void badMixesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> LossMix.builder().build());
    IllegalArgumentException twice =
        assertThrows(
            IllegalArgumentException.class,
            () -> LossMix.builder().add("psw", 1).add("psw", 2).build());
    assertTrue(twice.getMessage().contains("'psw' appears twice"), twice.getMessage());
    IllegalArgumentException negative =
        assertThrows(IllegalArgumentException.class, () -> LossMix.builder().add("sdm", -1));
    assertTrue(
        negative.getMessage().contains("weight of loss 'sdm' is -1.0"), negative.getMessage());
    IllegalArgumentException absent =
        assertThrows(IllegalArgumentException.class, () -> paperMix().withWeight("sn", 1));
    assertEquals("the mix has no loss 'sn' (it has: cmpm, cmpc, mam, psw)", absent.getMessage());
    Batch.Graph g = new Batch.Graph(BATCH, DataType.DOUBLE);
    IllegalArgumentException notDefined =
        assertThrows(IllegalArgumentException.class, () -> paperMix().writeParameters(g.sd));
    assertTrue(notDefined.getMessage().contains("loss/cmpm/weight"), notDefined.getMessage());
    new MamLoss(4, 0).define(g.sd, g.inputs);
    IllegalArgumentException again =
        assertThrows(
            IllegalArgumentException.class, () -> new MamLoss(3, 0).define(g.sd, g.inputs));
    assertTrue(again.getMessage().contains("already defined"), again.getMessage());
    IllegalArgumentException missing =
        assertThrows(IllegalArgumentException.class, () -> new SdmLoss(0.1).writeParameters(g.sd));
    assertTrue(missing.getMessage().contains("loss/sdm/param/tau"), missing.getMessage());
  }

  private static void configureTraining(Batch.Graph g, double learningRate) {
    g.sd.setLossVariables(LossNames.TOTAL);
    g.sd.setTrainingConfig(
        TrainingConfig.builder()
            .updater(new Adam(learningRate))
            .dataSetFeatureMapping("y")
            .markLabelsUnused()
            .build());
  }

  private static MultiDataSet idsOnly(Batch.Graph g) {
    return new MultiDataSet(new INDArray[] {g.placeholders.get("y")}, new INDArray[0]);
  }

  @Test
  void fitTrainsThePaperMixWithFiniteDecreasingLoss() {
    LossMix mix = paperMix();
    Batch.Graph g = new Batch.Graph(BATCH, DataType.FLOAT);
    mix.define(g.sd, g.inputs);
    configureTraining(g, 0.05);
    MultiDataSet data = idsOnly(g);
    List<Double> totals = new ArrayList<>();
    totals.add(g.output(LossNames.TOTAL).get(LossNames.TOTAL));
    for (int step = 0; step < 8; step++) {
      g.sd.fit(data);
      totals.add(g.output(LossNames.TOTAL).get(LossNames.TOTAL));
    }
    for (int i = 1; i < totals.size(); i++) {
      assertTrue(Double.isFinite(totals.get(i)), "step " + i + ": " + totals);
      assertTrue(totals.get(i) < totals.get(i - 1), "not decreasing at step " + i + ": " + totals);
    }
    assertTrue(totals.get(8) < 0.9 * totals.get(0), totals.toString());

    // the trained graph still agrees with the eager twin on its current arrays
    Batch now =
        new Batch(
            g.sd.getArrForVarName("x").toDoubleMatrix(),
            g.sd.getArrForVarName("t").toDoubleMatrix(),
            BATCH.ids(),
            g.sd.getArrForVarName("w").toDoubleMatrix(),
            g.sd.getArrForVarName("b").toDoubleVector(),
            null);
    assertEquals(mix.compute(now.arrays(DataType.DOUBLE)).total(), totals.get(8), 1e-4);
  }

  @Test
  void fitTrainsTheOtherFiveLossesToo() {
    // stop_gradient (asm, sn), rank comparisons (sn), transposes (sdm, sn) inside fit
    LossMix mix =
        LossMix.builder()
            .add("instance", 1)
            .add("ranking", 1, Map.of("margin", 0.2))
            .add("sn", 0.5, Map.of("k", 4))
            .add("asm", 1)
            .add("sdm", 0.1)
            .build();
    Batch.Graph g = new Batch.Graph(BATCH, DataType.FLOAT);
    mix.define(g.sd, g.inputs);
    configureTraining(g, 0.02);
    MultiDataSet data = idsOnly(g);
    double first = g.output(LossNames.TOTAL).get(LossNames.TOTAL);
    double last = first;
    for (int step = 0; step < 5; step++) {
      g.sd.fit(data);
      last = g.output(LossNames.TOTAL).get(LossNames.TOTAL);
      assertTrue(Double.isFinite(last), "step " + step);
    }
    assertTrue(last < first, first + " -> " + last);
  }

  @Test
  void fitUsesWeightsWrittenIntoTheGraph() {
    LossMix mix = paperMix();
    Batch.Graph g = new Batch.Graph(BATCH, DataType.FLOAT);
    mix.define(g.sd, g.inputs);
    configureTraining(g, 0.05);
    MultiDataSet data = idsOnly(g);
    // W is only used by cmpc and mam: with their weights at 0 it must not move
    mix.withWeight("cmpc", 0).withWeight("mam", 0).writeParameters(g.sd);
    INDArray w0 = g.sd.getArrForVarName("w").dup();
    INDArray x0 = g.sd.getArrForVarName("x").dup();
    g.sd.fit(data);
    g.sd.fit(data);
    assertEquals(w0, g.sd.getArrForVarName("w"));
    assertNotEquals(x0, g.sd.getArrForVarName("x"));
    mix.writeParameters(g.sd);
    g.sd.fit(data);
    assertNotEquals(w0, g.sd.getArrForVarName("w"));
  }

  @Test
  void aGraphWithEveryLossSurvivesSaveAndLoad(@TempDir Path dir) throws Exception {
    LossMix.Builder all = LossMix.builder();
    for (String name : Losses.names()) {
      all.add(name, 1.0);
    }
    LossMix mix = all.build();
    Batch.Graph g = new Batch.Graph(BATCH, DataType.DOUBLE);
    LossMix.Variables v = mix.define(g.sd, g.inputs);
    String[] names = v.names().toArray(new String[0]);
    Map<String, Double> before = g.output(names);
    File file = dir.resolve("losses.sd").toFile();
    g.sd.save(file, true);
    SameDiff loaded = SameDiff.load(file, true);
    Map<String, INDArray> after = loaded.output(g.placeholders, names);
    for (String n : names) {
      assertEquals(before.get(n), after.get(n).getDouble(0), 1e-12, n);
    }
    // hyperparameters can still be written by name into the loaded graph
    LossMix changed = mix.withParameter("ranking", "margin", 0.1).withWeight("sdm", 0.5);
    changed.writeParameters(loaded);
    double total = loaded.output(g.placeholders, LossNames.TOTAL).get(LossNames.TOTAL).getDouble(0);
    assertEquals(changed.compute(BATCH.arrays(DataType.DOUBLE)).total(), total, 1e-9);
  }

  @Test
  void lossGraphsEvaluatesTheCompositionOnArrays() {
    LossArrays arrays = BATCH.arrays(DataType.DOUBLE);
    LossMix mix = paperMix();
    LossMix.Value graph = LossGraphs.evaluate(mix, arrays, DataType.DOUBLE);
    LossMix.Value eager = mix.compute(arrays);
    assertEquals(eager.total(), graph.total(), 1e-9);
    for (String name : List.of("cmpm", "cmpc", "mam", "psw")) {
      assertEquals(eager.terms().get(name).value(), graph.terms().get(name).value(), 1e-9);
      assertEquals(
          eager.terms().get(name).parts().keySet(), graph.terms().get(name).parts().keySet());
    }
    LossValue sn = LossGraphs.evaluate(new SnLoss(), arrays, DataType.FLOAT);
    assertEquals(new SnLoss().compute(arrays).value(), sn.value(), 1e-4);
    LossArrays noClassifier =
        LossArrays.builder()
            .setImage(Nd4j.createFromArray(BATCH.x()))
            .setText(Nd4j.createFromArray(BATCH.t()))
            .setIds(BATCH.ids())
            .build();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LossGraphs.evaluate(new CmpcLoss(), noClassifier, DataType.DOUBLE));
    assertEquals("loss 'cmpc' needs class_weights W [D,C]; none were given", e.getMessage());
  }
}
