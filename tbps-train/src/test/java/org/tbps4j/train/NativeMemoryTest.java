package org.tbps4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.train.config.TrainConfig;
import org.tbps4j.train.listeners.TrainingListener;

/**
 * Native memory of graphs (SameDiff M2.1 frees it only on GC): a model can be closed, which frees
 * its arrays, and the trainer closes the graph a stage switch replaces.
 */
class NativeMemoryTest {
  @TempDir Path dir;

  private static INDArray aParameter(TbpsModel m) {
    for (SDVariable v : m.sameDiff().variables()) {
      if (v.getVariableType() == VariableType.VARIABLE) {
        return v.getArr();
      }
    }
    throw new AssertionError("no parameter");
  }

  @Test
  void aModelIsCloseableAndClosingFreesItsArrays() throws Exception {
    TbpsModel m = TbpsModel.create(ModelConfig.preset("micro", 3, 12));
    INDArray w = aParameter(m);
    Object any = m;
    assertTrue(any instanceof AutoCloseable, "TbpsModel is AutoCloseable");
    ((AutoCloseable) any).close();
    assertTrue(w.wasClosed(), "the parameter's buffer is released");
  }

  @Test
  void theTrainerClosesTheGraphAStageSwitchReplaces() throws Exception {
    Path data = TinyRuns.dataset(dir);
    String stages =
        """
        loss: [{name: cmpm, weight: 1}]
        stages:
          - {name: one, epochs: 1}
          - {name: two, epochs: 1, loss: [{name: cmpm, weight: 1}, {name: cmpc, weight: 0.5}]}
        """;
    TrainConfig c = TinyRuns.config(data, stages, List.of("checkpoint.every_iterations=0"));
    List<INDArray> firstParameter = new ArrayList<>();
    TrainingListener watch =
        new TrainingListener() {
          @Override
          public void modelChanged(TbpsModel model) {
            firstParameter.add(aParameter(model));
          }
        };
    new Trainer(
            c,
            dir.resolve("run"),
            Trainer.Options.defaults().withEvaluateTest(false).withListeners(List.of(watch)))
        .run();
    assertEquals(2, firstParameter.size(), "two graphs, one per stage");
    assertTrue(firstParameter.get(0).wasClosed(), "the stage-one graph was released");
    assertFalse(firstParameter.get(1).wasClosed(), "the graph in use is not");
  }
}
