package org.tbps4j.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tbps4j.bench.data.DataBenchmark;
import org.tbps4j.data.image.ImageSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tbps bench data}: images/s through the training iterator from disk and a single-thread
 * decode comparison of ImageIO vs OpenCV on the same files (see {@link DataBenchmark}).
 */
@Command(
    name = "data",
    mixinStandardHelpOptions = true,
    description = {
      "Training-iterator throughput (images/s from disk) and ImageIO vs NativeImageLoader decode"
          + " speed on the same files. Without --data a synthetic set is generated into a"
          + " temporary directory first."
    })
public final class DataBench implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "An existing dataset in CUHK-PEDES layout (default: generate a synthetic one).")
  Path data;

  @Option(
      names = "--ids",
      defaultValue = "1000",
      description = "Identities of the generated set. Default: ${DEFAULT-VALUE}.")
  int ids;

  @Option(
      names = "--size",
      defaultValue = "128x64",
      paramLabel = "HxW",
      description = "Generated image size and iterator input size. Default: ${DEFAULT-VALUE}.")
  String size;

  @Option(names = "--p", defaultValue = "16", description = "Identities per batch. Default: 16.")
  int p;

  @Option(names = "--k", defaultValue = "4", description = "Samples per identity. Default: 4.")
  int k;

  @Option(names = "--workers", description = "Iterator worker threads. Default: cores.")
  Integer workers;

  @Option(
      names = "--batches",
      defaultValue = "40",
      description = "Timed batches per run. Default: ${DEFAULT-VALUE}.")
  int batches;

  @Option(
      names = "--warmup",
      defaultValue = "20",
      description = "Untimed batches before each run. Default: ${DEFAULT-VALUE}.")
  int warmup;

  @Option(
      names = "--decode-images",
      defaultValue = "600",
      description = "Images decoded per decoder and repeat. Default: ${DEFAULT-VALUE}.")
  int decodeImages;

  @Option(
      names = "--repeats",
      defaultValue = "3",
      description = "Repeats (decoders alternate; medians reported). Default: ${DEFAULT-VALUE}.")
  int repeats;

  @Option(names = "--seed", defaultValue = "7", description = "Seed. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--keep", description = "Keep the generated dataset (its path is printed).")
  boolean keep;

  @Override
  public Integer call() throws Exception {
    if (batches < 1 || warmup < 0 || decodeImages < 1 || repeats < 1) {
      throw new IllegalArgumentException(
          "--batches, --decode-images and --repeats must be >= 1 and --warmup >= 0");
    }
    int[] hw = ImageSettings.parseHeightWidth(size);
    int threads = workers != null ? workers : Runtime.getRuntime().availableProcessors();
    Map<String, Object> report =
        DataBenchmark.report(
            new DataBenchmark.Options(
                new DataBenchmark.Dataset(data, ids, hw[0], hw[1], keep),
                p,
                k,
                threads,
                batches,
                warmup,
                decodeImages,
                repeats,
                seed));
    spec.commandLine().getOut().println(Json.write(report));
    return CliErrors.EXIT_OK;
  }
}
