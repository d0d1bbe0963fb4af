package org.tbps4j.model.layers;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.layers.convolution.BatchNorm;
import org.nd4j.linalg.api.ops.impl.layers.convolution.BatchNormDerivative;
import org.nd4j.linalg.api.ops.impl.reduce.Moments;

/**
 * Makes libnd4j's fused {@code batchnorm} / {@code batchnorm_bp} ops trainable in SameDiff M2.1
 * (docs/samediff-m2.1.md, note 1).
 *
 * <p><b>The bug.</b> SameDiff copies every op into the gradient graph by serialising it to
 * FlatBuffers and back ({@code FlatBuffersMapper.cloneViaSerialize}). The copy of a {@link
 * BatchNorm} gets its integer arguments back ({@code [applyGamma, applyBeta, axis…]}) but not its
 * Java field {@code jaxis}, which {@link BatchNorm#doDiff} passes to the derivative's constructor:
 * "Invalid axis argument … Got null". Two more defects sit behind it: the derivative op inherits
 * {@code calculateOutputDataTypes}, which accepts at most five inputs while the backward op has
 * six, and it declares three outputs where it computes five (the gradients of input, mean,
 * variance, gamma, beta), so the gamma and beta gradients never reach the updater.
 *
 * <p><b>The fix, from our code.</b> The copy is instantiated from the class that {@code
 * DifferentialFunctionClassHolder} registers ({@link OpRegistry}) for the op's hash. {@link
 * #install()} registers {@link TrainableBatchNorm} there instead of {@link BatchNorm}: the same op
 * ({@code batchnorm}, same arguments, same native kernel) whose {@code configureFromArguments}
 * restores every field from the serialised arguments and whose {@code doDiff} builds a {@link
 * TrainableBatchNormBp} with the right input types and output count. Graphs loaded from a file get
 * the same class, so a saved model trains on after loading. Nothing else in SameDiff changes.
 *
 * <p><b>What the backward computes.</b> {@code batchnorm_bp} treats the {@code mean} and {@code
 * variance} inputs as the batch statistics of {@code input} and returns the complete gradient with
 * respect to the input (through the statistics as well) and zero gradients for mean and variance.
 * So the training pass feeds it the batch mean and variance computed by ordinary reduction ops, and
 * the zero gradients that flow back through those reductions add nothing. {@code
 * FusedBatchNormTest} checks outputs and gradients against the composed form in float64 and
 * float32.
 *
 * <p><b>The statistics in one op.</b> Those zero gradients still cost ops: the batch mean and the
 * variance {@code mean((x − mean)²)} take five forward ops and about ten backward ops per layer,
 * all multiplying zeros. {@link BatchMoments} computes both statistics with libnd4j's {@code
 * moments} op (one op) and, when its outputs feed only fused batch-norms as their mean and variance
 * of the same input, declares the gradient it passes back as zero (one op), which is exactly what
 * the chain computed. Used anywhere else it differentiates as M2.1's {@link Moments} does. {@link
 * #install()} registers it for {@code moments} the same way.
 */
public final class FusedBatchNorm {
  private FusedBatchNorm() {}

  /**
   * Registers {@link TrainableBatchNorm} for the {@code batchnorm} op and {@link BatchMoments} for
   * {@code moments} (idempotent, thread-safe). Called by {@link Layers} before a graph with a fused
   * batch-norm is built and by model loading.
   *
   * @throws IllegalStateException if the registry of this ND4J version has another layout
   */
  public static void install() {
    OpRegistry.installOnce(
        BatchNorm.class,
        TrainableBatchNorm.class,
        "batchnorm is not registered in ND4J's op class registry: the fused batch-norm fix"
            + " does not apply to this ND4J version (docs/samediff-m2.1.md, note 1)");
    OpRegistry.installOnce(Moments.class, BatchMoments.class, null); // not checked, as before
  }

  private static void setField(Object target, String name, Object value) {
    try {
      Field f = BatchNorm.class.getDeclaredField(name);
      f.setAccessible(true);
      f.set(target, value);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("BatchNorm has no field '" + name + "'", e);
    }
  }

  /**
   * {@code batchnorm} whose fields survive serialisation and whose gradient is complete. Same op
   * name, arguments and kernel as {@link BatchNorm}.
   */
  public static final class TrainableBatchNorm extends BatchNorm {
    /** For deserialisation (fields come from the arguments, {@link #configureFromArguments}). */
    public TrainableBatchNorm() {}

    /**
     * A batch-norm op in a graph.
     *
     * @param sd the graph
     * @param input {@code [N, C, …]}
     * @param mean {@code [C]}
     * @param variance {@code [C]}
     * @param gamma {@code [C]}
     * @param beta {@code [C]}
     * @param epsilon added to the variance
     * @param axis the channel axis
     */
    public TrainableBatchNorm(
        SameDiff sd,
        SDVariable input,
        SDVariable mean,
        SDVariable variance,
        SDVariable gamma,
        SDVariable beta,
        double epsilon,
        int axis) {
      super(sd, input, mean, variance, gamma, beta, epsilon, new int[] {axis});
    }

    @Override
    public void configureFromArguments() {
      long[] i = iArgs();
      setField(this, "applyGamma", i.length > 0 && i[0] != 0);
      setField(this, "applyBeta", i.length > 1 && i[1] != 0);
      int[] axis = new int[Math.max(0, i.length - 2)];
      for (int k = 0; k < axis.length; k++) {
        axis[k] = Math.toIntExact(i[k + 2]);
      }
      setField(this, "jaxis", axis.length == 0 ? null : axis);
      double[] t = tArgs();
      setField(this, "epsilon", t.length > 0 ? t[0] : 1e-5);
    }

    @Override
    public void setPropertiesForFunction(Map<String, Object> properties) {
      // everything is restored from the op's arguments (configureFromArguments)
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> gradients) {
      List<SDVariable> in = new ArrayList<>(Arrays.asList(args()));
      in.add(gradients.get(0));
      TrainableBatchNormBp bp =
          new TrainableBatchNormBp(
              sameDiff,
              in.toArray(new SDVariable[0]),
              isApplyGamma(),
              isApplyBeta(),
              getEpsilon(),
              getJaxis());
      return Arrays.asList(bp.outputVariables());
    }
  }

  /**
   * {@code batchnorm_bp} with its real input types and all of its outputs: the gradients of input,
   * mean, variance and, when applied, gamma and beta.
   */
  public static final class TrainableBatchNormBp extends BatchNormDerivative {
    /** For deserialisation. */
    public TrainableBatchNormBp() {}

    TrainableBatchNormBp(
        SameDiff sd,
        SDVariable[] inputs,
        boolean applyGamma,
        boolean applyBeta,
        double epsilon,
        int[] axis) {
      super(sd, inputs, null, null, false, applyGamma, applyBeta, epsilon, axis);
    }

    @Override
    public int getNumOutputs() {
      return 3 + (isApplyGamma() ? 1 : 0) + (isApplyBeta() ? 1 : 0);
    }

    @Override
    public List<DataType> calculateOutputDataTypes(List<DataType> inputTypes) {
      List<DataType> out = new ArrayList<>();
      for (int i = 0; i < getNumOutputs(); i++) {
        out.add(inputTypes.get(0));
      }
      return out;
    }
  }

  /**
   * {@code moments} (mean and biased variance over axes) whose backward knows when it feeds fused
   * batch-norms: then {@code batchnorm_bp} has already returned the complete input gradient
   * (through the statistics) and zero gradients for them, so this op passes back zeros without
   * differentiating them. Otherwise its gradient is {@link Moments}'s.
   */
  public static final class BatchMoments extends Moments {
    /** For deserialisation. */
    public BatchMoments() {}

    /**
     * Batch statistics of an activation.
     *
     * @param sd the graph
     * @param input the activation
     * @param axes the reduced axes (all but the channel axis)
     */
    public BatchMoments(SameDiff sd, SDVariable input, int... axes) {
      super(sd, input, axes, false);
    }

    @Override
    public void setPropertiesForFunction(Map<String, Object> properties) {
      // the axes and keepDims travel in the op's arguments, which the kernel and doDiff read
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> gradients) {
      if (feedsOnlyBatchNormsOfItsInput()) {
        return List.of(sameDiff.zerosLike(arg()));
      }
      return super.doDiff(gradients);
    }

    /** Whether output 0 is only a mean and output 1 only a variance of batch-norms of arg(). */
    private boolean feedsOnlyBatchNormsOfItsInput() {
      String in = arg().name();
      String[] outs = sameDiff.getOutputsForOp(this);
      if (outs == null || outs.length != 2) {
        return false;
      }
      for (int k = 0; k < 2; k++) {
        List<String> users = sameDiff.getVariables().get(outs[k]).getInputsForOp();
        if (users == null || users.isEmpty()) {
          return false;
        }
        for (String opName : users) {
          var op = sameDiff.getOps().get(opName);
          if (op == null || !(op.getOp() instanceof BatchNorm)) {
            return false;
          }
          List<String> ins = op.getInputsToOp();
          if (ins.size() < 3 || !ins.get(0).equals(in) || !ins.get(1 + k).equals(outs[k])) {
            return false;
          }
        }
      }
      return true;
    }
  }
}
