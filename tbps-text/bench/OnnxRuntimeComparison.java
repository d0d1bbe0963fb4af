import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.onnxruntime.runner.OnnxRuntimeRunner;
import org.tbps4j.text.WordPieceTokenizer;

/**
 * Measures the two ONNX Runtime bindings on all-MiniLM-L6-v2: load time, cost per caption at batch
 * 1 and batch 64 (15-30-word captions, each batch padded to its longest caption), resident memory;
 * and checks that both give the same last hidden state. One runtime per JVM; run by
 * bench/compare-onnx-runtimes.sh (3 repetitions each).
 *
 * <p>Usage: {@code java -cp CP OnnxRuntimeComparison.java (ms|nd4j) THREADS MODEL.onnx
 * TOKENIZER.json [OUT.bin]}
 */
public class OnnxRuntimeComparison {
  static final String[] WORDS = {
    "a", "the", "woman", "man", "girl", "boy", "person", "wearing", "is", "has", "with", "and",
    "black", "white", "red", "blue", "dark", "light", "grey", "green", "yellow", "pink", "long",
    "short", "sleeved", "shirt", "t-shirt", "jacket", "coat", "pants", "jeans", "shorts", "skirt",
    "dress", "shoes", "sneakers", "boots", "backpack", "bag", "handbag", "carrying", "holding",
    "her", "his", "hair", "ponytail", "glasses", "hat", "cap", "walking", "towards", "away",
    "from", "camera", "striped", "plaid", "over", "shoulder", "left", "right", "hand", "in",
    "on", "of", "tight", "loose", "knee-length", "sandals", "umbrella", "phone", "looking", "down"
  };

  /** Deterministic 15-30-word captions. */
  static List<String> captions(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int words = 15 + r.nextInt(16);
      StringBuilder sb = new StringBuilder("The");
      for (int w = 1; w < words; w++) {
        sb.append(' ').append(WORDS[r.nextInt(WORDS.length)]);
        if (r.nextInt(9) == 0) {
          sb.append(',');
        }
      }
      out.add(sb.append('.').toString());
    }
    return out;
  }

  interface Runner {
    float[] run(long[][] ids, long[][] mask) throws Exception;
  }

  /** CPU time of the whole process (all threads), nanoseconds: unlike wall time, not inflated when
   * other processes compete for the cores. */
  static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  static long rssKb(String field) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  static long[][][] batch(WordPieceTokenizer tok, List<String> texts) {
    List<int[]> seqs = new ArrayList<>();
    for (String t : texts) {
      seqs.add(tok.encode(t));
    }
    int[][] padded = tok.pad(seqs, 0);
    long[][] ids = new long[padded.length][];
    long[][] mask = new long[padded.length][];
    for (int i = 0; i < padded.length; i++) {
      ids[i] = new long[padded[i].length];
      mask[i] = new long[padded[i].length];
      for (int j = 0; j < padded[i].length; j++) {
        ids[i][j] = padded[i][j];
        mask[i][j] = j < seqs.get(i).length ? 1 : 0;
      }
    }
    return new long[][][] {ids, mask};
  }

  public static void main(String[] args) throws Exception {
    String which = args[0];
    int threads = Integer.parseInt(args[1]);
    Path model = Path.of(args[2]);
    WordPieceTokenizer tok = WordPieceTokenizer.read(Path.of(args[3]), 128);
    if (args.length > 5 && args[5].equals("with-nd4j")) {
      // ND4J's natives (libnd4jcpu with oneDNN, OpenMP, OpenBLAS) loaded and used first
      INDArray a = Nd4j.rand(256, 256);
      System.out.println("nd4j loaded: " + a.mmul(a).sumNumber());
    }
    long rss0 = rssKb("VmRSS");
    long t0 = System.nanoTime();
    long c0 = cpuNanos();
    Runner runner;
    if (which.equals("ms")) {
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
      opts.setIntraOpNumThreads(threads);
      opts.setInterOpNumThreads(1);
      opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      OrtSession session = env.createSession(model.toString(), opts);
      runner =
          (ids, mask) -> {
            int n = ids.length;
            int len = ids[0].length;
            long[] shape = {n, len};
            LongBuffer idb = LongBuffer.allocate(n * len);
            LongBuffer mb = LongBuffer.allocate(n * len);
            for (int i = 0; i < n; i++) {
              idb.put(ids[i]);
              mb.put(mask[i]);
            }
            idb.flip();
            mb.flip();
            Map<String, OnnxTensor> in = new HashMap<>();
            in.put("input_ids", OnnxTensor.createTensor(env, idb, shape));
            in.put("attention_mask", OnnxTensor.createTensor(env, mb, shape));
            in.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.allocate(n * len), shape));
            try (OrtSession.Result res = session.run(in)) {
              FloatBuffer fb = ((OnnxTensor) res.get(0)).getFloatBuffer();
              float[] out = new float[fb.remaining()];
              fb.get(out);
              return out;
            } finally {
              in.values().forEach(OnnxTensor::close);
            }
          };
    } else {
      if (threads != 1) {
        throw new IllegalArgumentException("nd4j-onnxruntime M2.1 fixes 1 intra-op thread");
      }
      OnnxRuntimeRunner r = new OnnxRuntimeRunner(model.toString());
      runner =
          (ids, mask) -> {
            Map<String, INDArray> in = new HashMap<>();
            in.put("input_ids", Nd4j.createFromArray(ids));
            in.put("attention_mask", Nd4j.createFromArray(mask));
            in.put("token_type_ids", Nd4j.createFromArray(new long[ids.length][ids[0].length]));
            Map<String, INDArray> out = r.exec(in);
            return out.get("last_hidden_state").dup().data().asFloat();
          };
    }
    double loadMs = (System.nanoTime() - t0) / 1e6;
    double loadCpuMs = (cpuNanos() - c0) / 1e6;
    long rssLoaded = rssKb("VmRSS");
    List<String> caps = captions(256, 7);
    long tokens = 0;
    for (String c : caps) {
      tokens += tok.encode(c).length;
    }
    // warm-up
    for (int i = 0; i < 5; i++) {
      long[][][] b = batch(tok, caps.subList(i, i + 1));
      runner.run(b[0], b[1]);
    }
    long[][][] b64w = batch(tok, caps.subList(0, 64));
    runner.run(b64w[0], b64w[1]);
    int n1 = 64;
    long t1 = System.nanoTime();
    long c1 = cpuNanos();
    for (int i = 0; i < n1; i++) {
      long[][][] b = batch(tok, caps.subList(i, i + 1));
      runner.run(b[0], b[1]);
    }
    double perCaption1 = (System.nanoTime() - t1) / 1e6 / n1;
    double cpuPerCaption1 = (cpuNanos() - c1) / 1e6 / n1;
    long t2 = System.nanoTime();
    long c2 = cpuNanos();
    float[] first = null;
    for (int k = 0; k < 4; k++) {
      long[][][] b = batch(tok, caps.subList(64 * k, 64 * k + 64));
      float[] out = runner.run(b[0], b[1]);
      if (k == 0) {
        first = out;
      }
    }
    double perCaption64 = (System.nanoTime() - t2) / 1e6 / 256;
    double cpuPerCaption64 = (cpuNanos() - c2) / 1e6 / 256;
    long[][][] b0 = batch(tok, caps.subList(0, 64));
    System.out.printf(
        "RESULT runtime=%s threads=%d load_ms=%.0f load_cpu_ms=%.0f batch1_ms_per_caption=%.2f"
            + " batch1_cpu_ms_per_caption=%.2f batch64_ms_per_caption=%.2f"
            + " batch64_cpu_ms_per_caption=%.2f rss_before_mb=%d rss_loaded_mb=%d rss_peak_mb=%d"
            + " tokens_per_caption=%.1f batch64_shape=%dx%d loadavg=%s%n",
        which,
        threads,
        loadMs,
        loadCpuMs,
        perCaption1,
        cpuPerCaption1,
        perCaption64,
        cpuPerCaption64,
        rss0 / 1024,
        rssLoaded / 1024,
        rssKb("VmHWM") / 1024,
        tokens / 256.0,
        b0[0].length,
        b0[0][0].length,
        Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    if (args.length > 4 && !args[4].equals("-")) {
      // the first batch's last hidden state, for the cross-runtime comparison
      java.nio.ByteBuffer bb =
          java.nio.ByteBuffer.allocate(first.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      bb.asFloatBuffer().put(first);
      Files.write(Path.of(args[4]), bb.array());
    }
    System.exit(0);
  }
}
