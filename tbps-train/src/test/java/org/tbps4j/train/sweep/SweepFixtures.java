package org.tbps4j.train.sweep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tbps4j.data.synth.SynthConfig;
import org.tbps4j.data.synth.SyntheticDataset;

/** A tiny synthetic set and a micro-model base config for sweep tests (seconds per candidate). */
final class SweepFixtures {
  private SweepFixtures() {}

  /** A micro-model training config over {@code %s} (the data root), one short epoch. */
  static final String BASE =
      """
      name: tiny-base
      seed: 3
      data: {root: %s, image_height: 32, image_width: 16, max_length: 12, min_word_count: 1,
             p: 4, k: 2, workers: 1}
      model: {preset: micro, drop_fraction: 0.2}
      loss:
        - {name: cmpm, weight: 1}
        - {name: cmpc, weight: 0.8}
        - {name: mam, weight: 0.2, params: {m: 4}}
        - {name: psw, weight: 1}
      optimizer: {type: adam, lr: 0.01}
      schedule: {type: cosine, warmup_epochs: 0.5}
      stages: [{name: joint, epochs: 1}]
      eval: {interval_epochs: 1, batch_size: 16}
      checkpoint: {every_iterations: 0, keep_last: 1}
      """;

  /** Generates a 20-identity synthetic set at 32×16 (once per directory). */
  static Path dataset(Path dir) throws IOException {
    Path root = dir.resolve("synthetic");
    if (!Files.isDirectory(root)) {
      SyntheticDataset.generate(new SynthConfig(20, 2, 3, 5, 32, 16, 1), root);
    }
    return root;
  }

  /** Writes {@code base.yaml} for a data root into dir and returns it. */
  static Path baseFile(Path dir, Path data) throws IOException {
    Files.createDirectories(dir);
    Path f = dir.resolve("base.yaml");
    Files.writeString(f, BASE.formatted(data.toString().replace('\\', '/')));
    return f;
  }

  /** Writes {@code sweep.yaml} (base: base.yaml) with the given body into dir and returns it. */
  static Path sweepFile(Path dir, String body) throws IOException {
    Path f = dir.resolve("sweep.yaml");
    Files.writeString(f, body);
    return f;
  }
}
