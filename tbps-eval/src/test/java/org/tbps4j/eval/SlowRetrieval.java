package org.tbps4j.eval;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The obviously-correct twin of {@link Retrieval}: a full sort of every row, then the definitions
 * of docs/metrics.md read off the sorted list. Kept in the tests only, for differential testing.
 */
final class SlowRetrieval {
  private SlowRetrieval() {}

  /** Gallery indices of one row in rank order: score descending, index ascending. */
  static Integer[] order(double[] row) {
    Integer[] idx = new Integer[row.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(
        idx, Comparator.<Integer>comparingDouble(i -> -row[i]).thenComparingInt(Integer::intValue));
    return idx;
  }

  /** Returns {R@1, R@5, R@10, mAP, mINP, queries, skipped}. */
  static double[] evaluate(double[][] s, long[] qIds, long[] gIds) {
    double r1 = 0, r5 = 0, r10 = 0, ap = 0, inp = 0;
    int queries = 0, skipped = 0;
    for (int q = 0; q < s.length; q++) {
      Integer[] order = order(s[q]);
      int found = 0;
      int first = 0;
      int last = 0;
      double sumPrecision = 0;
      int relevantTotal = 0;
      for (long id : gIds) {
        if (id == qIds[q]) {
          relevantTotal++;
        }
      }
      if (relevantTotal == 0) {
        skipped++;
        continue;
      }
      for (int pos = 0; pos < order.length; pos++) {
        if (gIds[order[pos]] == qIds[q]) {
          found++;
          int rank = pos + 1;
          if (found == 1) {
            first = rank;
          }
          last = rank;
          sumPrecision += (double) found / rank;
        }
      }
      queries++;
      r1 += first <= 1 ? 1 : 0;
      r5 += first <= 5 ? 1 : 0;
      r10 += first <= 10 ? 1 : 0;
      ap += sumPrecision / relevantTotal;
      inp += (double) relevantTotal / last;
    }
    return new double[] {
      r1 / queries, r5 / queries, r10 / queries, ap / queries, inp / queries, queries, skipped
    };
  }
}
