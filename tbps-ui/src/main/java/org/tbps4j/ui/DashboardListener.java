package org.tbps4j.ui;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.RuntimeMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.stats.api.StatsType;
import org.deeplearning4j.ui.model.stats.impl.SbeStatsInitializationReport;
import org.deeplearning4j.ui.model.stats.impl.SbeStatsReport;
import org.deeplearning4j.ui.model.storage.impl.SbeStorageMetaData;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tbps4j.loss.LossNames;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.train.listeners.IterationReport;
import org.tbps4j.train.listeners.TrainingListener;

/**
 * Turns SameDiff training into Deeplearning4j UI statistics: the bridge the DL4J training UI needs
 * (its own {@code StatsListener} only understands {@code MultiLayerNetwork}/{@code
 * ComputationGraph}).
 *
 * <p>Posts, into a {@link StatsStorageRouter} (a {@code FileStatsStorage}, an in-memory storage):
 *
 * <ul>
 *   <li>once, when the first graph arrives: the storage metadata and an initialisation report —
 *       session, worker, model class ({@code SameDiff}), parameter count, weight-layer count,
 *       trainable variable names, the model config (JSON), software (OS, JVM, ND4J backend and
 *       environment) and hardware (processors, heap and off-heap limits);
 *   <li>every step: a stats report — iteration, score (the weighted total loss), learning rate,
 *       heap in use and off-heap (ND4J/JavaCPP) bytes with their limits, GC counts and times,
 *       throughput (pairs per second of the step), and the mean magnitude and standard deviation of
 *       the parameters and of their last update for a sample of weight matrices;
 *   <li>every step: a {@link LossTermsReport} with every loss term, the total and the learning
 *       rate.
 * </ul>
 *
 * and appends the same loss terms to the run's SameDiff UI log ({@code ui-graph.bin}, written with
 * the graph structure when the first graph arrives).
 *
 * <p><b>Cost.</b> The records are written by a background thread. Parameter statistics need the
 * weights before and after a step, so they are taken every {@link Options#sampleEvery} steps for at
 * most {@link Options#sampledVariables} weight matrices (spread evenly over the graph, from first
 * to last); the steps in between repeat the last sample (DL4J's overview draws every per-parameter
 * series against the score's iterations, so every report carries the same names). No SameDiff
 * listener is added to the training step.
 */
public final class DashboardListener implements TrainingListener, AutoCloseable {
  /** The worker ID of the training process. */
  public static final String WORKER_ID = "trainer";

  /** Suffix of the weight matrices whose statistics are sampled (DL4J charts names ending in W). */
  public static final String WEIGHT_SUFFIX = "/W";

  /**
   * How much to collect.
   *
   * @param sampleEvery parameter statistics every this many steps (at least 1)
   * @param sampledVariables at most this many weight matrices (0 = no parameter statistics)
   */
  public record Options(int sampleEvery, int sampledVariables) {
    /** Validates. */
    public Options {
      if (sampleEvery < 1) {
        throw new IllegalArgumentException("sampleEvery must be >= 1, got " + sampleEvery);
      }
      if (sampledVariables < 0) {
        throw new IllegalArgumentException(
            "sampledVariables must be >= 0, got " + sampledVariables);
      }
    }

    /**
     * Every 10 steps, 12 weight matrices.
     *
     * @return the defaults
     */
    public static Options defaults() {
      return new Options(10, 12);
    }
  }

  private final StatsStorageRouter router;
  private final String sessionId;
  private final GraphLog graphLog;
  private final Options options;
  private final StatsSink sink;

  private TbpsModel model;
  private List<String> sample = List.of();
  private Map<String, INDArray> snapshot;
  private long snapshotFor = -1;
  private long nextIteration;
  private Map<String, ParameterStats> lastStats = Map.of();
  private boolean initPosted;
  private long initTime;
  private long lastReportTime = Long.MIN_VALUE;
  private long lastTermsTime = Long.MIN_VALUE;
  private long examples;
  private long minibatches;
  private final Map<String, long[]> gcAtLastReport = new HashMap<>();

  /**
   * A listener.
   *
   * @param router where the records go
   * @param sessionId the session ID (one training process of a run)
   * @param graphLog the SameDiff UI log to write, or null for none
   * @param options how much to collect
   * @throws IOException when an existing graph log cannot be read
   */
  public DashboardListener(
      StatsStorageRouter router, String sessionId, Path graphLog, Options options)
      throws IOException {
    this.router = router;
    this.sessionId = sessionId;
    this.options = options;
    this.graphLog = graphLog == null ? null : GraphLog.open(graphLog);
    this.sink = new StatsSink(graphLog == null ? "the stats storage" : "the run's dashboard files");
  }

  /**
   * The session ID of the records.
   *
   * @return session ID
   */
  public String sessionId() {
    return sessionId;
  }

  /**
   * The weight matrices whose statistics are reported.
   *
   * @return variable names (empty before the first graph)
   */
  public List<String> sampledVariables() {
    return sample;
  }

  @Override
  public void modelChanged(TbpsModel m) {
    sink.check();
    this.model = m;
    SameDiff sd = m.sameDiff();
    if (sample.isEmpty() && options.sampledVariables() > 0) {
      sample = evenlySpaced(weightNames(sd), options.sampledVariables());
    }
    if (!initPosted) {
      postInitialisation(m);
      initPosted = true;
    }
    if (graphLog != null) {
      try {
        graphLog.writeGraph(sd); // on this thread: the graph must not change meanwhile
      } catch (IOException e) {
        throw new IllegalStateException(
            "the SameDiff UI log " + graphLog.file() + " could not be written: " + e, e);
      }
    }
    // the first step on a graph is always sampled, so the first report has statistics
    snapshot = sample.isEmpty() ? null : copies(current(sample));
    snapshotFor = nextIteration;
  }

  @Override
  public void runStarted(long startIteration, long totalIterations) {
    nextIteration = startIteration;
  }

  @Override
  public void iterationDone(IterationReport r) {
    sink.check();
    long c0 = System.nanoTime();
    if (model == null) {
      throw new IllegalStateException("iterationDone before modelChanged: no graph to read");
    }
    if (snapshot != null && snapshotFor == r.iteration()) {
      lastStats = parameterStatistics(snapshot, current(sample));
    }
    snapshot = null;
    long next = r.iteration() + 1;
    if (!sample.isEmpty() && next % options.sampleEvery() == 0) {
      snapshot = copies(current(sample)); // the weights before the next, sampled, step
      snapshotFor = next;
    }
    nextIteration = next;

    examples += r.batchSize();
    minibatches++;
    long now = System.currentTimeMillis();
    long ts = Math.max(now, lastReportTime + 1); // storages key updates by time: keep them unique
    lastReportTime = ts;
    double total = r.terms().getOrDefault(LossNames.TOTAL, Double.NaN);

    SbeStatsReport s = new SbeStatsReport();
    s.reportIDs(sessionId, StatsListener.TYPE_ID, WORKER_ID, ts);
    s.reportIterationCount((int) Math.min(Integer.MAX_VALUE, r.iteration()));
    s.reportScore(total);
    Runtime rt = Runtime.getRuntime();
    s.reportMemoryUse(
        rt.totalMemory() - rt.freeMemory(),
        rt.maxMemory(),
        Pointer.totalBytes(),
        Pointer.maxBytes(),
        null,
        null);
    double seconds = Math.max(r.seconds(), 1e-9);
    s.reportPerformance(
        now - initTime, examples, minibatches, r.batchSize() / seconds, 1.0 / seconds);
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      long count = Math.max(0, gc.getCollectionCount());
      long time = Math.max(0, gc.getCollectionTime());
      long[] before = gcAtLastReport.put(gc.getName(), new long[] {count, time});
      if (before != null) {
        s.reportGarbageCollection(
            gc.getName(), (int) (count - before[0]), (int) (time - before[1]));
      }
    }
    if (!lastStats.isEmpty()) {
      Map<String, Double> lr = new LinkedHashMap<>();
      Map<String, Double> pmm = new LinkedHashMap<>();
      Map<String, Double> umm = new LinkedHashMap<>();
      Map<String, Double> psd = new LinkedHashMap<>();
      Map<String, Double> usd = new LinkedHashMap<>();
      for (Map.Entry<String, ParameterStats> e : lastStats.entrySet()) {
        lr.put(e.getKey(), r.learningRate());
        pmm.put(e.getKey(), e.getValue().parameterMeanMagnitude());
        umm.put(e.getKey(), e.getValue().updateMeanMagnitude());
        psd.put(e.getKey(), e.getValue().parameterStdev());
        usd.put(e.getKey(), e.getValue().updateStdev());
      }
      s.reportLearningRates(lr);
      s.reportMeanMagnitudes(StatsType.Parameters, pmm);
      s.reportMeanMagnitudes(StatsType.Updates, umm);
      s.reportStdev(StatsType.Parameters, psd);
      s.reportStdev(StatsType.Updates, usd);
    }
    long termsTs = Math.max(now, lastTermsTime + 1);
    lastTermsTime = termsTs;
    LossTermsReport terms =
        new LossTermsReport(
            sessionId,
            WORKER_ID,
            termsTs,
            r.iteration(),
            r.epoch(),
            r.stageName(),
            r.learningRate(),
            r.terms());
    s.reportStatsCollectionDurationMS((int) ((System.nanoTime() - c0) / 1_000_000));
    sink.submit(
        () -> {
          router.putUpdate(s);
          router.putUpdate(terms);
          if (graphLog != null) {
            graphLog.writeStep(now, r.iteration(), r.epoch(), r.learningRate(), r.terms());
          }
        });
  }

  @Override
  public void runFinished(long iteration) {
    sink.flush();
  }

  /**
   * Waits for every pending record to be written.
   *
   * @throws IllegalStateException when a record could not be written
   */
  public void flush() {
    sink.flush();
  }

  /** Writes what is pending and stops the writer thread. */
  @Override
  public void close() {
    sink.close();
  }

  // ------------------------------------------------------------------ initialisation report

  private void postInitialisation(TbpsModel m) {
    initTime = System.currentTimeMillis();
    SameDiff sd = m.sameDiff();
    SbeStatsInitializationReport init = new SbeStatsInitializationReport();
    init.reportIDs(sessionId, StatsListener.TYPE_ID, WORKER_ID, initTime);

    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
    Map<String, String> env = new LinkedHashMap<>();
    Properties p = Nd4j.getExecutioner().getEnvironmentInformation();
    for (String k : p.stringPropertyNames()) {
      env.put(k, p.getProperty(k));
    }
    String host = hostName();
    init.reportSoftwareInfo(
        os.getArch(),
        os.getName(),
        runtime.getVmName(),
        System.getProperty("java.version"),
        runtime.getSpecVersion(),
        Nd4j.getBackend().getClass().getName(),
        Nd4j.defaultFloatingPointType().name(),
        host,
        org.deeplearning4j.core.util.UIDProvider.getJVMUID(),
        env);
    init.reportHardwareInfo(
        Runtime.getRuntime().availableProcessors(),
        0,
        Runtime.getRuntime().maxMemory(),
        Pointer.maxBytes(),
        null,
        null,
        host);
    List<String> trainable = m.trainableVariables();
    init.reportModelInfo(
        SameDiff.class.getName(),
        modelConfigJson(m),
        trainable.toArray(new String[0]),
        weightNames(sd).size(),
        m.parameterCount());
    router.putStorageMetaData(
        new SbeStorageMetaData(
            initTime,
            sessionId,
            StatsListener.TYPE_ID,
            WORKER_ID,
            SbeStatsInitializationReport.class,
            SbeStatsReport.class));
    router.putStaticInfo(init);
    // the loss-term records need a static record too: storages list a type's workers from it
    router.putStorageMetaData(
        new SbeStorageMetaData(
            initTime,
            sessionId,
            LossTermsReport.TYPE_ID,
            WORKER_ID,
            LossTermsReport.class,
            LossTermsReport.class));
    router.putStaticInfo(LossTermsReport.header(sessionId, WORKER_ID, initTime));
  }

  private static String modelConfigJson(TbpsModel m) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(m.config());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return "{}";
    }
  }

  private static String hostName() {
    String h = System.getenv("HOSTNAME");
    if (h != null && !h.isBlank()) {
      return h.trim();
    }
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  // ------------------------------------------------------------------ parameter statistics

  /**
   * Mean magnitude and standard deviation of a parameter and of its last update.
   *
   * @param parameterMeanMagnitude mean |θ|
   * @param updateMeanMagnitude mean |θ_after − θ_before|
   * @param parameterStdev standard deviation of θ (bias-corrected)
   * @param updateStdev standard deviation of θ_after − θ_before (bias-corrected)
   */
  public record ParameterStats(
      double parameterMeanMagnitude,
      double updateMeanMagnitude,
      double parameterStdev,
      double updateStdev) {}

  /**
   * The statistics of each variable present in both maps.
   *
   * @param before the arrays before a step
   * @param after the arrays after it (same shapes)
   * @return name to statistics, in the order of {@code after}
   */
  public static Map<String, ParameterStats> parameterStatistics(
      Map<String, INDArray> before, Map<String, INDArray> after) {
    Map<String, ParameterStats> out = new LinkedHashMap<>();
    for (Map.Entry<String, INDArray> e : after.entrySet()) {
      INDArray b = before.get(e.getKey());
      INDArray a = e.getValue();
      if (b == null || a == null || a.length() == 0) {
        continue;
      }
      INDArray delta = a.sub(b);
      double n = a.length();
      out.put(
          e.getKey(),
          new ParameterStats(
              a.norm1Number().doubleValue() / n,
              delta.norm1Number().doubleValue() / n,
              a.length() > 1 ? a.stdNumber().doubleValue() : 0,
              a.length() > 1 ? delta.stdNumber().doubleValue() : 0));
    }
    return out;
  }

  /**
   * At most {@code k} names spread evenly over the list, first and last included.
   *
   * @param names names in order
   * @param k how many
   * @return the chosen names, in order
   */
  public static List<String> evenlySpaced(List<String> names, int k) {
    int n = names.size();
    if (n <= k) {
      return List.copyOf(names);
    }
    List<String> out = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      int idx = k == 1 ? 0 : (int) Math.round((double) i * (n - 1) / (k - 1));
      out.add(names.get(idx));
    }
    return List.copyOf(out);
  }

  /** Weight matrices (trainable or frozen), in graph order. */
  static List<String> weightNames(SameDiff sd) {
    List<String> out = new ArrayList<>();
    for (SDVariable v : sd.variables()) {
      VariableType t = v.getVariableType();
      if ((t == VariableType.VARIABLE || t == VariableType.CONSTANT)
          && v.name().endsWith(WEIGHT_SUFFIX)) {
        out.add(v.name());
      }
    }
    return out;
  }

  private Map<String, INDArray> current(List<String> names) {
    Map<String, INDArray> out = new LinkedHashMap<>();
    SameDiff sd = model.sameDiff();
    for (String n : names) {
      if (sd.hasVariable(n)) {
        INDArray a = sd.getArrForVarName(n);
        if (a != null) {
          out.put(n, a);
        }
      }
    }
    return out;
  }

  private static Map<String, INDArray> copies(Map<String, INDArray> arrays) {
    Map<String, INDArray> out = new LinkedHashMap<>();
    arrays.forEach((k, v) -> out.put(k, v.dup()));
    return out;
  }
}
