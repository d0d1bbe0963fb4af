package org.tbps4j.data.sample;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Identities that are described alike: for each identity, the others ranked by the cosine
 * similarity of their TF-IDF caption vectors (all captions of the identity pooled). Needs nothing
 * but the captions, so it works on real data as on synthetic; it is what {@link
 * PkSampler#similarIdentities} groups batches by.
 *
 * <p>Term weight: {@code count(t, identity) · ln(N / df(t))} with N identities and df the number of
 * identities whose captions use t; token ids below {@code firstWordId} (padding, unknown, special
 * ids) are ignored. Ties are broken by the smaller label, so the result is deterministic.
 */
public final class CaptionNeighbours {
  private CaptionNeighbours() {}

  /**
   * Ranks, for every identity, its most similar other identities.
   *
   * @param labels identity of each caption
   * @param tokens token ids of each caption (any length)
   * @param firstWordId smallest id that is a word (smaller ids are skipped)
   * @param count neighbours kept per identity (≥ 1)
   * @return per label (array index = label; null where a label has no caption) the labels of its
   *     {@code count} most similar identities, most similar first
   * @throws IllegalArgumentException if the arrays differ in length or count &lt; 1
   */
  public static int[][] of(int[] labels, int[][] tokens, int firstWordId, int count) {
    if (labels.length != tokens.length) {
      throw new IllegalArgumentException(
          labels.length + " labels but " + tokens.length + " token sequences");
    }
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, got " + count);
    }
    int maxLabel = -1;
    for (int l : labels) {
      maxLabel = Math.max(maxLabel, l);
    }
    List<Map<Integer, Double>> tf = new ArrayList<>();
    for (int l = 0; l <= maxLabel; l++) {
      tf.add(null);
    }
    for (int i = 0; i < labels.length; i++) {
      Map<Integer, Double> m = tf.get(labels[i]);
      if (m == null) {
        m = new HashMap<>();
        tf.set(labels[i], m);
      }
      for (int t : tokens[i]) {
        if (t >= firstWordId) {
          m.merge(t, 1.0, Double::sum);
        }
      }
    }
    Map<Integer, Integer> df = new HashMap<>();
    int identities = 0;
    for (Map<Integer, Double> m : tf) {
      if (m != null) {
        identities++;
        for (int t : m.keySet()) {
          df.merge(t, 1, Integer::sum);
        }
      }
    }
    double[] norm = new double[maxLabel + 1];
    for (int l = 0; l <= maxLabel; l++) {
      Map<Integer, Double> m = tf.get(l);
      if (m == null) {
        continue;
      }
      double sq = 0;
      for (Map.Entry<Integer, Double> e : m.entrySet()) {
        double w = e.getValue() * Math.log((double) identities / df.get(e.getKey()));
        e.setValue(w);
        sq += w * w;
      }
      norm[l] = Math.sqrt(sq);
    }
    int[][] out = new int[maxLabel + 1][];
    for (int a = 0; a <= maxLabel; a++) {
      if (tf.get(a) == null) {
        continue;
      }
      List<double[]> scored = new ArrayList<>();
      for (int b = 0; b <= maxLabel; b++) {
        if (b != a && tf.get(b) != null) {
          scored.add(new double[] {cosine(tf.get(a), tf.get(b), norm[a] * norm[b]), b});
        }
      }
      scored.sort((x, y) -> x[0] != y[0] ? Double.compare(y[0], x[0]) : Double.compare(x[1], y[1]));
      int n = Math.min(count, scored.size());
      out[a] = new int[n];
      for (int i = 0; i < n; i++) {
        out[a][i] = (int) scored.get(i)[1];
      }
    }
    return out;
  }

  private static double cosine(Map<Integer, Double> x, Map<Integer, Double> y, double norms) {
    if (norms == 0) {
      return 0;
    }
    Map<Integer, Double> small = x.size() <= y.size() ? x : y;
    Map<Integer, Double> large = small == x ? y : x;
    double dot = 0;
    for (Map.Entry<Integer, Double> e : small.entrySet()) {
      Double w = large.get(e.getKey());
      if (w != null) {
        dot += e.getValue() * w;
      }
    }
    return dot / norms;
  }
}
