package org.tbps4j.examples;

import java.io.IOException;
import java.nio.file.Path;
import org.tbps4j.train.Trainer;
import org.tbps4j.train.config.ConfigLoader;
import org.tbps4j.train.config.TrainConfig;

/** A micro model trained for one epoch on a synthetic set, as {@code tbps train} saves it. */
final class TinyTrainedModel {
  private TinyTrainedModel() {}

  static final String CONFIG =
      """
      name: tiny
      seed: 3
      data: {root: "%s", image_height: 32, image_width: 16, max_length: 12, min_word_count: 1,
             p: 4, k: 2, workers: 1}
      model: {preset: micro, esa: %s, esa_sets: 2}
      loss: [{name: cmpm, weight: 1}, {name: psw, weight: 1}]
      optimizer: {lr: 0.01}
      stages: [{name: joint, epochs: 1}]
      eval: {batch_size: 16}
      checkpoint: {every_iterations: 0}
      """;

  /** Trains and returns {@code model.zip} of the run directory. */
  static Path train(Path data, Path runDir, boolean esa) throws IOException {
    TrainConfig c =
        ConfigLoader.parse(
            CONFIG.formatted(data.toString().replace('\\', '/'), esa), "tiny test config");
    Trainer.Result r =
        new Trainer(c, runDir, Trainer.Options.defaults().withEvaluateTest(false)).run();
    return r.model();
  }
}
