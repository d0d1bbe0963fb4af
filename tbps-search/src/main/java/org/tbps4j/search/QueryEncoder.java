package org.tbps4j.search;

import java.util.List;

/**
 * Turns text queries into L2-normalised vectors (a model's text path, or a fixed table in tests).
 */
public interface QueryEncoder {
  /**
   * Embedding dimension.
   *
   * @return D
   */
  int dim();

  /**
   * Embeds queries. Safe to call from several threads.
   *
   * @param texts the queries
   * @return one unit vector per query, {@code [n][D]}
   */
  float[][] encode(List<String> texts);
}
