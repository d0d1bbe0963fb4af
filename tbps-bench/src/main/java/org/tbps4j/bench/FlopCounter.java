package org.tbps4j.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Counts the floating-point operations of the dense ops a SameDiff execution actually runs, from
 * the shapes of their arrays: a listener attached to one {@code fit} step or one {@code output}
 * call.
 *
 * <p><b>What is counted</b> (one multiply-add = 2 FLOPs):
 *
 * <ul>
 *   <li>{@code conv2d}: {@code 2·N·C_out·H_out·W_out·kH·kW·C_in} (weights {@code
 *       [kH,kW,C_in,C_out]});
 *   <li>{@code conv2d_bp}: the input gradient and the weight gradient, each the forward count;
 *   <li>{@code matmul} (SameDiff's {@code mmul}, also batched): {@code 2·|Z|·K} for the output
 *       {@code Z} and the inner size {@code K};
 *   <li>{@code matmul_bp}: the gradients of both operands, each the forward count.
 * </ul>
 *
 * Element-wise ops, reductions, batch-norm, pooling, softmax and the optimiser update are not
 * counted (they are memory-bound and small in FLOPs). <b>Executed</b> FLOPs are everything the ops
 * above computed. <b>Model</b> FLOPs are what the network needs: they leave out the gradients
 * nobody needs (the input gradient of a convolution or matrix product whose operand is a
 * placeholder or a constant, e.g. the images at the stem, which SameDiff's backward ops compute
 * anyway) and every product with a one-hot operand (the word-embedding lookup written as {@code
 * oneHot × table} because of docs/samediff-m2.1.md, note 2: a gather, zero FLOPs in the model).
 * Model FLOPs / time is the achieved rate used for the MFU.
 */
public final class FlopCounter extends BaseListener {
  private final Operation operation;
  private final Map<String, Long> modelByOp = new LinkedHashMap<>();
  private final Map<String, Long> executedByOp = new LinkedHashMap<>();
  private long forward;
  private long backward;
  private long executed;
  private boolean enabled = true;

  /**
   * A counter for one kind of execution.
   *
   * @param operation {@code TRAINING} for {@code fit}, {@code INFERENCE} for {@code output}
   */
  public FlopCounter(Operation operation) {
    this.operation = operation;
  }

  /**
   * The counts so far.
   *
   * @param forward FLOPs of the forward ops ({@code conv2d}, {@code matmul})
   * @param backward model FLOPs of the backward ops (needed gradients only)
   * @param executed every FLOP of the counted ops, needed or not
   * @param modelByOp model FLOPs per op type
   * @param executedByOp executed FLOPs per op type
   */
  public record Counts(
      long forward,
      long backward,
      long executed,
      Map<String, Long> modelByOp,
      Map<String, Long> executedByOp) {
    /**
     * Forward plus backward model FLOPs.
     *
     * @return the model FLOPs
     */
    public long model() {
      return forward + backward;
    }
  }

  /**
   * The counts so far.
   *
   * @return forward, backward, executed and per-op-type totals
   */
  public Counts counts() {
    return new Counts(forward, backward, executed, Map.copyOf(modelByOp), Map.copyOf(executedByOp));
  }

  /**
   * Switches counting on or off (the listener stays attached).
   *
   * @param on whether to count
   */
  public void setEnabled(boolean on) {
    this.enabled = on;
  }

  @Override
  public boolean isActive(Operation op) {
    return op == operation;
  }

  @Override
  public void opExecution(
      SameDiff sd,
      At at,
      MultiDataSet batch,
      SameDiffOp op,
      OpContext opContext,
      INDArray[] outputs) {
    if (!enabled) {
      return;
    }
    String type = op.getOp().opName();
    List<String> inputNames = op.getInputsToOp();
    List<INDArray> in = opContext == null ? null : opContext.getInputArrays();
    if (in == null || in.isEmpty()) {
      return;
    }
    switch (type) {
      case "conv2d" -> {
        long f = convForward(in.get(1), outputs[0]);
        add(type, f, f);
        forward += f;
      }
      case "conv2d_bp" -> {
        long f = convForward(in.get(1), in.get(in.size() - 1));
        long model = f + (needsGradient(sd, inputNames.get(0)) ? f : 0);
        add(type, model, 2 * f);
        backward += model;
      }
      case "matmul" -> {
        long f = matmulForward(in.get(0), outputs[0], transposeA(opContext));
        long model = anyOneHot(sd, inputNames) ? 0 : f;
        add(type, model, f);
        forward += model;
      }
      case "matmul_bp" -> {
        long f = matmulForward(in.get(0), in.get(2), transposeA(opContext));
        long model =
            anyOneHot(sd, inputNames)
                ? 0
                : (needsGradient(sd, inputNames.get(0)) ? f : 0)
                    + (needsGradient(sd, inputNames.get(1)) ? f : 0);
        add(type, model, 2 * f);
        backward += model;
      }
      default -> {
        // not counted
      }
    }
  }

  private void add(String type, long model, long all) {
    modelByOp.merge(type, model, Long::sum);
    executedByOp.merge(type, all, Long::sum);
    executed += all;
  }

  /** 2·|out|·kH·kW·C_in for weights [kH, kW, C_in, C_out] and output [N, C_out, H, W]. */
  static long convForward(INDArray weights, INDArray output) {
    long[] w = weights.shape();
    return 2L * output.length() * w[0] * w[1] * w[2];
  }

  /** 2·|Z|·K, K the inner size of A (its last axis, or the one before when transposed). */
  static long matmulForward(INDArray a, INDArray z, boolean transposeA) {
    long[] s = a.shape();
    long k = s.length == 1 ? s[0] : transposeA ? s[s.length - 2] : s[s.length - 1];
    return 2L * z.length() * k;
  }

  private static boolean transposeA(OpContext c) {
    List<Long> i = c.getIArguments();
    return i != null && !i.isEmpty() && i.get(0) != 0;
  }

  /** False for placeholders and constants (nothing trainable behind them). */
  private static boolean needsGradient(SameDiff sd, String name) {
    if (!sd.hasVariable(name)) {
      return true;
    }
    VariableType t = sd.getVariable(name).getVariableType();
    return t != VariableType.PLACEHOLDER && t != VariableType.CONSTANT;
  }

  /** Whether one of the first two inputs is the output of a one-hot op. */
  private static boolean anyOneHot(SameDiff sd, List<String> inputNames) {
    for (int i = 0; i < Math.min(2, inputNames.size()); i++) {
      String name = inputNames.get(i);
      if (sd.hasVariable(name)) {
        var producer = sd.getVariableOutputOp(name);
        if (producer != null && "onehot".equals(producer.opName())) {
          return true;
        }
      }
    }
    return false;
  }
}
