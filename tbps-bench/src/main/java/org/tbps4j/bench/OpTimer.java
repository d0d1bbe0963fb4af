package org.tbps4j.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Wall time per op type of the SameDiff executions it listens to (a profile of where a training
 * step's time goes): the time from {@code preOpExecution} to {@code opExecution} of each op, summed
 * by op type ({@code conv2d}, {@code conv2d_bp}, {@code matmul}, {@code add}, ...). Ops run one at
 * a time in SameDiff M2.1, so the sum is close to the step time; what is left is the executor's own
 * bookkeeping (reported by the caller as the difference to the step time).
 */
public final class OpTimer extends BaseListener {
  private final Operation operation;
  private final Map<String, long[]> byType = new LinkedHashMap<>();
  private long started;

  /**
   * A timer for one kind of execution.
   *
   * @param operation {@code TRAINING} for {@code fit}, {@code INFERENCE} for {@code output}
   */
  public OpTimer(Operation operation) {
    this.operation = operation;
  }

  /**
   * Time and count of one op type.
   *
   * @param type the op name
   * @param seconds summed wall time
   * @param calls number of executions
   */
  public record Entry(String type, double seconds, long calls) {}

  /**
   * The op types by descending total time.
   *
   * @return one entry per op type
   */
  public List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    byType.forEach((k, v) -> out.add(new Entry(k, v[0] / 1e9, v[1])));
    out.sort(Comparator.comparingDouble(Entry::seconds).reversed());
    return out;
  }

  /**
   * Total time of all ops.
   *
   * @return seconds
   */
  public double totalSeconds() {
    long sum = 0;
    for (long[] v : byType.values()) {
      sum += v[0];
    }
    return sum / 1e9;
  }

  /** Forgets everything measured so far. */
  public void reset() {
    byType.clear();
  }

  @Override
  public boolean isActive(Operation op) {
    return op == operation;
  }

  @Override
  public void preOpExecution(SameDiff sd, At at, SameDiffOp op, OpContext opContext) {
    started = System.nanoTime();
  }

  @Override
  public void opExecution(
      SameDiff sd,
      At at,
      MultiDataSet batch,
      SameDiffOp op,
      OpContext opContext,
      INDArray[] outputs) {
    long t = System.nanoTime() - started;
    long[] v = byType.computeIfAbsent(op.getOp().opName(), k -> new long[2]);
    v[0] += t;
    v[1]++;
  }
}
