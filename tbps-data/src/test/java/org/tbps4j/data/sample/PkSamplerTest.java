package org.tbps4j.data.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PkSamplerTest {

  /** Random label sets: 2..30 identities, 1..9 samples each, labels shuffled and sparse. */
  private static int[] randomLabels(Random rnd) {
    int ids = 2 + rnd.nextInt(29);
    int[] counts = new int[ids];
    int n = 0;
    for (int i = 0; i < ids; i++) {
      counts[i] = 1 + rnd.nextInt(9);
      n += counts[i];
    }
    int[] labels = new int[n];
    for (int i = 0, o = 0; i < ids; i++) {
      for (int c = 0; c < counts[i]; c++) {
        labels[o++] = 3 * i + 1; // sparse labels
      }
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = labels[i];
      labels[i] = labels[j];
      labels[j] = t;
    }
    return labels;
  }

  @Test
  void everyBatchHasPDistinctIdentitiesWithKSamplesEach() {
    Random rnd = new Random(42);
    for (int trial = 0; trial < 200; trial++) {
      int[] labels = randomLabels(rnd);
      int ids = (int) java.util.Arrays.stream(labels).distinct().count();
      int p = 2 + rnd.nextInt(ids - 1);
      int k = 1 + rnd.nextInt(5);
      PkSampler s = new PkSampler(labels, p, k, trial);
      for (int epoch = 0; epoch < 2; epoch++) {
        List<int[]> batches = s.epoch(epoch);
        Set<Integer> seenSamples = new HashSet<>();
        Set<Integer> seenIds = new HashSet<>();
        for (int[] b : batches) {
          assertEquals(p * k, b.length);
          Set<Integer> inBatch = new HashSet<>();
          for (int g = 0; g < p; g++) {
            int label = labels[b[g * k]];
            assertTrue(inBatch.add(label), "identity twice in a batch");
            for (int t = 0; t < k; t++) {
              assertEquals(label, labels[b[g * k + t]], "group of one identity");
              seenSamples.add(b[g * k + t]);
            }
            seenIds.add(label);
          }
        }
        assertEquals(ids, seenIds.size(), "every identity visited in an epoch");
        assertEquals(labels.length, seenSamples.size(), "every sample visited in an epoch");
        // no more batches than needed: at most one batch per group, plus nothing extra
        int groups = 0;
        for (int l : java.util.Arrays.stream(labels).distinct().toArray()) {
          int c = (int) java.util.Arrays.stream(labels).filter(x -> x == l).count();
          groups += (c + k - 1) / k;
        }
        assertTrue(batches.size() >= (groups + p - 1) / p && batches.size() <= groups);
      }
    }
  }

  @Test
  void groupsDoNotRepeatASampleWhenTheIdentityHasEnough() {
    int[] labels = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2}; // 5 each, K = 3: 2 groups each
    PkSampler s = new PkSampler(labels, 3, 3, 9);
    for (int[] b : s.epoch(0)) {
      for (int g = 0; g < 3; g++) {
        Set<Integer> group = new HashSet<>();
        for (int t = 0; t < 3; t++) {
          group.add(b[g * 3 + t]);
        }
        assertEquals(3, group.size());
      }
    }
  }

  @Test
  void sameSeedAndEpochGiveTheSamePlanOthersDiffer() {
    int[] labels = randomLabels(new Random(5));
    PkSampler a = new PkSampler(labels, 2, 2, 77);
    PkSampler b = new PkSampler(labels, 2, 2, 77);
    PkSampler c = new PkSampler(labels, 2, 2, 78);
    List<int[]> a0 = a.epoch(0);
    List<int[]> b0 = b.epoch(0);
    assertEquals(a0.size(), b0.size());
    for (int i = 0; i < a0.size(); i++) {
      assertArrayEquals(a0.get(i), b0.get(i));
    }
    assertFalse(sameFirst(a0, a.epoch(1)));
    assertFalse(sameFirst(a0, c.epoch(0)));
  }

  private static boolean sameFirst(List<int[]> x, List<int[]> y) {
    return java.util.Arrays.equals(x.get(0), y.get(0))
        && java.util.Arrays.equals(x.get(1), y.get(1));
  }

  @Test
  void impossiblePOrKIsRejectedWithTheReason() {
    int[] labels = {0, 0, 1, 1, 2};
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new PkSampler(labels, 1, 2, 0));
    assertEquals(
        "P (identities per batch) must be >= 2: the ranking losses need negatives in the batch;"
            + " got P=1",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new PkSampler(labels, 4, 2, 0));
    assertEquals(
        "P=4 identities per batch, but the training data has only 3 identities (choose P <= 3)",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new PkSampler(labels, 2, 0, 0));
    assertEquals("K (samples per identity) must be >= 1, got K=0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new PkSampler(new int[0], 2, 2, 0));
    assertThrows(IllegalArgumentException.class, () -> new PkSampler(new int[] {0, -1}, 2, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new PkSampler(labels, 2, 2, 0).epoch(-1));
  }

  @Test
  void seedsMixPositionsIndependently() {
    assertEquals(Seeds.mix(1, 2, 3), Seeds.mix(1, 2, 3));
    Set<Long> distinct = new HashSet<>();
    for (int a = 0; a < 20; a++) {
      for (int b = 0; b < 20; b++) {
        distinct.add(Seeds.mix(7, a, b));
      }
    }
    assertEquals(400, distinct.size());
    assertTrue(Seeds.mix(1, 2, 3) != Seeds.mix(1, 3, 2));
  }
}
