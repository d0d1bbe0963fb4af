package org.tbps4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RankingTest {

  /** A row of 15 scores in which gallery items 7, 3 and 11 are relevant at ranks 2, 5 and 12. */
  static double[] handRankedRow() {
    // gallery items in rank order; 7 is 2nd, 3 is 5th, 11 is 12th
    double[] s = new double[15];
    int[] rankOrder = {0, 7, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14};
    // gallery item rankOrder[p] gets score 100 - p
    for (int p = 0; p < rankOrder.length; p++) {
      s[rankOrder[p]] = 100 - p;
    }
    return s;
  }

  @Test
  void handRankedCaseGivesTheProtocolValues() {
    double[] s = handRankedRow();
    // item 7 at rank 2, item 3 at rank 5, item 11 at rank 12
    int[] ranks = Ranking.relevantRanks(s, new int[] {3, 7, 11});
    assertArrayEquals(new int[] {2, 5, 12}, ranks);
    assertEquals(0.383333, RetrievalMetrics.averagePrecision(ranks), 1e-6);
    RetrievalMetrics.Accumulator acc = new RetrievalMetrics.Accumulator();
    acc.add(ranks);
    RetrievalMetrics m = acc.result();
    assertEquals(0.0, m.recallAt1());
    assertEquals(1.0, m.recallAt5());
    assertEquals(1.0, m.recallAt10());
    assertEquals(0.383333, m.meanAveragePrecision(), 1e-6);
    assertEquals(0.25, m.meanInversePenalty(), 1e-12);
  }

  @Test
  void tiesAreBrokenByGalleryIndex() {
    double[] s = {0.5, 0.5, 0.5, 0.9};
    // order: 3, 0, 1, 2
    assertArrayEquals(new int[] {2}, Ranking.relevantRanks(s, new int[] {0}));
    assertArrayEquals(new int[] {4}, Ranking.relevantRanks(s, new int[] {2}));
    assertArrayEquals(new int[] {3, 4}, Ranking.relevantRanks(s, new int[] {1, 2}));
    assertArrayEquals(new int[] {3, 0, 1}, Ranking.topK(s, 3));
  }

  @Test
  void allEqualScoresRankByIndex() {
    double[] s = new double[20];
    assertArrayEquals(new int[] {6, 20}, Ranking.relevantRanks(s, new int[] {5, 19}));
    assertArrayEquals(new int[] {0, 1, 2}, Ranking.topK(s, 3));
  }

  @Test
  void relevantAtTheTopHasRankOne() {
    double[] s = {0.1, 0.9, 0.8, 0.2};
    assertArrayEquals(new int[] {1, 2}, Ranking.relevantRanks(s, new int[] {1, 2}));
  }

  @Test
  void noRelevantItemsGivesNoRanks() {
    assertEquals(0, Ranking.relevantRanks(new double[] {1, 2}, new int[0]).length);
  }

  @Test
  void nanIsRejectedWithItsIndex() {
    double[] s = {0.1, Double.NaN, 0.3};
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Ranking.relevantRanks(s, new int[] {0}));
    assertTrue(e.getMessage().contains("gallery index 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Ranking.topK(s, 2));
    assertTrue(e.getMessage().contains("gallery index 1"), e.getMessage());
  }

  @Test
  void unsortedRelevantIndicesAreRejected() {
    double[] s = {0.1, 0.2, 0.3};
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Ranking.relevantRanks(s, new int[] {2, 1}));
    assertTrue(e.getMessage().contains("strictly ascending"), e.getMessage());
  }

  @Test
  void topKMatchesAFullSortOnRandomRowsWithTies() {
    Random rnd = new Random(7);
    for (int trial = 0; trial < 200; trial++) {
      int g = 1 + rnd.nextInt(60);
      double[] s = new double[g];
      for (int i = 0; i < g; i++) {
        s[i] = rnd.nextInt(trial % 2 == 0 ? 5 : 1_000_000); // many ties on even trials
      }
      int k = rnd.nextInt(g + 3);
      Integer[] order = SlowRetrieval.order(s);
      int[] expected =
          Arrays.stream(order).limit(Math.min(k, g)).mapToInt(Integer::intValue).toArray();
      assertArrayEquals(expected, Ranking.topK(s, k), "trial " + trial);
    }
  }
}
