package org.tbps4j.eval;

import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Metrics over a complete similarity matrix {@code S[Q, G]} (query × gallery), as pure functions.
 * For embeddings too large to hold {@code S}, use {@link ChunkedRetrieval}.
 */
public final class Retrieval {

  private Retrieval() {}

  /**
   * Scores a similarity matrix given as rows.
   *
   * @param similarity {@code Q} rows of {@code G} scores each (higher = more similar)
   * @param queryIds person id of each query, length {@code Q}
   * @param galleryIds person id of each gallery item, length {@code G}
   * @return the metrics over queries with at least one relevant item
   * @throws IllegalArgumentException on ragged rows, mismatched id counts, NaN scores, or when no
   *     query has a relevant item; the message names the row and column
   */
  public static RetrievalMetrics evaluate(
      double[][] similarity, long[] queryIds, long[] galleryIds) {
    checkCounts(similarity.length, queryIds.length, galleryIds.length);
    for (int q = 0; q < similarity.length; q++) {
      if (similarity[q] == null || similarity[q].length != galleryIds.length) {
        throw new IllegalArgumentException(
            "similarity row "
                + q
                + " has "
                + (similarity[q] == null ? 0 : similarity[q].length)
                + " columns, expected "
                + galleryIds.length
                + " (one per gallery id)");
      }
    }
    return evaluate((q, buf) -> similarity[q], similarity.length, queryIds, galleryIds);
  }

  /**
   * Scores a similarity matrix held in an ND4J array of any order and floating type.
   *
   * @param similarity a rank-2 array {@code [Q, G]}
   * @param queryIds person id of each query, length {@code Q}
   * @param galleryIds person id of each gallery item, length {@code G}
   * @return the metrics over queries with at least one relevant item
   * @throws IllegalArgumentException on shape/id mismatches, NaN scores, or no relevant item at all
   */
  public static RetrievalMetrics evaluate(INDArray similarity, long[] queryIds, long[] galleryIds) {
    if (similarity.rank() != 2) {
      throw new IllegalArgumentException(
          "similarity must be a 2-D [queries, gallery] array, got shape "
              + java.util.Arrays.toString(similarity.shape()));
    }
    checkCounts(similarity.rows(), queryIds.length, galleryIds.length);
    if (similarity.columns() != galleryIds.length) {
      throw new IllegalArgumentException(
          "similarity has "
              + similarity.columns()
              + " columns but there are "
              + galleryIds.length
              + " gallery ids");
    }
    StridedMatrix m = StridedMatrix.of(similarity);
    return evaluate(
        (q, buf) -> {
          m.copyRow(q, buf);
          return buf;
        },
        similarity.rows(),
        queryIds,
        galleryIds);
  }

  /** Row provider for the generic evaluation loop: returns row q, possibly filled into buf. */
  @FunctionalInterface
  interface Rows {
    double[] row(int q, double[] buf);
  }

  static RetrievalMetrics evaluate(Rows rows, int queryCount, long[] queryIds, long[] galleryIds) {
    RelevanceIndex index = new RelevanceIndex(galleryIds);
    int g = galleryIds.length;
    int[][] ranks = new int[queryCount][];
    ThreadLocal<double[]> buffers = ThreadLocal.withInitial(() -> new double[g]);
    IntStream.range(0, queryCount)
        .parallel()
        .forEach(
            q ->
                ranks[q] =
                    ranksOrExplain(rows.row(q, buffers.get()), index.relevant(queryIds[q]), q));
    RetrievalMetrics.Accumulator acc = new RetrievalMetrics.Accumulator();
    for (int[] r : ranks) {
      acc.add(r);
    }
    return acc.result();
  }

  static int[] ranksOrExplain(double[] row, int[] relevant, int q) {
    try {
      return Ranking.relevantRanks(row, relevant);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("query " + q + ": " + e.getMessage(), e);
    }
  }

  private static void checkCounts(long rows, int queries, int gallery) {
    if (rows != queries) {
      throw new IllegalArgumentException(
          "similarity has " + rows + " rows but there are " + queries + " query ids");
    }
    if (gallery == 0) {
      throw new IllegalArgumentException("the gallery is empty (no gallery ids)");
    }
  }
}
