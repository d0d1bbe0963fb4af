package org.tbps4j.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tbps4j.data.synth.SynthConfig;
import org.tbps4j.data.synth.SyntheticDataset;
import org.tbps4j.train.Trainer;
import org.tbps4j.train.config.ConfigLoader;
import org.tbps4j.train.config.TrainConfig;
import org.tbps4j.train.listeners.IterationReport;
import org.tbps4j.train.listeners.TrainingListener;

/** A micro model on 20 synthetic people: a few training steps in seconds, for dashboard tests. */
final class TinyTraining {
  private TinyTraining() {}

  /** The loss terms of {@link #CONFIG}, and the total. */
  static final List<String> TERMS =
      List.of("loss/cmpm", "loss/cmpc", "loss/mam", "loss/psw", "loss/total");

  static final String CONFIG =
      """
      name: dash
      seed: 7
      data: {root: %s, image_height: 32, image_width: 16, max_length: 12, min_word_count: 1,
             p: 4, k: 2, workers: 1}
      model: {preset: micro}
      loss: [{name: cmpm, weight: 1}, {name: cmpc, weight: 0.8}, {name: mam, weight: 0.2},
             {name: psw, weight: 1}]
      optimizer: {lr: 0.01}
      stages: [{name: joint, epochs: %d}]
      eval: {batch_size: 16}
      checkpoint: {every_iterations: 0}
      """;

  /** Generates the synthetic set under {@code dir} (once). */
  static Path dataset(Path dir) throws IOException {
    Path root = dir.resolve("synthetic");
    if (!Files.isDirectory(root)) {
      SyntheticDataset.generate(new SynthConfig(20, 2, 3, 11, 32, 16, 1), root);
    }
    return root;
  }

  static TrainConfig config(Path data, int epochs) {
    return ConfigLoader.parse(
        CONFIG.formatted(data.toString().replace('\\', '/'), epochs), "tiny dashboard config");
  }

  /** Records every step's report. */
  static final class Recorder implements TrainingListener {
    final List<IterationReport> reports = new ArrayList<>();

    @Override
    public void iterationDone(IterationReport r) {
      reports.add(r);
    }
  }

  /** Trains without the test split, with the given listeners. */
  static Trainer.Result train(TrainConfig c, Path runDir, List<TrainingListener> listeners)
      throws IOException {
    return new Trainer(
            c, runDir, Trainer.Options.defaults().withEvaluateTest(false).withListeners(listeners))
        .run();
  }
}
