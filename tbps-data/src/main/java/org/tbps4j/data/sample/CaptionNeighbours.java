package org.tbps4j.data.sample;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

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
    // unit TF-IDF vectors, and the inverted index term -> (identity, weight)
    Map<Integer, List<Posting>> postings = new HashMap<>();
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
      double norm = Math.sqrt(sq);
      for (Map.Entry<Integer, Double> e : m.entrySet()) {
        if (norm > 0 && e.getValue() != 0) {
          e.setValue(e.getValue() / norm);
          postings
              .computeIfAbsent(e.getKey(), t -> new ArrayList<>())
              .add(new Posting(l, e.getValue()));
        } else {
          e.setValue(0.0);
        }
      }
    }
    int[][] out = new int[maxLabel + 1][];
    double[] dot = new double[maxLabel + 1];
    for (int a = 0; a <= maxLabel; a++) {
      Map<Integer, Double> m = tf.get(a);
      if (m == null) {
        continue;
      }
      Arrays.fill(dot, 0);
      for (Map.Entry<Integer, Double> e : m.entrySet()) {
        if (e.getValue() != 0) {
          for (Posting post : postings.get(e.getKey())) {
            dot[post.label()] += e.getValue() * post.weight();
          }
        }
      }
      out[a] = best(tf, dot, a, count);
    }
    return out;
  }

  /** One identity's unit TF-IDF weight for a term. */
  private record Posting(int label, double weight) {}

  /**
   * The {@code count} labels other than {@code a} with the highest {@code dot}, ties by the smaller
   * label, best first (a bounded heap: no sort of all identities).
   */
  private static int[] best(List<Map<Integer, Double>> tf, double[] dot, int a, int count) {
    // head = the worst kept: lowest score, then larger label
    PriorityQueue<Integer> kept =
        new PriorityQueue<>(
            (x, y) -> dot[x] != dot[y] ? Double.compare(dot[x], dot[y]) : Integer.compare(y, x));
    for (int b = 0; b < dot.length; b++) {
      if (b == a || tf.get(b) == null) {
        continue;
      }
      if (kept.size() < count) {
        kept.add(b);
      } else if (dot[b] > dot[kept.peek()]) {
        kept.poll();
        kept.add(b);
      }
    }
    int[] order = new int[kept.size()];
    for (int i = order.length - 1; i >= 0; i--) {
      order[i] = kept.poll();
    }
    return order;
  }
}
