package org.tbps4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.FixedSchedule;
import org.tbps4j.loss.LossNames;
import org.tbps4j.model.GraphNames;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.train.config.ConfigLoader;
import org.tbps4j.train.config.TrainConfig;

/** The one graph assembly: what a stage's graph holds, and what it takes from the previous one. */
class TrainingGraphTest {
  private static final TrainConfig CONFIG =
      ConfigLoader.parse(
          """
          seed: 7
          data: {root: unused}
          model: {preset: micro}
          optimizer: {type: adam, lr: 0.01, weight_decay: 0.0005}
          loss: [{name: cmpm, weight: 1}, {name: cmpc, weight: 0.8}]
          stages:
            - {name: stage1, epochs: 1, freeze_image: true, loss: [{name: instance, weight: 1}]}
            - {name: stage2, epochs: 1}
          """,
          "graph test");

  private static TrainingGraph.Recipe recipe(ModelConfig mc) {
    return new TrainingGraph.Recipe(
        CONFIG, mc, new FixedSchedule(0.01), null, m -> m.putAttachment("note.txt", "hello"));
  }

  @Test
  void aStageGraphHoldsItsLossMetadataFreezeAndOptimiser() {
    ModelConfig mc = ModelConfig.preset("micro", 5, 20);
    TrainingGraph g = TrainingGraph.build(recipe(mc), CONFIG.stages().get(0), null, 12);
    TbpsModel m = g.model();
    assertEquals(List.of(LossNames.TOTAL), m.sameDiff().getLossVariables());
    assertTrue(m.sameDiff().hasVariable(LossNames.of("instance")));
    assertFalse(m.sameDiff().hasVariable(LossNames.of("cmpm")), "stage 1 has its own loss");
    assertEquals(List.of(LossNames.of("instance")), g.terms().termNames(), "terms");
    assertEquals("hello", m.attachmentText("note.txt").orElseThrow());
    assertEquals(12, m.sameDiff().getTrainingConfig().getIterationCount());
    assertTrue(m.sameDiff().getTrainingConfig().getUpdater() instanceof Adam);
    assertEquals(
        0.01, ((Adam) m.sameDiff().getTrainingConfig().getUpdater()).getLearningRate(12, 0), 0);
    int frozen = 0;
    for (SDVariable v : m.sameDiff().variables()) {
      if (v.name().startsWith(GraphNames.IMAGE_BACKBONE_PREFIX)
          && v.getVariableType() == VariableType.VARIABLE) {
        throw new AssertionError("stage 1 freezes the image backbone, but " + v.name());
      }
      if (v.name().startsWith(GraphNames.IMAGE_BACKBONE_PREFIX)
          && v.getVariableType() == VariableType.CONSTANT) {
        frozen++;
      }
    }
    assertTrue(frozen > 0, "frozen backbone parameters");
    m.close();
  }

  @Test
  void theNextStageCopiesEveryWeightAndUsesTheTopLevelLoss() {
    ModelConfig mc = ModelConfig.preset("micro", 5, 20);
    TrainingGraph first = TrainingGraph.build(recipe(mc), CONFIG.stages().get(0), null, 0);
    // weights the next graph cannot have by its own initialisation
    java.util.Map<String, float[]> before = new java.util.HashMap<>();
    for (SDVariable v : first.model().sameDiff().variables()) {
      if ((v.getVariableType() == VariableType.VARIABLE
              || v.getVariableType() == VariableType.CONSTANT)
          && v.getArr() != null
          && !v.name().startsWith("loss/")
          && v.getArr().length() > 0) {
        v.getArr().addi(0.25);
        before.put(v.name(), v.getArr().dup().data().asFloat());
      }
    }
    TbpsModel fresh = TbpsModel.create(mc);
    TrainingGraph second =
        TrainingGraph.build(recipe(mc), CONFIG.stages().get(1), first.model(), 3);
    TbpsModel m = second.model();
    assertTrue(m.sameDiff().hasVariable(LossNames.of("cmpm")));
    assertTrue(m.sameDiff().hasVariable(LossNames.of("cmpc")));
    assertEquals(0.8, ModelFactory.termWeights(second.mix()).get(LossNames.of("cmpc")), 0);
    int copied = 0;
    for (var e : before.entrySet()) {
      if (!m.sameDiff().hasVariable(e.getKey()) || !fresh.sameDiff().hasVariable(e.getKey())) {
        continue;
      }
      assertArrayEquals(
          e.getValue(), m.sameDiff().getArrForVarName(e.getKey()).data().asFloat(), e.getKey());
      assertNotEquals(
          fresh.sameDiff().getArrForVarName(e.getKey()),
          m.sameDiff().getArrForVarName(e.getKey()),
          e.getKey());
      copied++;
    }
    assertTrue(copied > 10, "copied arrays: " + copied);
    for (SDVariable v : m.sameDiff().variables()) {
      if (v.name().startsWith(GraphNames.IMAGE_BACKBONE_PREFIX)
          && v.getVariableType() == VariableType.CONSTANT
          && before.containsKey(v.name())
          && !v.name().contains("running")) {
        throw new AssertionError("stage 2 trains the image backbone, but " + v.name());
      }
    }
    assertEquals(3, m.sameDiff().getTrainingConfig().getIterationCount());
    fresh.close();
    m.close();
  }

  @Test
  void aBadLossNameIsRefusedBeforeAnyGraphIsBuilt() {
    TrainConfig bad =
        ConfigLoader.parse(
            "data: {root: unused}\nloss: [{name: nope, weight: 1}]\n"
                + "stages: [{name: s, epochs: 1}]\n",
            "bad");
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () ->
                TrainingGraph.build(
                    new TrainingGraph.Recipe(
                        bad, ModelConfig.preset("micro", 5, 20), new FixedSchedule(1), null, null),
                    bad.stages().get(0),
                    null,
                    0));
    assertTrue(e.getMessage().contains("nope"), e.getMessage());
  }
}
