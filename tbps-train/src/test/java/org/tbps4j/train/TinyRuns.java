package org.tbps4j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tbps4j.data.synth.SynthConfig;
import org.tbps4j.data.synth.SyntheticDataset;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.train.config.ConfigLoader;
import org.tbps4j.train.config.TrainConfig;

/** Tiny synthetic data and configs for trainer tests (micro model, a few seconds per run). */
final class TinyRuns {
  private TinyRuns() {}

  /** Generates a 20-identity synthetic set at 32×16 (once per directory). */
  static Path dataset(Path dir) throws IOException {
    Path root = dir.resolve("synthetic");
    if (!Files.isDirectory(root)) {
      SyntheticDataset.generate(new SynthConfig(20, 2, 3, 5, 32, 16, 1), root);
    }
    return root;
  }

  /** A micro-model config over the tiny set; {@code extra} is appended YAML (e.g. stages). */
  static TrainConfig config(Path data, String stagesAndLoss, List<String> overrides) {
    String yaml =
        """
        name: tiny
        seed: 3
        data:
          root: %s
          image_height: 32
          image_width: 16
          max_length: 12
          min_word_count: 1
          p: 4
          k: 2
          pad_crop: 2
          workers: 1
        model: {preset: micro, drop_fraction: 0.2}
        optimizer: {type: adam, lr: 0.01}
        schedule: {type: cosine, warmup_epochs: 0.5}
        eval: {interval_epochs: 1, batch_size: 16}
        checkpoint: {every_iterations: 3, keep_last: 3}
        %s
        """
            .formatted(data.toString().replace("\\", "/"), stagesAndLoss);
    TrainConfig c = ConfigLoader.parse(yaml, "tiny config");
    return overrides.isEmpty() ? c : ConfigLoader.override(c, overrides);
  }

  static final String MIX =
      """
      loss:
        - {name: cmpm, weight: 1}
        - {name: cmpc, weight: 0.8}
        - {name: mam, weight: 0.2}
        - {name: psw, weight: 1}
      stages:
        - {name: joint, epochs: 2}
      """;

  /** Every parameter array of a saved model, by name. */
  static Map<String, INDArray> parameters(Path modelZip) throws IOException {
    TbpsModel m = TbpsModel.load(modelZip, false);
    Map<String, INDArray> out = new HashMap<>();
    for (SDVariable v : m.sameDiff().variables()) {
      if (v.getVariableType() == VariableType.VARIABLE
          || (v.getVariableType() == VariableType.CONSTANT && v.getArr() != null)) {
        out.put(v.name(), v.getArr().dup());
      }
    }
    return out;
  }
}
