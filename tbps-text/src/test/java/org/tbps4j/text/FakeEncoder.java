package org.tbps4j.text;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cheap, deterministic stand-in for the tower in cache tests: a word → id hash tokenizer and
 * features that are a fixed function of (id, position, channel), independent of the batch.
 */
final class FakeEncoder {
  static final int DIM = 8;
  static final int MAX_LENGTH = 12;
  static final FeatureCache.Key KEY =
      new FeatureCache.Key(
          "fake", "a".repeat(64), "b".repeat(64), MAX_LENGTH, DIM, FeatureCache.Storage.FLOAT16);

  /** Sequences passed to {@link #forward} so far. */
  final AtomicInteger forwarded = new AtomicInteger();

  static int[] tokenize(String text) {
    List<Integer> ids = new ArrayList<>();
    ids.add(101);
    for (String w : text.split(" ")) {
      if (!w.isEmpty() && ids.size() < MAX_LENGTH - 1) {
        ids.add(1000 + Math.floorMod(w.hashCode(), 20000));
      }
    }
    ids.add(102);
    return ids.stream().mapToInt(Integer::intValue).toArray();
  }

  static float value(int id, int position, int channel) {
    return (float) (3 * Math.sin(id * 0.37 + position * 1.3 + channel * 0.71));
  }

  /** Features of one sequence, unpadded: {@code [len, DIM]}. */
  static float[] expected(String text) {
    int[] ids = tokenize(text);
    float[] out = new float[ids.length * DIM];
    for (int t = 0; t < ids.length; t++) {
      for (int d = 0; d < DIM; d++) {
        out[t * DIM + d] = value(ids[t], t, d);
      }
    }
    return out;
  }

  TokenFeatures forward(List<int[]> seqs) {
    forwarded.addAndGet(seqs.size());
    int len = seqs.stream().mapToInt(s -> s.length).max().orElse(1);
    float[] v = new float[seqs.size() * len * DIM];
    int[] lengths = new int[seqs.size()];
    for (int i = 0; i < seqs.size(); i++) {
      int[] s = seqs.get(i);
      lengths[i] = s.length;
      for (int t = 0; t < s.length; t++) {
        for (int d = 0; d < DIM; d++) {
          v[(i * len + t) * DIM + d] = value(s[t], t, d);
        }
      }
    }
    return new TokenFeatures(seqs.size(), len, DIM, v, lengths);
  }

  static List<String> captions(String prefix, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      StringBuilder sb = new StringBuilder(prefix);
      for (int w = 0; w <= i % 9; w++) {
        sb.append(" word").append((i * 7 + w) % 13);
      }
      out.add(sb.append(" #").append(i).toString());
    }
    return out;
  }
}
