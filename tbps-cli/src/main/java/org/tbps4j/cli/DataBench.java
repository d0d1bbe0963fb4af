package org.tbps4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tbps4j.data.DatasetFormat;
import org.tbps4j.data.ImageCheck;
import org.tbps4j.data.ImageRecord;
import org.tbps4j.data.PedesDataset;
import org.tbps4j.data.ReadOptions;
import org.tbps4j.data.Split;
import org.tbps4j.data.image.Augmentation;
import org.tbps4j.data.image.ImageDecoder;
import org.tbps4j.data.image.ImageLoader;
import org.tbps4j.data.image.ImageSettings;
import org.tbps4j.data.iter.PkTrainingIterator;
import org.tbps4j.data.synth.SynthConfig;
import org.tbps4j.data.synth.SyntheticDataset;
import org.tbps4j.data.text.Vocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tbps bench data}: images/s through the training iterator from disk (P×K batches, decode,
 * augmentation, tokens, on worker threads) and a single-thread decode comparison of ImageIO vs
 * DataVec's NativeImageLoader (OpenCV) on the same files, alternating, in one run.
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
  private static final Logger LOG = LoggerFactory.getLogger(DataBench.class);

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
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("benchmark", "data");
    out.put("cores", Runtime.getRuntime().availableProcessors());
    out.put("load_average_before", loadAverage());
    Path root = data;
    Path temp = null;
    try {
      if (root == null) {
        temp = Files.createTempDirectory("tbps-bench-data");
        root = temp.resolve("synth");
        LOG.info("generating {} synthetic identities at {} into {}", ids, size, root);
        long t0 = System.nanoTime();
        SyntheticDataset.generate(
            new SynthConfig(
                ids, 2, 5, seed, hw[0], hw[1], Runtime.getRuntime().availableProcessors()),
            root);
        out.put("generate_seconds", round((System.nanoTime() - t0) / 1e9));
      }
      PedesDataset ds =
          PedesDataset.load(
                  DatasetFormat.CUHK_PEDES,
                  root,
                  null,
                  ReadOptions.defaults().withImageCheck(ImageCheck.EXISTS))
              .requireUsable();
      Map<String, Object> dsm = new LinkedHashMap<>();
      dsm.put("root", keep || data != null ? root.toString() : "(temporary)");
      dsm.put("train_images", ds.images(Split.TRAIN).size());
      dsm.put("train_captions", ds.captions(Split.TRAIN).size());
      out.put("dataset", dsm);
      Vocabulary vocab = ds.vocabulary(Vocabulary.DEFAULT_MIN_COUNT);
      ImageSettings settings = ImageSettings.imagenet(hw[0], hw[1]);
      out.put("iterator", iteratorBench(ds, vocab, settings, threads));
      out.put("decode", decodeBench(ds, settings));
      out.put("load_average_after", loadAverage());
    } finally {
      if (temp != null && !keep) {
        deleteTree(temp);
      }
    }
    spec.commandLine().getOut().println(Json.write(out));
    return CliErrors.EXIT_OK;
  }

  private Map<String, Object> iteratorBench(
      PedesDataset ds, Vocabulary vocab, ImageSettings settings, int threads) {
    Map<ImageDecoder, double[]> rates = new LinkedHashMap<>();
    for (ImageDecoder d : ImageDecoder.values()) {
      rates.put(d, new double[repeats]);
    }
    int batchSize = p * k;
    for (int r = 0; r < repeats; r++) {
      for (ImageDecoder d : ImageDecoder.values()) {
        PkTrainingIterator.Config cfg =
            new PkTrainingIterator.Config(
                p, k, 56, Augmentation.standard(settings), seed + r, threads, 2 * threads);
        try (PkTrainingIterator it =
            new PkTrainingIterator(ds, vocab, new ImageLoader(settings, d), cfg)) {
          for (int b = 0; b < warmup; b++) {
            take(it);
          }
          long t0 = System.nanoTime();
          for (int b = 0; b < batches; b++) {
            take(it);
          }
          double s = (System.nanoTime() - t0) / 1e9;
          rates.get(d)[r] = batches * batchSize / s;
          LOG.info("iterator {} repeat {}: {} images/s", d, r, Math.round(rates.get(d)[r]));
        }
        System.gc();
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("default_decoder", ImageDecoder.DEFAULT.name().toLowerCase(java.util.Locale.ROOT));
    m.put("workers", threads);
    m.put("batch", batchSize);
    m.put("timed_batches", batches);
    m.put("augmentation", Augmentation.standard(settings).toString());
    Map<String, Object> ips = new LinkedHashMap<>();
    rates.forEach(
        (d, v) -> ips.put(d.name().toLowerCase(java.util.Locale.ROOT), Math.round(median(v))));
    m.put("images_per_second", ips);
    Map<String, Object> all = new LinkedHashMap<>();
    rates.forEach(
        (d, v) ->
            all.put(
                d.name().toLowerCase(java.util.Locale.ROOT),
                Arrays.stream(v).map(Math::round).toArray()));
    m.put("all_runs", all);
    return m;
  }

  private static void take(PkTrainingIterator it) {
    if (!it.hasNext()) {
      it.reset();
    }
    it.next().close();
  }

  private Map<String, Object> decodeBench(PedesDataset ds, ImageSettings settings)
      throws IOException {
    List<Path> files = new ArrayList<>();
    for (ImageRecord r : ds.images(Split.TRAIN)) {
      if (files.size() >= decodeImages) {
        break;
      }
      files.add(ds.imageFile(r.imagePath()));
    }
    Map<ImageDecoder, double[]> rates = new LinkedHashMap<>();
    for (ImageDecoder d : ImageDecoder.values()) {
      rates.put(d, new double[repeats]);
      ImageLoader warm = new ImageLoader(settings, d);
      for (int i = 0; i < Math.min(50, files.size()); i++) {
        warm.decodeRgb(files.get(i));
      }
    }
    for (int r = 0; r < repeats; r++) {
      for (ImageDecoder d : ImageDecoder.values()) {
        ImageLoader loader = new ImageLoader(settings, d);
        long t0 = System.nanoTime();
        for (Path f : files) {
          loader.decodeRgb(f);
        }
        rates.get(d)[r] = files.size() / ((System.nanoTime() - t0) / 1e9);
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("threads", 1);
    m.put("images", files.size());
    m.put("size", settings.height() + "x" + settings.width());
    double io = median(rates.get(ImageDecoder.IMAGEIO));
    double cv = median(rates.get(ImageDecoder.OPENCV));
    m.put("imageio_images_per_second", Math.round(io));
    m.put("opencv_images_per_second", Math.round(cv));
    m.put("opencv_over_imageio", round(cv / io));
    return m;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}
