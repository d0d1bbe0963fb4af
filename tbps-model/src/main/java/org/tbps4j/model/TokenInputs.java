package org.tbps4j.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns a token-id matrix into the placeholders of the text path.
 *
 * <p><b>One-hot lookup</b> ({@code uniqueTokenCapacity = 0}): {@link GraphNames#TOKENS} as given;
 * the graph computes {@code oneHot(tokens)[N·L, V] × table[V, E]}, cost {@code O(N·L·V·E)}.
 *
 * <p><b>Two-step lookup</b> ({@code uniqueTokenCapacity = U > 0}): this class computes, in Java,
 * the batch's distinct ids sorted ascending and padded with 0 to length {@code U} ({@link
 * GraphNames#TOKEN_UNIQUE}) and every token's slot in that list ({@link GraphNames#TOKEN_SLOTS});
 * the graph computes {@code rows = oneHot(unique)[U, V] × table} and then {@code oneHot(slots)[N·L,
 * U] × rows}, cost {@code O(U·V·E + N·L·U·E)}. Both products are plain matrix products, so the
 * table's gradient is exact for repeated tokens (the stock gather gradient is wrong,
 * docs/samediff-m2.1.md, note 2). It pays off when {@code U ≪ V}, e.g. {@code V = 10,000}, batch 64
 * × 56 tokens, {@code U = 1,024}: about 3× fewer multiply-adds. A batch with more than {@code U}
 * distinct ids is rejected.
 */
public final class TokenInputs {
  private TokenInputs() {}

  /**
   * Validates token ids and builds the text placeholders.
   *
   * @param tokens token ids {@code [N, L]} (any integer type)
   * @param config the model config ({@code L}, {@code V}, lookup variant)
   * @return placeholder name → INT array
   * @throws IllegalArgumentException on a wrong shape, a non-integer type, an id outside {@code [0,
   *     V)} (the message gives row, column and value) or too many distinct ids for the two-step
   *     lookup
   */
  public static Map<String, INDArray> of(INDArray tokens, ModelConfig config) {
    if (tokens.rank() != 2 || tokens.columns() != config.maxLength()) {
      throw new IllegalArgumentException(
          "tokens must be [N, "
              + config.maxLength()
              + "] (maxLength), got "
              + Arrays.toString(tokens.shape()));
    }
    if (!tokens.dataType().isIntType()) {
      throw new IllegalArgumentException(
          "tokens must have an integer type, got " + tokens.dataType());
    }
    int n = (int) tokens.rows();
    int len = config.maxLength();
    int[] ids = tokens.castTo(DataType.INT).dup('c').data().asInt();
    int v = config.vocabularySize();
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= v) {
        throw new IllegalArgumentException(
            "token id "
                + ids[i]
                + " at row "
                + (i / len)
                + ", column "
                + (i % len)
                + " is outside the vocabulary [0, "
                + v
                + ")");
      }
    }
    Map<String, INDArray> out = new LinkedHashMap<>();
    int u = config.uniqueTokenCapacity();
    if (u == 0) {
      out.put(GraphNames.TOKENS, Nd4j.createFromArray(ids).reshape(n, len));
      return out;
    }
    int[] distinct = Arrays.stream(ids).distinct().sorted().toArray();
    if (distinct.length > u) {
      throw new IllegalArgumentException(
          "the batch has "
              + distinct.length
              + " distinct token ids but uniqueTokenCapacity is "
              + u
              + " (raise uniqueTokenCapacity or use smaller batches)");
    }
    int[] unique = Arrays.copyOf(distinct, u); // padded with 0 (PAD)
    int[] slots = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      slots[i] = Arrays.binarySearch(distinct, ids[i]);
    }
    out.put(GraphNames.TOKEN_UNIQUE, Nd4j.createFromArray(unique));
    out.put(GraphNames.TOKEN_SLOTS, Nd4j.createFromArray(slots).reshape(n, len));
    return out;
  }

  /**
   * The names of the text placeholders of a config, in the order {@link #of} returns them.
   *
   * @param config the model config
   * @return {@code [tokens]} or {@code [tokens/unique, tokens/slots]}
   */
  public static String[] names(ModelConfig config) {
    return config.uniqueTokenCapacity() == 0
        ? new String[] {GraphNames.TOKENS}
        : new String[] {GraphNames.TOKEN_UNIQUE, GraphNames.TOKEN_SLOTS};
  }
}
