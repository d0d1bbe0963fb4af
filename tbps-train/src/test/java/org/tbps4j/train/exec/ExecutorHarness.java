package org.tbps4j.train.exec;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.schedule.FixedSchedule;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.Quiet;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.model.exec.FastExecution;
import org.tbps4j.model.exec.SectionClock;
import org.tbps4j.train.ModelFactory;
import org.tbps4j.train.config.ConfigLoader;
import org.tbps4j.train.config.TrainConfig;
import org.tbps4j.train.listeners.LossTermsListener;

/**
 * Measurement harness of the SameDiff executor on the quickstart network (tiny preset, the
 * quickstart loss mix, Adam with weight decay, batch 64 at 64×32, V = 5000, C = 1000), as {@code
 * tbps bench train} builds it. Not a test: run its {@code main} with the test classpath ({@code
 * bench/executor-harness.sh}; docs/samediff-executor.md). Modes:
 *
 * <ul>
 *   <li>{@code ab <rounds> <steps>}: one model, rounds alternating {@code SameDiff.fit} and {@code
 *       FastExecution.fit} (order swapped every round); per round wall time, this thread's and the
 *       process's CPU time and the Java heap allocated per step; median ratios.
 *   <li>{@code breakdown <rounds> <steps>}: every {@link FastExecution.Options} variant, rotated
 *       each round, with a {@link SectionClock}: CPU time per executor section, allocations.
 *   <li>{@code jfr stock|fast <steps> <file>}: a JFR recording (Java and native samples every 2 ms)
 *       of uninstrumented steps, for {@code bench/jfr_executor.py}.
 *   <li>{@code rss stock|fast <steps>}: peak and current RSS after the steps (one way per JVM).
 *   <li>{@code counts}: graph sizes and the outputs a stock step requests.
 * </ul>
 */
public final class ExecutorHarness {
  private ExecutorHarness() {}

  /** The quickstart config at the benchmark's sizes. */
  static TrainConfig config(int batch) throws IOException {
    TrainConfig base = ConfigLoader.load(Path.of("configs/quickstart.yaml"), List.of());
    return ConfigLoader.override(
        base,
        List.of(
            "model.preset=tiny",
            "data.image_height=64",
            "data.image_width=32",
            "data.p=" + batch / 4,
            "data.k=4"));
  }

  /** A model, its batch and its loss-terms listener. */
  record Setup(TbpsModel model, MultiDataSet batch, LossTermsListener terms) {
    SameDiff sd() {
      return model.sameDiff();
    }
  }

  static Setup setup(int batch, long seed) throws IOException {
    TrainConfig config = config(batch);
    ModelConfig mc = ModelFactory.modelConfig(config, 1000, 5000);
    Nd4j.getRandom().setSeed(seed);
    TbpsModel model = TbpsModel.create(mc);
    var mix = ModelFactory.lossMix(config.loss());
    ModelFactory.attach(model, mix);
    model
        .sameDiff()
        .setTrainingConfig(
            ModelFactory.trainingConfig(
                config, model, new FixedSchedule(config.optimizer().lr()), 0));
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[batch * 3 * mc.imageHeight() * mc.imageWidth()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (r.nextDouble() - 0.5);
    }
    INDArray images = Nd4j.create(v, new long[] {batch, 3, mc.imageHeight(), mc.imageWidth()}, 'c');
    int[] ids = new int[batch * mc.maxLength()];
    for (int i = 0; i < ids.length; i++) {
      double x = Math.floor(Math.exp(r.nextDouble() * Math.log(mc.vocabularySize())));
      ids[i] = (int) Math.min(x, mc.vocabularySize() - 3) + 2;
    }
    INDArray tokens = Nd4j.createFromArray(ids).reshape(batch, mc.maxLength());
    int[] y = new int[batch];
    for (int i = 0; i < batch; i++) {
      y[i] = i / 4;
    }
    MultiDataSet mds = model.trainingBatch(images, tokens, Nd4j.createFromArray(y));
    LossTermsListener terms = new LossTermsListener(ModelFactory.termWeights(mix), seed);
    return new Setup(model, mds, terms);
  }

  /** One training step, stock or fast. */
  interface Stepper {
    void step(Setup s, Listener... l);
  }

  static final Stepper STOCK = (s, l) -> s.sd().fit(s.batch(), l);

  static final Stepper FAST = (s, l) -> FastExecution.fit(s.sd(), s.batch(), l);

  /** A stepper through a handle with the given changes (and clock). */
  static Stepper variant(Setup s, FastExecution.Options o, SectionClock clock) {
    FastExecution h = FastExecution.profile(s.sd(), o, clock);
    return (x, l) -> h.fit(x.batch(), l);
  }

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /**
   * Wall seconds, this thread's CPU seconds, heap bytes and the process's CPU seconds per step of
   * {@code n} steps.
   */
  static double[] measure(Stepper st, Setup s, int n) {
    long tid = Thread.currentThread().getId();
    long a0 = THREADS.getThreadAllocatedBytes(tid);
    long p0 = OS.getProcessCpuTime();
    long c0 = THREADS.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      st.step(s, s.terms());
    }
    long t1 = System.nanoTime();
    long c1 = THREADS.getCurrentThreadCpuTime();
    long p1 = OS.getProcessCpuTime();
    long a1 = THREADS.getThreadAllocatedBytes(tid);
    return new double[] {
      (t1 - t0) / 1e9 / n, (c1 - c0) / 1e9 / n, (double) (a1 - a0) / n, (p1 - p0) / 1e9 / n
    };
  }

  private static final FastExecution.Options[] VARIANTS = {
    FastExecution.Options.STOCK,
    new FastExecution.Options(true, false, false, false, false),
    new FastExecution.Options(true, true, false, false, false),
    new FastExecution.Options(true, true, false, true, false),
    new FastExecution.Options(true, true, false, true, true),
    FastExecution.Options.ALL
  };

  private static String name(FastExecution.Options o) {
    return (o.keepSession() ? "K" : "-")
        + (o.recycleArrays() ? "R" : "-")
        + (o.ownPool() ? "P" : "-")
        + (o.skipOutputCopy() ? "S" : "-")
        + (o.cacheSubgraph() ? "C" : "-");
  }

  /**
   * Entry point.
   *
   * @param args see the class comment
   * @throws Exception on failures
   */
  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Setup s = setup(64, 42);
    Quiet.run(() -> s.sd().fit(s.batch(), s.terms()));
    if (!mode.equals("rss") && !mode.equals("counts")) {
      for (int i = 0; i < 5; i++) {
        STOCK.step(s, s.terms());
        FAST.step(s, s.terms());
      }
    }
    switch (mode) {
      case "jfr" -> {
        Stepper st = args[1].equals("stock") ? STOCK : FAST;
        int steps = Integer.parseInt(args[2]);
        try (Recording rec = new Recording(Configuration.getConfiguration("profile"))) {
          rec.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(2));
          rec.enable("jdk.NativeMethodSample").withPeriod(java.time.Duration.ofMillis(2));
          rec.start();
          double[] m = measure(st, s, steps);
          rec.stop();
          rec.dump(Path.of(args[3]));
          System.out.printf(
              Locale.ROOT,
              "%s: %d steps, wall %.3f s/step, cpu %.3f s/step, heap %.1f MB/step%n",
              args[1],
              steps,
              m[0],
              m[1],
              m[2] / 1e6);
        }
      }
      case "breakdown" -> {
        // per variant: CPU per section, allocations; rounds alternate the variants
        int rounds = Integer.parseInt(args[1]);
        int per = Integer.parseInt(args[2]);
        SectionClock[] clocks = new SectionClock[VARIANTS.length];
        Stepper[] steppers = new Stepper[VARIANTS.length];
        double[][] cpu = new double[VARIANTS.length][rounds];
        double[][] heap = new double[VARIANTS.length][rounds];
        for (int v = 0; v < VARIANTS.length; v++) {
          clocks[v] = new SectionClock();
          steppers[v] = variant(s, VARIANTS[v], clocks[v]);
          steppers[v].step(s, s.terms());
          clocks[v].reset();
        }
        for (int r = 0; r < rounds; r++) {
          for (int k = 0; k < VARIANTS.length; k++) {
            int v = (k + r) % VARIANTS.length;
            double[] m = measure(steppers[v], s, per);
            cpu[v][r] = m[1];
            heap[v][r] = m[2];
          }
        }
        int steps = rounds * per;
        System.out.println(
            "| variant | step CPU | executor call | op exec (doExec) | executor without op exec"
                + " | of which: parameterize | memory manager | updater | listeners' callbacks |"
                + " subgraph | rest | ops | arrays | fresh | heap MB |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (int v = 0; v < VARIANTS.length; v++) {
          SectionClock c = clocks[v];
          double out = ms(c, SectionClock.Section.OUTPUT, steps);
          double sub = ms(c, SectionClock.Section.SUBGRAPH, steps);
          double par = ms(c, SectionClock.Section.PARAMETERIZE, steps);
          double exe = ms(c, SectionClock.Section.EXEC, steps);
          double mem = ms(c, SectionClock.Section.MEMORY, steps);
          double upd = ms(c, SectionClock.Section.UPDATER, steps);
          double lis = ms(c, SectionClock.Section.LISTENERS, steps);
          double stepCpu = median(cpu[v]) * 1e3;
          System.out.printf(
              Locale.ROOT,
              "| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %d |"
                  + " %d | %d | %.1f |%n",
              name(VARIANTS[v]),
              stepCpu,
              out,
              exe,
              out - exe,
              par,
              mem,
              upd,
              lis,
              sub,
              out - exe - par - upd - lis - sub,
              c.count(SectionClock.Section.EXEC) / steps,
              c.allocations() / steps,
              c.freshAllocations() / steps,
              median(heap[v]) / 1e6);
        }
        for (int v = 1; v < VARIANTS.length; v++) {
          double[] ratio = new double[rounds];
          for (int r = 0; r < rounds; r++) {
            ratio[r] = cpu[0][r] / cpu[v][r];
          }
          System.out.printf(
              Locale.ROOT,
              "step CPU ratio %s/%s per round: median %.3f, all %s%n",
              name(VARIANTS[0]),
              name(VARIANTS[v]),
              median(ratio),
              java.util.Arrays.toString(ratio));
        }
      }
      case "ab" -> {
        int rounds = Integer.parseInt(args[1]);
        int per = Integer.parseInt(args[2]);
        List<double[]> a = new ArrayList<>();
        List<double[]> b = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
          boolean stockFirst = r % 2 == 0;
          double[] x = measure(stockFirst ? STOCK : FAST, s, per);
          double[] y = measure(stockFirst ? FAST : STOCK, s, per);
          double[] stock = stockFirst ? x : y;
          double[] fst = stockFirst ? y : x;
          a.add(stock);
          b.add(fst);
          System.out.printf(
              Locale.ROOT,
              "round %d: stock wall %.3f thread-cpu %.3f process-cpu %.3f heap %.1f MB | fast wall"
                  + " %.3f thread-cpu %.3f process-cpu %.3f heap %.1f MB | ratio wall %.3f"
                  + " thread-cpu %.3f process-cpu %.3f%n",
              r,
              stock[0],
              stock[1],
              stock[3],
              stock[2] / 1e6,
              fst[0],
              fst[1],
              fst[3],
              fst[2] / 1e6,
              stock[0] / fst[0],
              stock[1] / fst[1],
              stock[3] / fst[3]);
        }
        System.out.printf(
            Locale.ROOT,
            "median ratio stock/fast over %d rounds: wall %.3f, thread cpu %.3f, process cpu"
                + " %.3f%n",
            rounds,
            medianRatio(a, b, 0),
            medianRatio(a, b, 1),
            medianRatio(a, b, 3));
      }
      case "counts" -> {
        SameDiff grad = s.sd().getFunction("grad");
        long trainable =
            s.sd().variables().stream()
                .filter(
                    v -> v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE)
                .count();
        long withGradient =
            s.sd().variables().stream()
                .filter(
                    v -> v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE)
                .filter(v -> v.getGradient() != null)
                .count();
        System.out.printf(
            Locale.ROOT,
            "graph: %d variables, %d ops; gradient graph: %d variables, %d ops; %d trainable"
                + " variables, %d with a gradient (= requested outputs per stock step, each a"
                + " copy of the %d-entry variable table)%n",
            s.sd().getVariables().size(),
            s.sd().getOps().size(),
            grad.getVariables().size(),
            grad.getOps().size(),
            trainable,
            withGradient,
            grad.getVariables().size());
      }
      case "rss" -> {
        Stepper st = args[1].equals("stock") ? STOCK : FAST;
        int steps = Integer.parseInt(args[2]);
        double[] m = measure(st, s, steps);
        String status = java.nio.file.Files.readString(Path.of("/proc/self/status"));
        String hwm = status.lines().filter(l -> l.startsWith("VmHWM")).findFirst().orElse("?");
        String rss = status.lines().filter(l -> l.startsWith("VmRSS")).findFirst().orElse("?");
        System.out.printf(
            Locale.ROOT,
            "%s after %d more steps: %s, %s, cpu %.3f s/step, heap %.1f MB/step%n",
            args[1],
            steps,
            hwm.replaceAll("\\s+", " "),
            rss.replaceAll("\\s+", " "),
            m[1],
            m[2] / 1e6);
      }
      case "debug" -> {
        Stepper st = variant(s, FastExecution.Options.ALL, new SectionClock());
        st.step(s, s.terms());
        st.step(s, s.terms());
        System.err.println("---- step 3");
        st.step(s, s.terms());
      }
      default -> throw new IllegalArgumentException("mode: " + mode);
    }
  }

  static double ms(SectionClock c, SectionClock.Section s, int steps) {
    return c.nanos(s) / 1e6 / steps;
  }

  static double median(double[] v) {
    double[] c = v.clone();
    java.util.Arrays.sort(c);
    int n = c.length;
    return n % 2 == 1 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
  }

  static double medianRatio(List<double[]> a, List<double[]> b, int k) {
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = a.get(i)[k] / b.get(i)[k];
    }
    java.util.Arrays.sort(r);
    int n = r.length;
    return n % 2 == 1 ? r[n / 2] : (r[n / 2 - 1] + r[n / 2]) / 2;
  }
}
