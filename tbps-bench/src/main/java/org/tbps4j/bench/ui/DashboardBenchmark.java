package org.tbps4j.bench.ui;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.schedule.FixedSchedule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tbps4j.bench.ProcessMemory;
import org.tbps4j.loss.LossNames;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.Quiet;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.train.ModelFactory;
import org.tbps4j.train.TrainingGraph;
import org.tbps4j.train.config.ConfigLoader;
import org.tbps4j.train.config.TrainConfig;
import org.tbps4j.train.listeners.IterationReport;
import org.tbps4j.train.listeners.LossTermsListener;
import org.tbps4j.ui.DashboardListener;
import org.tbps4j.ui.LossTermsReport;
import org.tbps4j.ui.RunDashboard;

/**
 * What the dashboard listener adds to a training step ({@code tbps bench dashboard}). Train steps
 * on one random batch, in alternating blocks without and with the listener (writing a real run's
 * dashboard files in a temporary directory), in one process. The loss is the trainer's CMPM + 0.8
 * CMPC mix and both arms keep the trainer's loss-term listener in the step, so the difference is
 * the dashboard alone.
 */
public final class DashboardBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardBenchmark.class);

  private static final double LR = 1e-4;

  /**
   * The training step of both arms: the trainer's CMPM + 0.8 CMPC mix, Adam at a constant rate, no
   * weight decay (the data section is required by the config and unused here).
   */
  private static final TrainConfig STEP =
      ConfigLoader.parse(
          "data: {root: unused}\n"
              + "loss: [{name: cmpm, weight: 1.0}, {name: cmpc, weight: 0.8}]\n"
              + "optimizer: {type: adam, lr: "
              + LR
              + ", weight_decay: 0}\n"
              + "stages: [{name: bench, epochs: 1}]\n",
          "tbps bench dashboard");

  /**
   * What to measure.
   *
   * @param batch batch size, {@code >= 2}
   * @param block steps per block, {@code >= 1}
   * @param rounds rounds of one block per arm (the order alternates), {@code >= 1}
   * @param warmup untimed steps after the first, {@code >= 0}
   * @param sampleEvery listener: parameter statistics every N steps
   * @param variables listener: weight matrices sampled
   * @param seed seed of the weights and the random batch
   */
  public record Options(
      int batch, int block, int rounds, int warmup, int sampleEvery, int variables, long seed) {
    /** Validates. */
    public Options {
      if (batch < 2 || block < 1 || rounds < 1 || warmup < 0) {
        throw new IllegalArgumentException(
            "batch must be >= 2, block and rounds >= 1, warmup >= 0, got "
                + List.of(batch, block, rounds, warmup));
      }
    }
  }

  private final int batch;
  private final int block;
  private final int rounds;
  private final int warmup;
  private final int sampleEvery;
  private final int variables;
  private final long seed;

  private DashboardBenchmark(Options o) {
    batch = o.batch();
    block = o.block();
    rounds = o.rounds();
    warmup = o.warmup();
    sampleEvery = o.sampleEvery();
    variables = o.variables();
    seed = o.seed();
  }

  /**
   * Runs both arms and reports, as {@code tbps bench dashboard} prints it: median and mean step
   * time without and with the listener and their ratios, process CPU per step, time spent in the
   * listener, the background writer's CPU, bytes recorded per step, the stats file's size, peak
   * RSS.
   *
   * @param model the network (its preset, classes and vocabulary)
   * @param options what to measure
   * @return the report, a JSON object (field order as printed)
   * @throws IOException when the temporary dashboard files cannot be written
   */
  public static Map<String, Object> report(ModelConfig model, Options options) throws IOException {
    return new DashboardBenchmark(options).run(model);
  }

  private Map<String, Object> run(ModelConfig c) throws IOException {
    String preset = c.preset();
    DashboardListener.Options options = new DashboardListener.Options(sampleEvery, variables);
    Nd4j.getRandom().setSeed(seed);
    TrainingGraph graph =
        TrainingGraph.build(
            new TrainingGraph.Recipe(STEP, c, new FixedSchedule(LR), null, null),
            STEP.stages().get(0),
            null,
            0);
    TbpsModel model = graph.model();
    MultiDataSet mds = randomBatch(model, c);
    LossTermsListener terms = new LossTermsListener(ModelFactory.termWeights(graph.mix()), seed);
    LOG.info("dashboard bench {}: batch {}, {} warm-up steps", preset, batch, warmup);
    Quiet.run(() -> model.sameDiff().fit(mds, terms)); // builds the gradient graph
    for (int i = 0; i < warmup; i++) {
      model.sameDiff().fit(mds, terms);
    }

    Path tmp = Files.createTempDirectory("tbps-bench-dashboard");
    double[] without = new double[rounds * block];
    double[] with = new double[rounds * block];
    double[] inListener = new double[rounds * block];
    double[] inListenerCpu = new double[rounds * block];
    double[] cpuWith = new double[rounds];
    double[] cpuWithout = new double[rounds];
    double writerCpu;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long statsBytes;
    long recordBytes = 0;
    try {
      RunDashboard dash = RunDashboard.open(tmp, options);
      DashboardListener l = dash.listener();
      l.runStarted(0, (long) rounds * block);
      l.modelChanged(model);
      int w = 0;
      int o = 0;
      for (int r = 0; r < rounds; r++) {
        boolean withFirst = r % 2 == 1; // ABBAAB…: drift hits both arms alike
        for (int arm = 0; arm < 2; arm++) {
          boolean on = (arm == 0) == withFirst;
          long cpu0 = os.getProcessCpuTime();
          for (int b = 0; b < block; b++) {
            long t0 = System.nanoTime();
            model.sameDiff().fit(mds, terms);
            if (on) {
              long t1 = System.nanoTime();
              long c1 = threads.getCurrentThreadCpuTime();
              Map<String, Double> values = terms.lastValues(LossNames.TOTAL);
              l.iterationDone(
                  new IterationReport(
                      w,
                      0,
                      "bench",
                      0,
                      w,
                      rounds * block,
                      (long) rounds * block,
                      batch,
                      1e-4,
                      values,
                      (t1 - t0) / 1e9));
              long t2 = System.nanoTime();
              inListenerCpu[w] = (threads.getCurrentThreadCpuTime() - c1) / 1e9;
              inListener[w] = (t2 - t1) / 1e9;
              with[w++] = (t2 - t0) / 1e9;
            } else {
              without[o++] = (System.nanoTime() - t0) / 1e9;
            }
          }
          double cpuPerStep = (os.getProcessCpuTime() - cpu0) / 1e9 / block;
          (on ? cpuWith : cpuWithout)[r] = cpuPerStep;
        }
      }
      l.flush();
      writerCpu = writerCpuSeconds(threads);
      for (String type : List.of(StatsListener.TYPE_ID, LossTermsReport.TYPE_ID)) {
        for (Persistable p :
            dash.storage()
                .getAllUpdatesAfter(l.sessionId(), type, DashboardListener.WORKER_ID, 0)) {
          recordBytes += p.encodingLengthBytes();
        }
      }
      dash.close();
      statsBytes = Files.size(tmp.resolve(RunDashboard.STATS_FILE));
    } finally {
      try (var walk = Files.walk(tmp)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("benchmark", "dashboard");
    out.put("preset", preset);
    out.put("batch", batch);
    out.put("parameters", model.parameterCount());
    out.put("threads", Runtime.getRuntime().availableProcessors());
    out.put("steps_per_arm", rounds * block);
    out.put("sample_every", sampleEvery);
    out.put("sampled_variables", model.trainableVariables().isEmpty() ? 0 : variables);
    out.put("median_step_without_s", round(median(without)));
    out.put("median_step_with_s", round(median(with)));
    out.put("mean_step_without_s", round(mean(without)));
    out.put("mean_step_with_s", round(mean(with)));
    out.put("ratio_median", round(median(with) / median(without)));
    out.put("ratio_mean", round(mean(with) / mean(without)));
    out.put("process_cpu_per_step_without_s", round(median(cpuWithout)));
    out.put("process_cpu_per_step_with_s", round(median(cpuWith)));
    out.put("ratio_process_cpu", round(median(cpuWith) / median(cpuWithout)));
    out.put("listener_median_ms", round(median(inListener) * 1000));
    out.put("listener_mean_ms", round(mean(inListener) * 1000));
    out.put("listener_max_ms", round(Arrays.stream(inListener).max().orElse(0) * 1000));
    out.put("listener_cpu_mean_ms", round(mean(inListenerCpu) * 1000));
    out.put("writer_cpu_per_step_ms", round(writerCpu * 1000 / (rounds * block)));
    out.put("record_bytes_per_step", recordBytes / Math.max(1, rounds * block));
    out.put("stats_file_bytes", statsBytes);
    out.put("peak_rss_mib", Math.round(ProcessMemory.peakRssMiB()));
    return out;
  }

  /** CPU time of the dashboard's background writer thread so far. */
  private static double writerCpuSeconds(ThreadMXBean threads) {
    double s = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("tbps-dashboard-writer")) {
        s += Math.max(0, threads.getThreadCpuTime(t.getId())) / 1e9;
      }
    }
    return s;
  }

  private MultiDataSet randomBatch(TbpsModel model, ModelConfig c) {
    INDArray images =
        Nd4j.rand(DataType.FLOAT, batch, 3, c.imageHeight(), c.imageWidth()).subi(0.5);
    int[] ids = new int[batch * c.maxLength()];
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < ids.length; i++) {
      ids[i] = 1 + r.nextInt(c.vocabularySize() - 1);
    }
    INDArray tokens = Nd4j.createFromArray(ids).reshape(batch, c.maxLength());
    int[] y = new int[batch];
    for (int i = 0; i < batch; i++) {
      y[i] = (i / 4) % c.numClasses(); // P×K batches, K = 4
    }
    return model.trainingBatch(images, tokens, Nd4j.createFromArray(y));
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  private static double mean(double[] v) {
    return Arrays.stream(v).average().orElse(Double.NaN);
  }

  private static double round(double v) {
    return Math.round(v * 10000) / 10000.0;
  }
}
