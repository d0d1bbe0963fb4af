package org.tbps4j.bench.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

/**
 * The data pipeline ({@code tbps bench data}): images/s through the training iterator from disk
 * (P×K batches, decode, augmentation, tokens, on worker threads) with each image decoder, and a
 * single-thread decode comparison of ImageIO vs DataVec's NativeImageLoader (OpenCV) on the same
 * files, alternating, in one run.
 */
public final class DataBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(DataBenchmark.class);

  /**
   * The images read.
   *
   * @param root an existing dataset in CUHK-PEDES layout; null: generate a synthetic one into a
   *     temporary directory
   * @param ids identities of the generated set
   * @param height generated image height and iterator input height
   * @param width generated image width and iterator input width
   * @param keep keep the generated dataset (the report then gives its path)
   */
  public record Dataset(Path root, int ids, int height, int width, boolean keep) {}

  /**
   * What to measure.
   *
   * @param dataset the images
   * @param p identities per batch
   * @param k samples per identity
   * @param workers iterator worker threads, {@code >= 1}
   * @param batches timed batches per run, {@code >= 1}
   * @param warmup untimed batches before each run, {@code >= 0}
   * @param decodeImages images decoded per decoder and repeat, {@code >= 1}
   * @param repeats repeats (decoders alternate; medians reported), {@code >= 1}
   * @param seed seed of the generated set and of the iterator
   */
  public record Options(
      Dataset dataset,
      int p,
      int k,
      int workers,
      int batches,
      int warmup,
      int decodeImages,
      int repeats,
      long seed) {
    /** Validates. */
    public Options {
      if (batches < 1 || warmup < 0 || decodeImages < 1 || repeats < 1 || workers < 1) {
        throw new IllegalArgumentException(
            "batches, decode images, repeats and workers must be >= 1 and warmup >= 0, got "
                + List.of(batches, decodeImages, repeats, workers, warmup));
      }
    }
  }

  private final int p;
  private final int k;
  private final int batches;
  private final int warmup;
  private final int decodeImages;
  private final int repeats;
  private final long seed;

  private DataBenchmark(Options o) {
    p = o.p();
    k = o.k();
    batches = o.batches();
    warmup = o.warmup();
    decodeImages = o.decodeImages();
    repeats = o.repeats();
    seed = o.seed();
  }

  /**
   * Runs the benchmark and reports, as {@code tbps bench data} prints it: {@code cores}, the load
   * average before and after, {@code generate_seconds} (for a generated set), {@code dataset},
   * {@code iterator} (images/s per decoder) and {@code decode} (single-thread decode rates).
   *
   * @param options what to measure
   * @return the report, a JSON object (field order as printed)
   * @throws Exception on I/O failures or an unusable dataset
   */
  public static Map<String, Object> report(Options options) throws Exception {
    return new DataBenchmark(options).run(options.dataset(), options.workers());
  }

  private Map<String, Object> run(Dataset d, int threads) throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("benchmark", "data");
    out.put("cores", Runtime.getRuntime().availableProcessors());
    out.put("load_average_before", loadAverage());
    Path root = d.root();
    Path temp = null;
    try {
      if (root == null) {
        temp = Files.createTempDirectory("tbps-bench-data");
        root = temp.resolve("synth");
        LOG.info(
            "generating {} synthetic identities at {}x{} into {}",
            d.ids(),
            d.height(),
            d.width(),
            root);
        long t0 = System.nanoTime();
        SyntheticDataset.generate(
            new SynthConfig(
                d.ids(),
                2,
                5,
                seed,
                d.height(),
                d.width(),
                Runtime.getRuntime().availableProcessors()),
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
      dsm.put("root", d.keep() || d.root() != null ? root.toString() : "(temporary)");
      dsm.put("train_images", ds.images(Split.TRAIN).size());
      dsm.put("train_captions", ds.captions(Split.TRAIN).size());
      out.put("dataset", dsm);
      Vocabulary vocab = ds.vocabulary(Vocabulary.DEFAULT_MIN_COUNT);
      ImageSettings settings = ImageSettings.imagenet(d.height(), d.width());
      out.put("iterator", iteratorBench(ds, vocab, settings, threads));
      out.put("decode", decodeBench(ds, settings));
      out.put("load_average_after", loadAverage());
    } finally {
      if (temp != null && !d.keep()) {
        deleteTree(temp);
      }
    }
    return out;
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
