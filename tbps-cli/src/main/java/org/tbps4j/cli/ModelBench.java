package org.tbps4j.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.bench.ModelBenchmark;
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
      "Forward (both embeddings, inference mode) and forward+backward+update (one fit step with a"
          + " stand-in matching loss) time per preset, on random inputs.",
    })
public final class ModelBench implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ModelBench.class);

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
    List<Map<String, Object>> rows = new ArrayList<>();
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
      LOG.info(
          "model bench {}: batch {}, {}x{} images, {} tokens",
          p,
          batch,
          c.imageHeight(),
          c.imageWidth(),
          c.maxLength());
      ModelBenchmark.Result r = ModelBenchmark.run(c, batch, warmup, repeats, sizes.seed);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("preset", r.preset());
      row.put("batch", r.batch());
      row.put("image", r.imageHeight() + "x" + r.imageWidth());
      row.put("tokens", r.maxLength());
      row.put("esa", esa);
      row.put("parameters", r.parameters());
      row.put("build_seconds", round(r.buildSeconds()));
      row.put("first_step_seconds", round(r.firstStepSeconds()));
      row.put("forward_seconds", round(r.forwardSeconds()));
      row.put("train_step_seconds", round(r.trainStepSeconds()));
      row.put("forward_pairs_per_second", Math.round(r.batch() / r.forwardSeconds()));
      row.put("train_pairs_per_second", Math.round(r.batch() / r.trainStepSeconds()));
      row.put("peak_rss_mib", Math.round(ProcessMemory.peakRssMiB()));
      rows.add(row);
      System.gc();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("benchmark", "model");
    out.put("threads", Runtime.getRuntime().availableProcessors());
    out.put("warmup", warmup);
    out.put("repeats", repeats);
    out.put("results", rows);
    spec.commandLine().getOut().println(Json.write(out));
    return CliErrors.EXIT_OK;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
