package org.tbps4j.model.exec;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.autodiff.listeners.ListenerResponse;
import org.nd4j.autodiff.listeners.ListenerVariables;
import org.nd4j.autodiff.listeners.Loss;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.listeners.records.LossCurve;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.Variable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;

/** Timing wrappers of updaters and listeners for a {@link SectionClock} (measurement only). */
final class Timed {
  private Timed() {}

  /**
   * The updaters, each timed into {@link SectionClock.Section#UPDATER}.
   *
   * @param updaters by parameter name
   * @param clock the clock
   * @return a new map of wrappers
   */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static Map<String, GradientUpdater> updaters(
      Map<String, GradientUpdater> updaters, SectionClock clock) {
    Map<String, GradientUpdater> out = new LinkedHashMap<>();
    updaters.forEach((k, u) -> out.put(k, new TimedUpdater(u, clock)));
    return out;
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private record TimedUpdater(GradientUpdater inner, SectionClock clock)
      implements GradientUpdater<IUpdater> {
    @Override
    public IUpdater getConfig() {
      return inner.getConfig();
    }

    @Override
    public void setState(Map<String, INDArray> stateMap, boolean initialize) {
      inner.setState(stateMap, initialize);
    }

    @Override
    public Map<String, INDArray> getState() {
      return inner.getState();
    }

    @Override
    public void setStateViewArray(
        INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
      inner.setStateViewArray(viewArray, gradientShape, gradientOrder, initialize);
    }

    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
      long t0 = SectionClock.now(clock);
      inner.applyUpdater(gradient, iteration, epoch);
      SectionClock.add(clock, SectionClock.Section.UPDATER, t0);
    }
  }

  /**
   * A listener whose callbacks are timed into {@link SectionClock.Section#LISTENERS}.
   *
   * @param l the listener
   * @param clock the clock
   * @return the wrapper
   */
  static Listener listener(Listener l, SectionClock clock) {
    return new TimedListener(l, clock);
  }

  private record TimedListener(Listener l, SectionClock clock) implements Listener {
    private long start() {
      return SectionClock.now(clock);
    }

    private void stop(long t0) {
      SectionClock.add(clock, SectionClock.Section.LISTENERS, t0);
    }

    @Override
    public ListenerVariables requiredVariables(SameDiff sd) {
      return l.requiredVariables(sd);
    }

    @Override
    public boolean isActive(Operation operation) {
      return l.isActive(operation);
    }

    @Override
    public void epochStart(SameDiff sd, At at) {
      l.epochStart(sd, at);
    }

    @Override
    public ListenerResponse epochEnd(SameDiff sd, At at, LossCurve lossCurve, long ms) {
      return l.epochEnd(sd, at, lossCurve, ms);
    }

    @Override
    public ListenerResponse validationDone(SameDiff sd, At at, long ms) {
      return l.validationDone(sd, at, ms);
    }

    @Override
    public void iterationStart(SameDiff sd, At at, MultiDataSet data, long etlTimeMs) {
      l.iterationStart(sd, at, data, etlTimeMs);
    }

    @Override
    public void iterationDone(SameDiff sd, At at, MultiDataSet dataSet, Loss loss) {
      l.iterationDone(sd, at, dataSet, loss);
    }

    @Override
    public void operationStart(SameDiff sd, Operation op) {
      l.operationStart(sd, op);
    }

    @Override
    public void operationEnd(SameDiff sd, Operation op) {
      l.operationEnd(sd, op);
    }

    @Override
    public void preOpExecution(SameDiff sd, At at, SameDiffOp op, OpContext opContext) {
      long t0 = start();
      l.preOpExecution(sd, at, op, opContext);
      stop(t0);
    }

    @Override
    public void opExecution(
        SameDiff sd,
        At at,
        MultiDataSet batch,
        SameDiffOp op,
        OpContext opContext,
        INDArray[] outputs) {
      long t0 = start();
      l.opExecution(sd, at, batch, op, opContext, outputs);
      stop(t0);
    }

    @Override
    public void activationAvailable(
        SameDiff sd,
        At at,
        MultiDataSet batch,
        SameDiffOp op,
        String varName,
        INDArray activation) {
      long t0 = start();
      l.activationAvailable(sd, at, batch, op, varName, activation);
      stop(t0);
    }

    @Override
    public void preUpdate(SameDiff sd, At at, Variable v, INDArray update) {
      long t0 = start();
      l.preUpdate(sd, at, v, update);
      stop(t0);
    }
  }
}
