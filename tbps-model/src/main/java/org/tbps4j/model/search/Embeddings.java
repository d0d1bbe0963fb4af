package org.tbps4j.model.search;

/**
 * Embeddings of a set of images or texts.
 *
 * @param global L2-normalised FLOAT {@code [N, D]}
 * @param sets L2-normalised FLOAT ESA sets {@code [N, M, D]}, or {@code null} when the model has no
 *     ESA head
 */
public record Embeddings(
    org.nd4j.linalg.api.ndarray.INDArray global, org.nd4j.linalg.api.ndarray.INDArray sets) {

  /**
   * Number of embedded items.
   *
   * @return {@code N}
   */
  public int size() {
    return (int) global.rows();
  }

  /**
   * Whether ESA sets are present.
   *
   * @return {@code sets != null}
   */
  public boolean hasSets() {
    return sets != null;
  }
}
