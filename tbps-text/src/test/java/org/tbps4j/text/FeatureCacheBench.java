package org.tbps4j.text;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Builds a feature cache for synthetic 15-30-word captions with the real tower and reports the cost
 * per caption (build: ONNX forward + float16 conversion + writes; read: one padded training batch
 * of 64) and the disk use, for the extrapolation to CUHK-PEDES in docs/text-encoder.md.
 *
 * <p>Run (one thread; from the repository root):
 *
 * <pre>
 * mvn -B -q -o -pl tbps-text -am test-compile
 * OMP_NUM_THREADS=1 mvn -B -q -o -pl tbps-text org.codehaus.mojo:exec-maven-plugin:3.5.0:java \
 *   -Dexec.classpathScope=test -Dexec.mainClass=org.tbps4j.text.FeatureCacheBench \
 *   -Dexec.args="5000 64 1 /tmp/tbps-cache-bench"
 * </pre>
 *
 * Arguments: captions, max length, ONNX Runtime threads, an empty scratch directory.
 */
public final class FeatureCacheBench {
  private FeatureCacheBench() {}

  /** A description vocabulary for caption-like text. */
  private static final String[] WORDS = {
    "a",
    "the",
    "woman",
    "man",
    "girl",
    "boy",
    "person",
    "wearing",
    "is",
    "has",
    "with",
    "and",
    "black",
    "white",
    "red",
    "blue",
    "dark",
    "light",
    "grey",
    "green",
    "yellow",
    "pink",
    "long",
    "short",
    "sleeved",
    "shirt",
    "t-shirt",
    "jacket",
    "coat",
    "pants",
    "jeans",
    "shorts",
    "skirt",
    "dress",
    "shoes",
    "sneakers",
    "boots",
    "backpack",
    "bag",
    "handbag",
    "carrying",
    "holding",
    "her",
    "his",
    "hair",
    "ponytail",
    "glasses",
    "hat",
    "cap",
    "walking",
    "towards",
    "away",
    "from",
    "camera",
    "striped",
    "plaid",
    "over",
    "shoulder",
    "left",
    "right",
    "hand",
    "in",
    "on",
    "of",
    "tight",
    "loose",
    "knee-length",
    "sandals",
    "umbrella",
    "phone",
    "looking",
    "down"
  };

  /**
   * Deterministic caption-like texts of 15-30 words.
   *
   * @param n how many
   * @param seed generator seed
   * @return distinct texts
   */
  static List<String> captions(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int words = 15 + r.nextInt(16);
      StringBuilder sb = new StringBuilder("The");
      for (int w = 1; w < words; w++) {
        sb.append(' ').append(WORDS[r.nextInt(WORDS.length)]);
        if (r.nextInt(9) == 0) {
          sb.append(',');
        }
      }
      out.add(sb.append(". #").append(i).toString());
    }
    return out;
  }

  /**
   * Runs the measurement.
   *
   * @param args captions, max length, threads, scratch directory
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    int maxLength = Integer.parseInt(args[1]);
    int threads = Integer.parseInt(args[2]);
    Path root = Path.of(args[3]);
    long t0 = System.nanoTime();
    TextTower tower = TextTower.open(TowerFiles.bundled(), maxLength, threads);
    double load = (System.nanoTime() - t0) / 1e9;
    FeatureCache.Key key = FeatureCache.Key.of(tower, FeatureCache.Storage.FLOAT16);
    Path dir = FeatureCache.directory(root, key);
    FeatureCache cache = FeatureCache.open(dir, key);
    List<String> texts = captions(n, 11);
    long cpu0 = cpuNanos();
    FeatureCache.UpdateReport r =
        cache.update(
            texts,
            tower,
            64,
            (done, total, ns) -> {
              if (done % 1024 < 64 || done == total) {
                System.err.printf(Locale.ROOT, "  %d/%d captions, %.1f s%n", done, total, ns / 1e9);
              }
            });
    double buildCpu = (cpuNanos() - cpu0) / 1e9;
    long disk;
    try (var files = Files.list(dir)) {
      disk = files.mapToLong(p -> p.toFile().length()).sum();
    }
    // the training-time cost: one batch of 64 random cached captions, padded to the longest
    SplittableRandom rnd = new SplittableRandom(3);
    int batches = 200;
    long t1 = System.nanoTime();
    for (int b = 0; b < batches; b++) {
      List<String> batch = new ArrayList<>(64);
      for (int i = 0; i < 64; i++) {
        batch.add(texts.get(rnd.nextInt(n)));
      }
      cache.get(batch, 0);
    }
    double readMs = (System.nanoTime() - t1) / 1e6 / batches;
    System.out.printf(
        Locale.ROOT,
        "RESULT captions=%d max_length=%d threads=%d load_s=%.1f build_s=%.1f"
            + " ms_per_caption=%.2f cpu_s=%.1f cpu_ms_per_caption=%.2f tokens_per_caption=%.1f"
            + " disk_bytes=%d bytes_per_caption=%.0f segments=%d read_batch64_ms=%.2f loadavg=%s%n",
        n,
        maxLength,
        threads,
        load,
        r.seconds(),
        r.seconds() * 1000 / r.computed(),
        buildCpu,
        buildCpu * 1000 / r.computed(),
        (double) r.tokens() / r.computed(),
        disk,
        (double) disk / n,
        cache.segmentCount(),
        readMs,
        Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    tower.close();
  }

  /** CPU time of the whole process (all threads): not inflated by other processes' load. */
  static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
