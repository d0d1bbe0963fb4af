package org.tbps4j.model.layers;

import java.util.Arrays;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ops.impl.shape.Gather;

/**
 * {@code gather} with an exact gradient for the word lookup (docs/samediff-m2.1.md, note 2).
 *
 * <p><b>The bug.</b> M2.1's {@link Gather#doDiff} along axis 0 writes the incoming gradient rows
 * into a zero table with an indexed <em>assignment</em>: a row looked up twice receives one of its
 * two gradients instead of their sum, and other index orders come out wrong as well. A word table
 * trained through it learns slowly and wrongly, with no error.
 *
 * <p><b>The fix.</b> The gradient of {@code rows = table[ids]} with respect to a table {@code [V,
 * E]} is the sum, per id, of the gradient rows that looked it up: libnd4j's {@code
 * unsorted_segment_sum} of the gradient rows {@code [n, E]} over the flattened ids into {@code V}
 * segments, one op. {@link #install()} registers this class for {@code gather} (the same op name,
 * arguments and kernel; {@link OpRegistry}), so the copy SameDiff makes for the gradient graph and
 * a graph loaded from a file use it. Other cases (an axis other than 0, a table whose shape is not
 * known, indices given as an integer array instead of a variable) keep M2.1's gradient.
 *
 * <p>Cost: the forward is {@code n} row copies and the backward writes the {@code [V, E]} gradient
 * once, where the one-hot form multiplies {@code [n, V] × [V, E]} forward and twice backward
 * (docs/models.md, "Text path"). Pinned by {@code GradientCheckTest} (float64, every element of the
 * table, repeated ids) and {@code TrainableGatherTest}.
 */
public final class TrainableGather extends Gather {
  /** For deserialisation (the axis comes from the arguments, {@link #configureFromArguments}). */
  public TrainableGather() {}

  /**
   * Registers this class for the {@code gather} op (idempotent, thread-safe). Called before a graph
   * with a trained lookup is built and by model loading.
   *
   * @throws IllegalStateException if the registry of this ND4J version has another layout
   */
  public static void install() {
    OpRegistry.installOnce(
        Gather.class,
        TrainableGather.class,
        "gather is not registered in ND4J's op class registry: the gather-gradient fix does not"
            + " apply to this ND4J version (docs/samediff-m2.1.md, note 2)");
  }

  @Override
  public List<SDVariable> doDiff(List<SDVariable> gradients) {
    SDVariable[] in = args();
    long[] shape = in.length == 2 ? in[0].getShape() : null;
    if (jaxis != 0 || shape == null || shape.length != 2 || shape[0] <= 0 || shape[1] <= 0) {
      return super.doDiff(gradients);
    }
    SDVariable rows = sameDiff.reshape(gradients.get(0), -1, shape[1]); // [n, E]
    SDVariable ids = sameDiff.reshape(in[1], -1); // [n]
    SDVariable table = sameDiff.unsortedSegmentSum(rows, ids, Math.toIntExact(shape[0]));
    return Arrays.asList(table, sameDiff.zerosLike(in[1]));
  }
}
