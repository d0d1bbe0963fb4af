package org.tbps4j.eval;

import java.util.Arrays;

/**
 * Ranking primitives for one query: the 1-based ranks of the relevant gallery items and the top-k
 * list, both with the protocol's tie rule.
 *
 * <p><b>Order.</b> Gallery items are ranked by descending score; equal scores keep gallery order
 * (lower index first), so results never depend on sort stability. Item {@code g} "beats" item
 * {@code j} when {@code s[g] > s[j]}, or {@code s[g] == s[j]} and {@code g < j}. The rank of {@code
 * j} is {@code 1 +} the number of items that beat it.
 *
 * <p><b>Cost.</b> {@link #relevantRanks} makes one pass over the row and a binary search over the
 * relevant items per non-relevant item: {@code O(G log R)} time, {@code O(R)} memory, no sort of
 * the row. {@link #topK} keeps a bounded heap: {@code O(G log k)}.
 *
 * <p>A NaN score is rejected with an {@link IllegalArgumentException} naming the gallery index.
 */
public final class Ranking {

  private Ranking() {}

  /**
   * Computes the 1-based ranks of the relevant items of one query.
   *
   * @param row the similarity row over the gallery ({@code G = row.length} items)
   * @param relevant indices of the relevant gallery items, strictly ascending, each in {@code
   *     [0,G)}
   * @return the ranks, strictly ascending ({@code ranks[k]} is the rank of the {@code (k+1)}-th
   *     best relevant item); empty when {@code relevant} is empty
   * @throws IllegalArgumentException if a score is NaN or {@code relevant} is not strictly
   *     ascending within range
   */
  public static int[] relevantRanks(double[] row, int[] relevant) {
    int gallerySize = row.length;
    int r = relevant.length;
    if (r == 0) {
      return new int[0];
    }
    for (int k = 0; k < r; k++) {
      int idx = relevant[k];
      if (idx < 0 || idx >= gallerySize || (k > 0 && idx <= relevant[k - 1])) {
        throw new IllegalArgumentException(
            "relevant indices must be strictly ascending in [0," + gallerySize + "): " + idx);
      }
    }
    // Relevant items sorted from strongest to weakest: score descending, index ascending.
    double[] relScore = new double[r];
    int[] relIndex = new int[r];
    sortRelevant(row, relevant, relScore, relIndex);

    // beats[p]: number of non-relevant items whose weakest beaten relevant position starts at p.
    long[] beats = new long[r + 1];
    double weakestScore = relScore[r - 1];
    int weakestIndex = relIndex[r - 1];
    int next = 0; // pointer into relevant (ascending gallery order)
    for (int g = 0; g < gallerySize; g++) {
      if (next < r && relevant[next] == g) {
        next++;
        continue;
      }
      double v = row[g];
      if (v != v) {
        throw new IllegalArgumentException("similarity is NaN at gallery index " + g);
      }
      // Fast path: g does not even beat the weakest relevant item.
      if (v < weakestScore || (v == weakestScore && g > weakestIndex)) {
        continue;
      }
      beats[firstBeaten(v, g, relScore, relIndex)]++;
    }
    int[] ranks = new int[r];
    long cumulative = 0;
    for (int k = 0; k < r; k++) {
      cumulative += beats[k];
      ranks[k] = Math.toIntExact(k + 1 + cumulative);
    }
    return ranks;
  }

  /** First position p (in strongest-to-weakest order) whose relevant item is beaten by (v, g). */
  private static int firstBeaten(double v, int g, double[] relScore, int[] relIndex) {
    int lo = 0;
    int hi = relScore.length - 1; // known: position hi is beaten
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (v > relScore[mid] || (v == relScore[mid] && g < relIndex[mid])) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  private static void sortRelevant(
      double[] row, int[] relevant, double[] relScore, int[] relIndex) {
    int r = relevant.length;
    // insertion sort: R is small (a handful of images per person)
    for (int k = 0; k < r; k++) {
      int idx = relevant[k];
      double v = row[idx];
      if (v != v) {
        throw new IllegalArgumentException("similarity is NaN at gallery index " + idx);
      }
      int p = k;
      // indices arrive ascending, so on equal scores the earlier one stays first
      while (p > 0 && relScore[p - 1] < v) {
        relScore[p] = relScore[p - 1];
        relIndex[p] = relIndex[p - 1];
        p--;
      }
      relScore[p] = v;
      relIndex[p] = idx;
    }
  }

  /**
   * Returns the indices of the {@code k} best gallery items in rank order (ties by index).
   *
   * @param row the similarity row over the gallery ({@code G = row.length} items)
   * @param k how many to return; fewer when {@code G < k}
   * @return gallery indices, best first, length {@code min(k, G)}
   * @throws IllegalArgumentException if {@code k < 0} or a score is NaN
   */
  public static int[] topK(double[] row, int k) {
    int gallerySize = row.length;
    if (k < 0) {
      throw new IllegalArgumentException("k must be >= 0, got " + k);
    }
    int n = Math.min(k, gallerySize);
    if (n == 0) {
      return new int[0];
    }
    // Min-heap on "strength": the root is the weakest of the kept items.
    double[] hs = new double[n];
    int[] hi = new int[n];
    int size = 0;
    for (int g = 0; g < gallerySize; g++) {
      double v = row[g];
      if (v != v) {
        throw new IllegalArgumentException("similarity is NaN at gallery index " + g);
      }
      if (size < n) {
        hs[size] = v;
        hi[size] = g;
        siftUp(hs, hi, size++);
      } else if (v > hs[0]) { // a later index never beats an equal score already kept
        hs[0] = v;
        hi[0] = g;
        siftDown(hs, hi, size);
      }
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> stronger(hs[a], hi[a], hs[b], hi[b]) ? -1 : 1);
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = hi[order[i]];
    }
    return out;
  }

  private static boolean stronger(double va, int ia, double vb, int ib) {
    return va > vb || (va == vb && ia < ib);
  }

  private static void siftUp(double[] hs, int[] hi, int pos) {
    while (pos > 0) {
      int parent = (pos - 1) >>> 1;
      if (stronger(hs[parent], hi[parent], hs[pos], hi[pos])) {
        swap(hs, hi, parent, pos);
        pos = parent;
      } else {
        return;
      }
    }
  }

  private static void siftDown(double[] hs, int[] hi, int size) {
    int pos = 0;
    while (true) {
      int l = 2 * pos + 1;
      if (l >= size) {
        return;
      }
      int weakest = l;
      int rgt = l + 1;
      if (rgt < size && stronger(hs[l], hi[l], hs[rgt], hi[rgt])) {
        weakest = rgt;
      }
      if (stronger(hs[pos], hi[pos], hs[weakest], hi[weakest])) {
        swap(hs, hi, pos, weakest);
        pos = weakest;
      } else {
        return;
      }
    }
  }

  private static void swap(double[] hs, int[] hi, int a, int b) {
    double t = hs[a];
    hs[a] = hs[b];
    hs[b] = t;
    int u = hi[a];
    hi[a] = hi[b];
    hi[b] = u;
  }
}
