package org.tbps4j.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Text-to-image retrieval metrics averaged over the queries that have at least one relevant gallery
 * item. All rates are fractions in {@code [0, 1]}; {@link #asPercentMap()} gives the conventional
 * percentages.
 *
 * @param recallAt1 fraction of queries whose best relevant item is at rank 1
 * @param recallAt5 fraction of queries whose best relevant item is at rank ≤ 5
 * @param recallAt10 fraction of queries whose best relevant item is at rank ≤ 10
 * @param meanAveragePrecision mean of {@code AP = (1/R) Σ_k k / r_k}
 * @param meanInversePenalty mean of {@code INP = R / r_R} (mINP)
 * @param queries number of queries scored
 * @param skippedQueries number of queries left out because no gallery item is relevant
 */
public record RetrievalMetrics(
    double recallAt1,
    double recallAt5,
    double recallAt10,
    double meanAveragePrecision,
    double meanInversePenalty,
    int queries,
    int skippedQueries) {

  /** JSON/report keys, in output order. */
  public static final String R1 = "R@1", R5 = "R@5", R10 = "R@10", MAP = "mAP", MINP = "mINP";

  /**
   * Returns the metrics as percentages (0–100) under the keys {@code R@1}, {@code R@5}, {@code
   * R@10}, {@code mAP}, {@code mINP}, plus {@code queries} and {@code skipped_queries}.
   *
   * @return an insertion-ordered map, ready to be written as JSON
   */
  public Map<String, Object> asPercentMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(R1, 100.0 * recallAt1);
    m.put(R5, 100.0 * recallAt5);
    m.put(R10, 100.0 * recallAt10);
    m.put(MAP, 100.0 * meanAveragePrecision);
    m.put(MINP, 100.0 * meanInversePenalty);
    m.put("queries", queries);
    m.put("skipped_queries", skippedQueries);
    return m;
  }

  /**
   * Formats the metrics as a small aligned text table (percentages with two decimals).
   *
   * @return a multi-line table
   */
  public String toTable() {
    return String.format(
        "R@1     %6.2f%nR@5     %6.2f%nR@10    %6.2f%nmAP     %6.2f%nmINP    %6.2f%n"
            + "queries %d (skipped, no relevant item: %d)%n",
        100 * recallAt1,
        100 * recallAt5,
        100 * recallAt10,
        100 * meanAveragePrecision,
        100 * meanInversePenalty,
        queries,
        skippedQueries);
  }

  /**
   * Accumulates per-query results into {@link RetrievalMetrics}. Not thread-safe; combine
   * per-thread accumulators with {@link #merge}.
   */
  public static final class Accumulator {
    private long queries;
    private long skipped;
    private long hits1;
    private long hits5;
    private long hits10;
    private double sumAp;
    private double sumInp;

    /**
     * Adds one query from the ranks of its relevant items.
     *
     * @param ranks 1-based ranks, strictly ascending, as returned by {@link Ranking#relevantRanks};
     *     empty means the query has no relevant item and is counted as skipped
     */
    public void add(int[] ranks) {
      if (ranks.length == 0) {
        skipped++;
        return;
      }
      queries++;
      int first = ranks[0];
      if (first <= 1) {
        hits1++;
      }
      if (first <= 5) {
        hits5++;
      }
      if (first <= 10) {
        hits10++;
      }
      sumAp += averagePrecision(ranks);
      sumInp += (double) ranks.length / ranks[ranks.length - 1];
    }

    /**
     * Adds everything another accumulator has seen.
     *
     * @param other the accumulator to fold in; unchanged
     */
    public void merge(Accumulator other) {
      queries += other.queries;
      skipped += other.skipped;
      hits1 += other.hits1;
      hits5 += other.hits5;
      hits10 += other.hits10;
      sumAp += other.sumAp;
      sumInp += other.sumInp;
    }

    /**
     * Returns the metrics so far.
     *
     * @return the averaged metrics
     * @throws IllegalArgumentException if no query had a relevant gallery item (the metrics are
     *     undefined)
     */
    public RetrievalMetrics result() {
      if (queries == 0) {
        throw new IllegalArgumentException(
            "no query has a relevant gallery item ("
                + skipped
                + " queries, all skipped): check that query ids and gallery ids use the same"
                + " identities");
      }
      double q = queries;
      return new RetrievalMetrics(
          hits1 / q,
          hits5 / q,
          hits10 / q,
          sumAp / q,
          sumInp / q,
          Math.toIntExact(queries),
          Math.toIntExact(skipped));
    }
  }

  /**
   * Average precision of one query: {@code (1/R) Σ_k k / r_k}.
   *
   * @param ranks the 1-based ranks of the relevant items, strictly ascending, non-empty
   * @return AP in {@code (0, 1]}
   */
  public static double averagePrecision(int[] ranks) {
    double s = 0;
    for (int k = 0; k < ranks.length; k++) {
      s += (k + 1.0) / ranks[k];
    }
    return s / ranks.length;
  }
}
