package org.tbps4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.tbps4j.bench.model.ModelBenchmark;
import org.tbps4j.model.ModelConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tbps bench model}: forward and training-step time of the dual-path network per preset on
 * random inputs (see {@link ModelBenchmark}).
 */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = {
      "Forward (both embeddings, inference mode) and forward+backward+update (one fit step with an"
          + " instance + SDM loss) time per preset, on random inputs.",
    })
public final class ModelBench implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--presets",
      split = ",",
      defaultValue = "tiny,resnet18",
      description = "Presets to run (micro, tiny, resnet18, resnet50). Default: ${DEFAULT-VALUE}.")
  List<String> presets;

  @Option(names = "--batch", defaultValue = "32", description = "Batch size. Default: 32.")
  int batch;

  @Option(
      names = "--image",
      description = "Image size HxW (e.g. 224x112); default: each preset's own size.")
  String image;

  @Option(names = "--length", description = "Token length L; default: each preset's own.")
  Integer length;

  @Mixin NetworkSizeOptions sizes;

  @Option(
      names = "--esa",
      defaultValue = "false",
      description = "Build the ESA head (4 sets) too. Default: false.")
  boolean esa;

  @Option(
      names = "--warmup",
      defaultValue = "20",
      description = "Untimed steps after the first. Default: 20.")
  int warmup;

  @Option(names = "--repeats", defaultValue = "10", description = "Timed steps. Default: 10.")
  int repeats;

  @Override
  public Integer call() {
    List<ModelConfig> configs = new ArrayList<>();
    for (String p : presets) {
      ModelConfig c = ModelConfig.preset(p, sizes.classes, sizes.vocab);
      if (image != null) {
        int[] hw = TrainBench.parseImage(image);
        c = c.toBuilder().optImageSize(hw[0], hw[1]).build();
      }
      if (length != null) {
        c = c.toBuilder().optMaxLength(length).build();
      }
      if (esa) {
        c = c.toBuilder().optEsa(new ModelConfig.EsaConfig(true, 4, 1.0)).build();
      }
      configs.add(c);
    }
    spec.commandLine()
        .getOut()
        .println(Json.write(ModelBenchmark.report(configs, batch, warmup, repeats, sizes.seed)));
    return CliErrors.EXIT_OK;
  }
}
