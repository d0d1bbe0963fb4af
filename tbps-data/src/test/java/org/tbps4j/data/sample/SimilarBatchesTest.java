package org.tbps4j.data.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimilarBatchesTest {

  @Test
  void captionNeighboursRankByTfIdfCosine() {
    // ids 0 and 1 share "red shirt" and "blue"; 2 is a green shirt; 4 a green hat; 3 has none
    // tokens: 2 red, 3 shirt, 4 blue, 5 pants, 6 shorts, 7 green, 8 hat, 9 a (in every caption)
    int[] labels = {0, 0, 1, 2, 4};
    int[][] tokens = {
      {9, 2, 3, 4, 5, 0, 0}, {9, 2, 3, 1}, {9, 2, 3, 4, 6}, {9, 7, 3}, {9, 8, 7, 1}
    };
    int[][] near = CaptionNeighbours.of(labels, tokens, 2, 3);
    assertArrayEquals(new int[] {1, 2, 4}, near[0]);
    assertArrayEquals(new int[] {0, 2, 4}, near[1]);
    assertNull(near[3], "label 3 has no caption");
    // label 4 ("a hat green"): shares "green" only with 2; 0 and 1 tie at cosine 0 -> smaller label
    assertArrayEquals(new int[] {2, 0, 1}, near[4]);
    // hand computation for near[2]: idf = ln(4/df) ("a" is everywhere: weight 0); 2 = {green,
    // shirt}, 0 = {red x2, shirt x2, blue, pants}, 1 = {red, shirt, blue, shorts}, 4 = {hat, green}
    double idfShirt = Math.log(4.0 / 3);
    double idfRed = Math.log(4.0 / 2);
    double idfBlue = Math.log(4.0 / 2);
    double idfPants = Math.log(4.0);
    double idfShorts = Math.log(4.0);
    double idfGreen = Math.log(4.0 / 2);
    double n2 = Math.sqrt(idfGreen * idfGreen + idfShirt * idfShirt);
    double n0 =
        Math.sqrt(
            4 * idfRed * idfRed
                + 4 * idfShirt * idfShirt
                + idfBlue * idfBlue
                + idfPants * idfPants);
    double n1 =
        Math.sqrt(
            idfRed * idfRed + idfShirt * idfShirt + idfBlue * idfBlue + idfShorts * idfShorts);
    double cos20 = 2 * idfShirt * idfShirt / (n2 * n0);
    double cos21 = idfShirt * idfShirt / (n2 * n1);
    double idfHat = Math.log(4.0);
    double cos24 = idfGreen * idfGreen / (n2 * Math.sqrt(idfHat * idfHat + idfGreen * idfGreen));
    assertTrue(cos24 > cos20 && cos20 > cos21, cos24 + " " + cos20 + " " + cos21);
    assertArrayEquals(new int[] {4, 0, 1}, near[2]);
  }

  /** The obvious version: every pair's cosine from raw TF-IDF maps, a full sort per identity. */
  private static double[][] bruteCosines(int[] labels, int[][] tokens, int firstWordId, int ids) {
    List<Map<Integer, Double>> tf = new ArrayList<>();
    for (int l = 0; l < ids; l++) {
      tf.add(new HashMap<>());
    }
    for (int i = 0; i < labels.length; i++) {
      for (int t : tokens[i]) {
        if (t >= firstWordId) {
          tf.get(labels[i]).merge(t, 1.0, Double::sum);
        }
      }
    }
    Map<Integer, Integer> df = new HashMap<>();
    for (Map<Integer, Double> m : tf) {
      m.keySet().forEach(t -> df.merge(t, 1, Integer::sum));
    }
    double[][] cos = new double[ids][ids];
    for (int a = 0; a < ids; a++) {
      for (int b = 0; b < ids; b++) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (Map.Entry<Integer, Double> e : tf.get(a).entrySet()) {
          double w = e.getValue() * Math.log((double) ids / df.get(e.getKey()));
          na += w * w;
          Double v = tf.get(b).get(e.getKey());
          if (v != null) {
            dot += w * v * Math.log((double) ids / df.get(e.getKey()));
          }
        }
        for (Map.Entry<Integer, Double> e : tf.get(b).entrySet()) {
          double w = e.getValue() * Math.log((double) ids / df.get(e.getKey()));
          nb += w * w;
        }
        cos[a][b] = na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
      }
    }
    return cos;
  }

  @Test
  void captionNeighboursAgreeWithABruteForceRanking() {
    Random rnd = new Random(13);
    for (int trial = 0; trial < 20; trial++) {
      int ids = 2 + rnd.nextInt(30);
      int captions = ids * (1 + rnd.nextInt(4));
      int[] labels = new int[captions];
      int[][] tokens = new int[captions][];
      for (int i = 0; i < captions; i++) {
        labels[i] = i % ids;
        tokens[i] = new int[1 + rnd.nextInt(8)];
        for (int j = 0; j < tokens[i].length; j++) {
          tokens[i][j] = rnd.nextInt(12); // ids 0, 1 are not words
        }
      }
      int count = 1 + rnd.nextInt(ids);
      int[][] near = CaptionNeighbours.of(labels, tokens, 2, count);
      double[][] cos = bruteCosines(labels, tokens, 2, ids);
      for (int a = 0; a < ids; a++) {
        final int anchor = a;
        Integer[] order = new Integer[ids - 1];
        for (int b = 0, o = 0; b < ids; b++) {
          if (b != a) {
            order[o++] = b;
          }
        }
        Arrays.sort(
            order,
            (x, y) ->
                cos[anchor][x] != cos[anchor][y]
                    ? Double.compare(cos[anchor][y], cos[anchor][x])
                    : Integer.compare(x, y));
        assertEquals(Math.min(count, ids - 1), near[a].length, "trial " + trial + " id " + a);
        for (int i = 0; i < near[a].length; i++) {
          // same ranking up to rounding: the i-th neighbour has the i-th best cosine
          assertEquals(
              cos[a][order[i]],
              cos[a][near[a][i]],
              1e-12,
              "trial " + trial + " id " + a + " rank " + i);
        }
      }
    }
  }

  @Test
  void badArgumentsAreRejected() {
    int[][] tokens = {{2}};
    assertThrows(
        IllegalArgumentException.class, () -> CaptionNeighbours.of(new int[] {0, 1}, tokens, 2, 1));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CaptionNeighbours.of(new int[] {0}, tokens, 2, 0));
    assertTrue(e.getMessage().contains("count must be >= 1"), e.getMessage());
  }

  /** 40 identities in 8 "families" of 5; each identity's neighbours are its family first. */
  private static int[][] families(int ids) {
    int[][] near = new int[ids][];
    for (int i = 0; i < ids; i++) {
      List<Integer> n = new ArrayList<>();
      int f = i / 5;
      for (int j = 5 * f; j < 5 * f + 5; j++) {
        if (j != i) {
          n.add(j);
        }
      }
      near[i] = n.stream().mapToInt(Integer::intValue).toArray();
    }
    return near;
  }

  @Test
  void similarBatchesUseEveryGroupOnceAndFillBatchesWithTheAnchorsNeighbours() {
    Random rnd = new Random(7);
    int ids = 40;
    List<Integer> l = new ArrayList<>();
    for (int i = 0; i < ids; i++) {
      int n = 2 + rnd.nextInt(7);
      for (int c = 0; c < n; c++) {
        l.add(i);
      }
    }
    int[] labels = l.stream().mapToInt(Integer::intValue).toArray();
    int p = 5;
    int k = 2;
    PkSampler random = new PkSampler(labels, p, k, 11);
    PkSampler similar = new PkSampler(labels, p, k, 11).similarIdentities(families(ids));
    for (int epoch = 0; epoch < 3; epoch++) {
      List<int[]> batches = similar.epoch(epoch);
      assertEquals(
          batches.stream().map(Arrays::toString).toList(),
          similar.epoch(epoch).stream().map(Arrays::toString).toList(),
          "an epoch is a pure function of seed and epoch");
      for (int[] b : batches) {
        Set<Integer> inBatch = new HashSet<>();
        for (int g = 0; g < p; g++) {
          assertTrue(inBatch.add(labels[b[g * k]]), "identity twice in a batch");
        }
      }
      // the first batch of the epoch: its anchor's family, whole (all have groups left)
      int[] first = batches.get(0);
      int family = labels[first[0]] / 5;
      for (int g = 0; g < p; g++) {
        assertEquals(family, labels[first[g * k]] / 5, "batch 0 is the anchor's family");
      }
      int familyBatches = 0;
      for (int[] b : batches) {
        Set<Integer> fams = new HashSet<>();
        for (int g = 0; g < p; g++) {
          fams.add(labels[b[g * k]] / 5);
        }
        familyBatches += fams.size() == 1 ? 1 : 0;
      }
      assertTrue(
          familyBatches >= batches.size() / 3,
          familyBatches + " of " + batches.size() + " batches are one family");
    }
  }

  @Test
  void everySampleIsSeenEachEpochWithSimilarBatches() {
    int[] labels = new int[60];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i % 12;
    }
    PkSampler s = new PkSampler(labels, 4, 3, 5).similarIdentities(families(12));
    for (int epoch = 0; epoch < 3; epoch++) {
      Set<Integer> seen = new HashSet<>();
      for (int[] b : s.epoch(epoch)) {
        for (int v : b) {
          seen.add(v);
        }
      }
      assertEquals(labels.length, seen.size(), "epoch " + epoch);
    }
  }
}
