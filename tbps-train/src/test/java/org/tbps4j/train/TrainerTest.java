package org.tbps4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tbps4j.model.GraphNames;
import org.tbps4j.model.ModelAttachments;
import org.tbps4j.train.config.TrainConfig;
import org.tbps4j.train.listeners.IterationReport;
import org.tbps4j.train.listeners.NonFiniteLossException;
import org.tbps4j.train.listeners.TrainingListener;
import org.tbps4j.train.run.CheckpointStore;

class TrainerTest {
  @TempDir static Path shared;
  @TempDir Path dir;
  static Path data;

  @BeforeAll
  static void data() throws Exception {
    data = TinyRuns.dataset(shared);
  }

  @AfterEach
  void gc() {
    System.gc(); // release native memory of the graphs (docs/samediff-m2.1.md, note 8)
  }

  private static Trainer.Options quiet() {
    return Trainer.Options.defaults().withEvaluateTest(false);
  }

  @Test
  void aRunTrainsValidatesSelectsAndWritesItsFiles() throws Exception {
    TrainConfig c = TinyRuns.config(data, TinyRuns.MIX, List.of());
    List<Double> totals = new ArrayList<>();
    TrainingListener record =
        new TrainingListener() {
          @Override
          public void iterationDone(IterationReport r) {
            totals.add(r.terms().get("loss/total"));
            assertTrue(
                r.terms()
                    .keySet()
                    .containsAll(List.of("loss/cmpm", "loss/cmpc", "loss/mam", "loss/psw")));
          }
        };
    Path run = dir.resolve("run");
    Trainer.Result r =
        new Trainer(c, run, Trainer.Options.defaults().withListeners(List.of(record))).run();
    assertTrue(r.finished());
    assertEquals(r.iterations(), totals.size());
    assertTrue(totals.stream().allMatch(Double::isFinite));
    for (String f : List.of("run.json", "config.yaml", "metrics.json", "model.zip")) {
      assertTrue(Files.isRegularFile(run.resolve(f)), f);
    }
    JsonNode metrics = new ObjectMapper().readTree(run.resolve("metrics.json").toFile());
    assertEquals(2, metrics.get("validation").size()); // interval 1, two epochs
    assertTrue(metrics.get("test").get("R@1").asDouble() >= 0);
    assertEquals(r.test().metrics().queries(), metrics.get("test").get("queries").asInt());
    JsonNode info = new ObjectMapper().readTree(run.resolve("run.json").toFile());
    assertEquals(3, info.get("seeds").get("master").asLong());
    assertTrue(info.get("data").get("annotations_sha256").asText().matches("[0-9a-f]{64}"));
    assertEquals(16, info.get("data").get("splits").get("train").get("ids").asInt());
    assertTrue(info.has("finished"));
    // the selected model carries everything inference needs
    var model = org.tbps4j.model.TbpsModel.load(r.model(), false);
    for (String a :
        List.of(
            ModelAttachments.VOCABULARY,
            ModelAttachments.CLASSES,
            ModelAttachments.PREPROCESSING,
            ModelAttachments.RUN)) {
      assertTrue(model.attachmentNames().contains(a), a);
    }
  }

  @Test
  void theLossFallsOnAFixedBatch() throws Exception {
    TrainConfig c =
        TinyRuns.config(data, TinyRuns.MIX, List.of("model.preset=tiny", "model.drop_fraction=0"));
    TrainingData d = TrainingData.load(c);
    var mc = ModelFactory.modelConfig(c, d.classes().size(), d.vocabulary().size());
    var model = org.tbps4j.model.TbpsModel.create(mc);
    var mix = ModelFactory.lossMix(c.loss());
    ModelFactory.attach(model, mix);
    model
        .sameDiff()
        .setTrainingConfig(
            ModelFactory.trainingConfig(
                c, model, new org.nd4j.linalg.schedule.FixedSchedule(1e-3), 0));
    var terms = new org.tbps4j.train.listeners.LossTermsListener(ModelFactory.termWeights(mix), 1);
    org.tbps4j.data.iter.TrainingBatch raw;
    try (var it = d.calibrationIterator(5)) {
      raw = it.next();
    }
    var batch = model.trainingBatch(raw.images(), raw.tokens(), raw.labels());
    List<Double> totals = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      model.sameDiff().fit(batch, terms);
      totals.add(terms.lastValues("total").get("total"));
    }
    assertTrue(totals.stream().allMatch(Double::isFinite), totals.toString());
    assertTrue(
        totals.get(11) < 0.8 * totals.get(0), "loss should fall on a fixed batch: " + totals);
  }

  @Test
  void aTimeBudgetIsFollowedByTheLearningRate() throws Exception {
    // many epochs, a 6 s budget (counted from the end of the first step, which builds the
    // gradient graph): the budget ends the run, and the rate warms up over the first fifth of it
    // and decays (cosine) towards the floor at its end
    TrainConfig c =
        TinyRuns.config(
            data,
            TinyRuns.MIX.replace("epochs: 2", "epochs: 100"),
            List.of(
                "schedule.warmup_fraction=0.2",
                "schedule.min_lr=0",
                "eval.interval_epochs=1000",
                "checkpoint.every_iterations=100000"));
    List<Double> rates = new ArrayList<>();
    // a clock that advances 0.25 s per step: 24 steps fit in the budget, on any machine
    java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
    TrainingListener record =
        new TrainingListener() {
          @Override
          public void iterationDone(IterationReport r) {
            rates.add(r.learningRate());
            now.addAndGet(250_000_000L);
          }
        };
    Path run = dir.resolve("budget");
    Trainer.Result r =
        new Trainer(c, run, quiet().withListeners(List.of(record)).withMaxSeconds(6))
            .withClock(now::get)
            .run();
    assertTrue(r.finished());
    // the first step starts the clock; 24 steps of 0.25 s reach the budget, the 25th ends it
    assertEquals(25, rates.size(), "steps in the budget");
    double base = c.optimizer().lr();
    assertTrue(rates.get(0) < 0.25 * base, "warm-up starts low: " + rates.get(0));
    int peak = 0;
    for (int i = 1; i < rates.size(); i++) {
      if (rates.get(i) > rates.get(peak)) {
        peak = i;
      }
    }
    assertTrue(rates.get(peak) > 0.9 * base, "reaches the base rate: " + rates.get(peak));
    for (int i = peak + 1; i < rates.size(); i++) {
      assertTrue(rates.get(i) <= rates.get(i - 1) + 1e-12, "decays after the peak at " + i);
    }
    double last = rates.get(rates.size() - 1);
    // step k runs at k × 0.25 s: the 25th (k = 24) at 6 s of 6, with the floor rate
    assertEquals(0.0, last, 1e-12, "annealed when the budget ends");
    double midway =
        new org.tbps4j.train.schedule.BudgetSchedule(
                org.tbps4j.train.schedule.BudgetSchedule.Kind.COSINE, base, 0, 0.2)
            .valueAtFraction(3.0 / 6);
    assertEquals(midway, rates.get(12), 1e-9 * base, "step 12 runs at 3 s of 6");
    var state = new CheckpointStore(run, 3).latest().orElseThrow().state();
    assertTrue(state.finished());
    assertTrue(state.trainingSeconds() >= 6, "the clock is saved: " + state.trainingSeconds());
    assertTrue(state.iteration() < 100L * 5, "the budget, not the epochs, ended the run");
  }

  @Test
  void aKilledRunResumesToTheSameWeights() throws Exception {
    TrainConfig c = TinyRuns.config(data, TinyRuns.MIX, List.of());
    Path full = dir.resolve("full");
    new Trainer(c, full, quiet()).run();

    Path broken = dir.resolve("broken");
    Trainer.Result first = new Trainer(c, broken, quiet().withStopAfterIterations(5)).run();
    assertFalse(first.finished());
    assertEquals(3, new CheckpointStore(broken, 3).latest().orElseThrow().state().iteration());
    Trainer.Result resumed = new Trainer(c, broken, quiet().withResume(true)).run();
    assertTrue(resumed.finished());

    Map<String, INDArray> a = TinyRuns.parameters(full.resolve("model.zip"));
    Map<String, INDArray> b = TinyRuns.parameters(broken.resolve("model.zip"));
    assertEquals(a.keySet(), b.keySet());
    for (String k : a.keySet()) {
      assertEquals(a.get(k), b.get(k), k);
    }
    // metrics history continues without duplicated steps
    JsonNode m = new ObjectMapper().readTree(broken.resolve("metrics.json").toFile());
    JsonNode n = new ObjectMapper().readTree(full.resolve("metrics.json").toFile());
    assertEquals(n.get("iterations").size(), m.get("iterations").size());
    assertEquals(n.get("validation").size(), m.get("validation").size());
  }

  /**
   * The text shift is applied by the training iterator at each batch's step: a run with it differs
   * from one without, and a run stopped in its second epoch and resumed (a fresh iterator moved to
   * the checkpoint's position) ends with the uninterrupted run's weights.
   */
  @Test
  void aRunWithTheTextShiftResumesToTheSameWeights() throws Exception {
    TrainConfig c = TinyRuns.config(data, TinyRuns.MIX, List.of("model.text_shift=true"));
    Path full = dir.resolve("full");
    new Trainer(c, full, quiet()).run();
    Path plain = dir.resolve("plain");
    new Trainer(TinyRuns.config(data, TinyRuns.MIX, List.of()), plain, quiet()).run();

    Path broken = dir.resolve("broken");
    Trainer.Result first = new Trainer(c, broken, quiet().withStopAfterIterations(14)).run();
    assertFalse(first.finished());
    var stopped = new CheckpointStore(broken, 3).latest().orElseThrow().state();
    assertEquals(12, stopped.iteration());
    assertEquals(1, stopped.epoch(), "the resumed run starts inside the second epoch");
    assertTrue(stopped.batchInEpoch() > 0);
    assertTrue(new Trainer(c, broken, quiet().withResume(true)).run().finished());

    Map<String, INDArray> a = TinyRuns.parameters(full.resolve("model.zip"));
    Map<String, INDArray> b = TinyRuns.parameters(broken.resolve("model.zip"));
    Map<String, INDArray> p = TinyRuns.parameters(plain.resolve("model.zip"));
    assertEquals(a.keySet(), b.keySet());
    for (String k : a.keySet()) {
      assertEquals(a.get(k), b.get(k), k);
    }
    assertNotEquals(
        a.get(GraphNames.TEXT_TABLE), p.get(GraphNames.TEXT_TABLE), "the shift changes training");
  }

  @Test
  void theNanGuardStopsAndKeepsTheLastGoodCheckpoint() throws Exception {
    TrainConfig c = TinyRuns.config(data, TinyRuns.MIX, List.of("checkpoint.every_iterations=2"));
    Path run = dir.resolve("nan");
    Trainer[] holder = new Trainer[1];
    TrainingListener poison =
        new TrainingListener() {
          @Override
          public void iterationDone(IterationReport r) {
            if (r.iteration()
                == 4) { // after step 4 (no checkpoint follows it), a weight becomes NaN
              holder[0]
                  .sameDiff()
                  .getArrForVarName(GraphNames.CLASSIFIER_W)
                  .putScalar(0, Double.NaN);
            }
          }
        };
    holder[0] = new Trainer(c, run, quiet().withListeners(List.of(poison)));
    NonFiniteLossException e = assertThrows(NonFiniteLossException.class, holder[0]::run);
    assertEquals(5, e.iteration());
    assertTrue(e.getMessage().contains("loss/cmpc=NaN"), e.getMessage());
    var latest = new CheckpointStore(run, 3).latest().orElseThrow();
    assertEquals(
        4, latest.state().iteration()); // written after step 3, before the poison took effect
    INDArray w =
        org.tbps4j.model.TbpsModel.load(latest.model(), false)
            .sameDiff()
            .getArrForVarName(GraphNames.CLASSIFIER_W);
    assertFalse(Double.isNaN(w.sumNumber().doubleValue()), "the checkpoint holds finite weights");
  }

  @Test
  void stagesFreezeAndUnfreezeTheImageBackbone() throws Exception {
    String stages =
        """
        stages:
          - name: stage1
            epochs: 1
            freeze_image: true
            loss: [{name: instance, weight: 1}]
          - name: stage2
            epochs: 1
            loss: [{name: ranking, weight: 2, params: {margin: 0.2}}, {name: instance, weight: 1, params: {text_weight: 0.5}}]
        """;
    TrainConfig c = TinyRuns.config(data, stages, List.of("checkpoint.every_iterations=0"));
    Path run = dir.resolve("stages");
    List<String> events = new ArrayList<>();
    TrainingListener record =
        new TrainingListener() {
          @Override
          public void modelChanged(org.tbps4j.model.TbpsModel model) {
            boolean ranking = model.sameDiff().hasVariable("loss/ranking");
            events.add("model" + (ranking ? "+ranking" : ""));
          }

          @Override
          public void iterationDone(IterationReport r) {
            events.add("step" + r.stage());
          }
        };
    new Trainer(c, run, quiet().withListeners(List.of(record))).run();
    // listeners are told about each stage's graph once, before its first step
    int switchAt = events.indexOf("step1") - 1;
    assertEquals("model", events.get(0));
    assertEquals("model+ranking", events.get(switchAt), events.toString());
    assertEquals(2, events.stream().filter(e -> e.startsWith("model")).count(), events.toString());
    assertTrue(events.subList(1, switchAt).stream().allMatch("step0"::equals), events.toString());
    TrainingData d = TrainingData.load(c);
    var initial =
        org.tbps4j.model.TbpsModel.create(
            ModelFactory.modelConfig(c, d.classes().size(), d.vocabulary().size()));
    CheckpointStore store = new CheckpointStore(run, 3);
    long firstEpochEnd = store.iterations().get(0);
    Map<String, INDArray> afterStage1 =
        TinyRuns.parameters(store.dir().resolve("ckpt-" + firstEpochEnd + ".zip"));
    // the last checkpoint, not model.zip: that is the best validated model, which may be stage 1's
    List<Long> saved = store.iterations();
    Map<String, INDArray> end =
        TinyRuns.parameters(store.dir().resolve("ckpt-" + saved.get(saved.size() - 1) + ".zip"));
    int backbone = 0;
    for (String name : afterStage1.keySet()) {
      INDArray init = initial.sameDiff().getArrForVarName(name);
      if (init == null || name.contains("running")) {
        continue;
      }
      if (name.startsWith(GraphNames.IMAGE_BACKBONE_PREFIX)) {
        backbone++;
        assertEquals(init, afterStage1.get(name), "frozen in stage 1: " + name);
        assertNotEquals(init, end.get(name), "trained in stage 2: " + name);
      } else if (name.startsWith(GraphNames.TEXT_PREFIX) && name.endsWith("/W")) {
        assertNotEquals(init, afterStage1.get(name), "trained in stage 1: " + name);
      }
    }
    assertTrue(backbone > 3, "backbone parameters compared: " + backbone);
  }
}
