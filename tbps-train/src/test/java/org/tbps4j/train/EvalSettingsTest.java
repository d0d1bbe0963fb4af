package org.tbps4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.tbps4j.data.iter.DecodeFailures;
import org.tbps4j.train.config.ConfigLoader;
import org.tbps4j.train.config.TrainConfig;

/** The evaluation settings: what a run's config gives, the copies, the checks. */
class EvalSettingsTest {
  @Test
  void aRunsSettingsComeFromItsEvalAndDataSections() {
    TrainConfig c =
        ConfigLoader.parse(
            "data: {root: x, workers: 3}\neval: {batch_size: 16, chunk: 64, val_queries: 50}\n"
                + "loss: [{name: cmpm}]\nstages: [{epochs: 1}]\n",
            "eval.yaml");
    EvalSettings s = EvalSettings.of(c);
    assertEquals(new EvalSettings(16, 64, 0, 3, null), s);
    DecodeFailures f = new DecodeFailures((path, why) -> {});
    EvalSettings v = s.withMaxQueries(c.eval().valQueries()).withFailures(f);
    assertEquals(50, v.maxQueries());
    assertSame(f, v.failures());
    assertEquals(16, v.batchSize());
    assertEquals(64, v.chunk());
    assertEquals(3, v.workers());
    // the defaults are those of a config that leaves the eval section and the workers out
    TrainConfig d =
        ConfigLoader.parse("data: {root: x}\nloss: [{name: cmpm}]\nstages: [{epochs: 1}]\n", "d");
    assertEquals(EvalSettings.defaults(), EvalSettings.of(d));
  }

  @Test
  void badValuesNameTheField() {
    assertEquals(
        "batchSize must be >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> new EvalSettings(0, 1, 0, 1, null))
            .getMessage());
    assertEquals(
        "chunk must be >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> new EvalSettings(1, 0, 0, 1, null))
            .getMessage());
    assertEquals(
        "maxQueries must be >= 0 (0 = all), got -1",
        assertThrows(
                IllegalArgumentException.class, () -> EvalSettings.defaults().withMaxQueries(-1))
            .getMessage());
    assertEquals(
        "workers must be >= 0, got -2",
        assertThrows(IllegalArgumentException.class, () -> new EvalSettings(1, 1, 0, -2, null))
            .getMessage());
  }
}
