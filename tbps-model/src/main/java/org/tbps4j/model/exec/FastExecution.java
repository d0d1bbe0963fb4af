package org.tbps4j.model.exec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.autodiff.listeners.ListenerVariables;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.Variable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.GradientUpdater;

/**
 * A cheaper SameDiff M2.1 training step: {@link #fit(SameDiff, MultiDataSet, Listener...)} does
 * what {@code SameDiff.fit(MultiDataSet, Listener...)} does — same ops in the same order, same
 * updater, same listener calls, bit-identical weights — with less executor bookkeeping per step
 * (see {@link StepSession} and docs/samediff-executor.md): the training session, its array cache
 * and its op contexts are kept across steps, the arrays the executor leaves unreleased (gradients
 * among them) go back to the cache after each step, the cache is our {@link ArrayPool}, the
 * gradients are not requested as outputs (no copy of the variable table per gradient), and the
 * executed subgraph is computed once.
 *
 * <p>Memory: the kept session holds the step's working set of arrays for reuse (that is the point)
 * until another graph is trained on the thread or {@link #forget} is called; call it when training
 * ends if the process goes on with other work.
 *
 * <p>The switch: {@link #setEnabled} or the system property {@value #PROPERTY} ({@code true} by
 * default; {@code -Dtbps.fastExecution=false} restores the stock {@code fit} everywhere).
 *
 * <p>Differences from {@code SameDiff.fit} (none affects a listener that reads values during the
 * step): it returns nothing instead of a {@code History} (a single-batch {@code fit} records no
 * history); the arrays a listener receives may be reused by the next step (as with {@code
 * SameDiff.output}), so a listener must copy what it keeps. A step delegates to the stock {@code
 * fit} when there is no training config, no gradient graph or no updater state yet (the first step
 * of a graph, and the first after {@code convertToConstants/Variables}, which drop the gradient
 * graph), or when the training config has train evaluations (their records live in the history).
 */
public final class FastExecution {
  /** The system property of the default switch ({@code true} unless set to {@code false}). */
  public static final String PROPERTY = "tbps.fastExecution";

  private static volatile boolean enabled =
      !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").trim());

  private static final ThreadLocal<FastExecution> LAST = new ThreadLocal<>();

  private static final java.util.concurrent.atomic.AtomicLong FAST_STEPS =
      new java.util.concurrent.atomic.AtomicLong();

  /**
   * Which changes are applied (for measurements; {@link Options#ALL} is the product setting).
   *
   * @param keepSession keep the training session across steps (false: a new one per step, as {@code
   *     SameDiff.fit} does)
   * @param recycleArrays give the arrays the executor never releases (gradients, arrays whose
   *     release it skips) back to the session's cache after each step
   * @param ownPool use our array cache ({@link ArrayPool}) instead of M2.1's
   * @param skipOutputCopy request the gradients as required activations only
   * @param cacheSubgraph compute the executed subgraph once per request
   */
  public record Options(
      boolean keepSession,
      boolean recycleArrays,
      boolean ownPool,
      boolean skipOutputCopy,
      boolean cacheSubgraph) {
    /** Every change. */
    public static final Options ALL = new Options(true, true, true, true, true);

    /** No change: the stock session, one per step (for instrumented stock profiles). */
    public static final Options STOCK = new Options(false, false, false, false, false);
  }

  private final SameDiff sd;
  private final Options options;
  private final SectionClock clock;
  private StepSession session;
  private Set<String> trainable;

  private FastExecution(SameDiff sd, Options options, SectionClock clock) {
    this.sd = sd;
    this.options = options;
    this.clock = clock;
  }

  /**
   * Whether {@link #fit} takes the fast path.
   *
   * @return the switch
   */
  public static boolean isEnabled() {
    return enabled;
  }

  /**
   * Turns the fast path on or off for every graph (off: {@link #fit} calls {@code SameDiff.fit}).
   *
   * @param on the switch
   */
  public static void setEnabled(boolean on) {
    enabled = on;
  }

  /**
   * Steps taken through the fast path in this JVM (not those delegated to {@code SameDiff.fit}): a
   * diagnostic, e.g. for a test that the trainer does take it.
   *
   * @return the count
   */
  public static long fastSteps() {
    return FAST_STEPS.get();
  }

  /**
   * A handle that trains one graph with every change on. Keep it as long as the graph (it holds the
   * session of the graph's gradient function).
   *
   * @param sd the graph, with its training config set
   * @return the handle
   */
  public static FastExecution install(SameDiff sd) {
    return new FastExecution(sd, Options.ALL, null);
  }

  /**
   * A handle with chosen changes and an optional section clock (measurements).
   *
   * @param sd the graph
   * @param options the changes
   * @param clock where the executor's section times go, or null
   * @return the handle
   */
  public static FastExecution profile(SameDiff sd, Options options, SectionClock clock) {
    return new FastExecution(sd, options, clock);
  }

  /**
   * One training step of {@code sd} on a batch, as {@code sd.fit(batch, listeners)} does it. The
   * handle of the graph last trained on this thread is kept (so the session survives from step to
   * step); training another graph replaces it, {@link #forget} drops it.
   *
   * @param sd the graph, with its training config set
   * @param batch features and labels in the order of the training config's mappings
   * @param listeners listeners of this step (besides the graph's own)
   */
  public static void fit(SameDiff sd, MultiDataSet batch, Listener... listeners) {
    FastExecution h = LAST.get();
    if (h == null || h.sd != sd) {
      h = install(sd);
      LAST.set(h);
    }
    h.fit(batch, listeners);
  }

  /** Drops the handle {@link #fit(SameDiff, MultiDataSet, Listener...)} keeps for this thread. */
  public static void forget() {
    LAST.remove();
  }

  /**
   * Drops this thread's handle if it trains {@code sd} (a model being closed: its session's arrays
   * are not kept alive past it).
   *
   * @param sd the graph
   */
  public static void forget(SameDiff sd) {
    FastExecution h = LAST.get();
    if (h != null && h.sd == sd) {
      LAST.remove();
    }
  }

  /**
   * The graph this handle trains.
   *
   * @return the graph
   */
  public SameDiff sameDiff() {
    return sd;
  }

  /**
   * One training step (see the class comment).
   *
   * @param batch features and labels in the order of the training config's mappings
   * @param listeners listeners of this step (besides the graph's own)
   */
  public void fit(MultiDataSet batch, Listener... listeners) {
    synchronized (sd) { // SameDiff.fit is synchronized on the graph
      TrainingConfig tc = sd.getTrainingConfig();
      SameDiff grad = sd.getFunction("grad");
      if (!enabled
          || tc == null
          || grad == null
          || !sd.isInitializedTraining()
          || sd.getUpdaterMap() == null
          || (tc.getTrainEvaluations() != null && !tc.getTrainEvaluations().isEmpty())) {
        sd.fit(batch, listeners); // builds the gradient graph and the updater state
        session = null;
        return;
      }
      step(tc, grad, batch, Arrays.asList(listeners));
    }
  }

  private void step(TrainingConfig tc, SameDiff grad, MultiDataSet batch, List<Listener> given) {
    if (session == null || session.graph() != grad || !options.keepSession()) {
      session =
          new StepSession(
              grad,
              new StepSession.Options(
                  options.recycleArrays(),
                  options.ownPool(),
                  options.skipOutputCopy(),
                  options.cacheSubgraph()),
              clock);
      trainable = trainableVariables();
    }
    List<Listener> active = new ArrayList<>();
    for (Listener l : sd.getListeners()) {
      if (l.isActive(Operation.TRAINING)) {
        active.add(l);
      }
    }
    for (Listener l : given) {
      if (l.isActive(Operation.TRAINING)) {
        active.add(l);
      }
    }
    checkListenerVariables(active);
    At at =
        At.builder()
            .epoch(tc.getEpochCount())
            .iteration(tc.getIterationCount())
            .trainingThreadNum(0)
            .javaThreadNum(Thread.currentThread().getId())
            .operation(Operation.TRAINING)
            .build();
    grad.setTrainingConfig(tc);
    for (Listener l : active) {
      l.operationStart(grad, Operation.TRAINING);
    }
    Map<String, INDArray> placeholders = placeholders(tc, batch);
    at.setIteration(tc.getIterationCount());
    for (Listener l : active) {
      l.iterationStart(sd, at, batch, 0);
    }
    List<Listener> all = new ArrayList<>(given);
    for (Listener l : sd.getListeners()) {
      if (!all.contains(l)) {
        all.add(l);
      }
    }
    Map<String, GradientUpdater> updaters = sd.getUpdaterMap();
    if (clock != null) { // measurement: time the updaters and the listeners' own callbacks
      updaters = Timed.updaters(updaters, clock);
      all.replaceAll(l -> Timed.listener(l, clock));
    }
    try {
      session.trainingIteration(
          tc, placeholders, trainable, updaters, batch, sd.getLossVariables(), all, at);
    } catch (RuntimeException | Error e) {
      session = null; // its state is unknown: the next step starts a new one
      throw e;
    }
    tc.incrementIterationCount();
    FAST_STEPS.incrementAndGet();
    for (Listener l : active) {
      l.operationEnd(sd, Operation.TRAINING);
    }
  }

  private Set<String> trainableVariables() {
    Set<String> out = new LinkedHashSet<>();
    for (Variable v : sd.getVariables().values()) {
      if (v.getVariable().getVariableType() == VariableType.VARIABLE) {
        out.add(v.getName());
      }
    }
    return out;
  }

  private void checkListenerVariables(List<Listener> active) {
    for (Listener l : active) {
      ListenerVariables lv = l.requiredVariables(sd);
      if (lv == null) {
        continue;
      }
      for (Operation op : new Operation[] {Operation.TRAINING, Operation.TRAINING_VALIDATION}) {
        for (String s : lv.requiredVariables(op)) {
          if (!sd.hasVariable(s)) {
            throw new IllegalStateException(
                "listener " + l + " requested variable " + s + ", which is not in the graph");
          }
        }
      }
    }
  }

  /** The placeholders of a batch by the training config's feature, label and mask mappings. */
  private static Map<String, INDArray> placeholders(TrainingConfig tc, MultiDataSet ds) {
    List<String> features = tc.getDataSetFeatureMapping();
    List<String> labels = tc.getDataSetLabelMapping();
    int nLabels = labels == null ? 0 : labels.size();
    if (features.size() != ds.numFeatureArrays() || nLabels != ds.numLabelsArrays()) {
      throw new IllegalStateException(
          "the training config maps "
              + features.size()
              + " feature and "
              + nLabels
              + " label arrays, the batch has "
              + ds.numFeatureArrays()
              + " and "
              + ds.numLabelsArrays());
    }
    Map<String, INDArray> m = new HashMap<>();
    for (int i = 0; i < features.size(); i++) {
      m.put(features.get(i), ds.getFeatures(i));
    }
    for (int i = 0; i < nLabels; i++) {
      m.put(labels.get(i), ds.getLabels(i));
    }
    List<String> fm = tc.getDataSetFeatureMaskMapping();
    if (fm != null) {
      for (int i = 0; i < fm.size(); i++) {
        if (fm.get(i) != null) {
          m.put(fm.get(i), ds.getFeaturesMaskArray(i));
        }
      }
    }
    List<String> lm = tc.getDataSetLabelMaskMapping();
    if (lm != null) {
      for (int i = 0; i < lm.size(); i++) {
        if (lm.get(i) != null) {
          m.put(lm.get(i), ds.getLabelsMaskArray(i));
        }
      }
    }
    if (m.isEmpty()) {
      throw new IllegalStateException("no placeholder values in the batch");
    }
    return m;
  }
}
