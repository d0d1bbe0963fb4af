package org.tbps4j.data.sample;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Random;

/**
 * The P×K identity sampler (docs/data.md): every batch holds P distinct identities with K samples
 * each.
 *
 * <p>One epoch, for a seed and an epoch number (a pure function of both):
 *
 * <ol>
 *   <li>Each identity's samples are shuffled and cut into groups of K. An identity with fewer than
 *       K samples gets all of them plus repeats drawn with replacement; a last incomplete group is
 *       completed with repeats of the identity's other samples. Every sample is therefore seen at
 *       least once per epoch.
 *   <li>The groups are shuffled. Batches are filled in order with the first group whose identity is
 *       not yet in the batch (deferred groups go to the next batches), so no identity appears twice
 *       in a batch.
 *   <li>When fewer than P identities have groups left, the last batch is completed with fresh
 *       groups of identities not in it, drawn at random.
 * </ol>
 *
 * Every identity is visited at least once per epoch. A batch is {@code P·K} sample indices: P
 * groups of K consecutive indices of the same identity. Losses that need negatives need P ≥ 2, so P
 * &lt; 2 is rejected, as is P larger than the number of identities.
 */
public final class PkSampler {
  private final int p;
  private final int k;
  private final long seed;
  private final int[] classes; // distinct labels, ascending
  private final int[][] samplesOf; // per classes[i], sample indices ascending
  private int[][] near; // per class slot: other slots, most similar first; null = random batches

  /**
   * Creates a sampler.
   *
   * @param labels class (identity) index of each sample; any non-negative ints
   * @param p identities per batch, P (2 ≤ P ≤ number of identities)
   * @param k samples per identity, K (≥ 1)
   * @param seed master seed
   * @throws IllegalArgumentException on impossible P or K, negative labels or no samples
   */
  public PkSampler(int[] labels, int p, int k, long seed) {
    if (labels.length == 0) {
      throw new IllegalArgumentException("the P×K sampler needs at least one sample");
    }
    if (p < 2) {
      throw new IllegalArgumentException(
          "P (identities per batch) must be >= 2: the ranking losses need negatives in the batch;"
              + " got P="
              + p);
    }
    if (k < 1) {
      throw new IllegalArgumentException("K (samples per identity) must be >= 1, got K=" + k);
    }
    int max = 0;
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0) {
        throw new IllegalArgumentException("sample " + i + " has a negative label " + labels[i]);
      }
      max = Math.max(max, labels[i]);
    }
    int[] count = new int[max + 1];
    for (int l : labels) {
      count[l]++;
    }
    int distinct = 0;
    for (int c : count) {
      distinct += c > 0 ? 1 : 0;
    }
    if (p > distinct) {
      throw new IllegalArgumentException(
          "P="
              + p
              + " identities per batch, but the training data has only "
              + distinct
              + " identities (choose P <= "
              + distinct
              + ")");
    }
    this.p = p;
    this.k = k;
    this.seed = seed;
    this.classes = new int[distinct];
    this.samplesOf = new int[distinct][];
    int[] slot = new int[max + 1];
    for (int c = 0, j = 0; c <= max; c++) {
      if (count[c] > 0) {
        classes[j] = c;
        samplesOf[j] = new int[count[c]];
        slot[c] = j++;
      }
    }
    int[] fill = new int[distinct];
    for (int i = 0; i < labels.length; i++) {
      int j = slot[labels[i]];
      samplesOf[j][fill[j]++] = i;
    }
  }

  /**
   * Identities per batch.
   *
   * @return P
   */
  public int p() {
    return p;
  }

  /**
   * Samples per identity.
   *
   * @return K
   */
  public int k() {
    return k;
  }

  /**
   * Samples per batch.
   *
   * @return P·K
   */
  public int batchSize() {
    return p * k;
  }

  /**
   * Switches to <b>similar-identity batches</b>: each batch starts from the next group in the
   * shuffled order (its identity is the batch's <i>anchor</i>) and takes its other P − 1
   * identities, while they have groups left in the epoch, from the anchor's list of similar
   * identities, most similar first; only then from the shuffled order. Hard negatives in every
   * batch: identities that a contrastive loss can only tell apart by their less salient details.
   * Every group is still used exactly once per epoch, and the epoch is still a pure function of the
   * seed and the epoch number.
   *
   * @param neighbours per label (array index = label), the labels of similar identities, most
   *     similar first; labels without samples, or absent, are ignored
   * @return this sampler
   */
  public PkSampler similarIdentities(int[][] neighbours) {
    int[] slotOf = new int[classes[classes.length - 1] + 1];
    Arrays.fill(slotOf, -1);
    for (int j = 0; j < classes.length; j++) {
      slotOf[classes[j]] = j;
    }
    int[][] n = new int[classes.length][];
    for (int j = 0; j < classes.length; j++) {
      int label = classes[j];
      int[] list =
          label < neighbours.length && neighbours[label] != null ? neighbours[label] : new int[0];
      n[j] =
          Arrays.stream(list)
              .filter(l -> l >= 0 && l < slotOf.length && slotOf[l] >= 0 && l != label)
              .map(l -> slotOf[l])
              .distinct()
              .toArray();
    }
    this.near = n;
    return this;
  }

  /**
   * Number of identities with samples.
   *
   * @return the count
   */
  public int identities() {
    return classes.length;
  }

  /**
   * The batches of one epoch.
   *
   * @param epoch epoch number (≥ 0)
   * @return the batches in order, each {@code P·K} sample indices (P groups of K)
   */
  public List<int[]> epoch(int epoch) {
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
    }
    Random rnd = new Random(Seeds.mix(seed, 0x5A4D_504CL, epoch));
    LinkedList<Group> groups = new LinkedList<>();
    for (int j = 0; j < classes.length; j++) {
      int[] s = samplesOf[j].clone();
      shuffle(s, rnd);
      int n = s.length;
      int groupsOfJ = (n + k - 1) / k;
      for (int g = 0; g < groupsOfJ; g++) {
        int[] idx = new int[k];
        for (int t = 0; t < k; t++) {
          int pos = g * k + t;
          idx[t] = pos < n ? s[pos] : repeat(s, idx, t, rnd);
        }
        groups.add(new Group(j, idx));
      }
    }
    Collections.shuffle(groups, rnd);
    if (near != null) {
      return similarBatches(new ArrayList<>(groups), rnd);
    }
    List<int[]> batches = new ArrayList<>();
    boolean[] inBatch = new boolean[classes.length];
    while (!groups.isEmpty()) {
      int[] batch = new int[p * k];
      int taken = 0;
      Arrays.fill(inBatch, false);
      for (Iterator<Group> it = groups.iterator(); it.hasNext() && taken < p; ) {
        Group g = it.next();
        if (!inBatch[g.cls]) {
          it.remove();
          inBatch[g.cls] = true;
          System.arraycopy(g.samples, 0, batch, taken * k, k);
          taken++;
        }
      }
      completeWithFreshGroups(batch, taken, inBatch, rnd);
      batches.add(batch);
    }
    return batches;
  }

  /** Batches of an epoch when {@link #similarIdentities} is set; groups in shuffled order. */
  private List<int[]> similarBatches(List<Group> order, Random rnd) {
    List<ArrayDeque<Integer>> left = new ArrayList<>();
    for (int j = 0; j < classes.length; j++) {
      left.add(new ArrayDeque<>());
    }
    for (int g = 0; g < order.size(); g++) {
      left.get(order.get(g).cls).add(g);
    }
    boolean[] used = new boolean[order.size()];
    boolean[] inBatch = new boolean[classes.length];
    List<int[]> batches = new ArrayList<>();
    int cursor = 0;
    int remaining = order.size();
    while (remaining > 0) {
      int[] batch = new int[p * k];
      int taken = 0;
      Arrays.fill(inBatch, false);
      while (used[cursor]) {
        cursor++;
      }
      Group anchor = order.get(cursor);
      List<Integer> picked = new ArrayList<>();
      picked.add(cursor);
      inBatch[anchor.cls] = true;
      for (int nb : near[anchor.cls]) {
        if (picked.size() == p) {
          break;
        }
        if (!inBatch[nb] && !left.get(nb).isEmpty()) {
          inBatch[nb] = true;
          picked.add(left.get(nb).peekFirst());
        }
      }
      for (int g = cursor + 1; g < order.size() && picked.size() < p; g++) {
        if (!used[g] && !inBatch[order.get(g).cls]) {
          inBatch[order.get(g).cls] = true;
          picked.add(g);
        }
      }
      for (int g : picked) {
        Group gr = order.get(g);
        used[g] = true;
        left.get(gr.cls).remove(g);
        remaining--;
        System.arraycopy(gr.samples, 0, batch, taken * k, k);
        taken++;
      }
      completeWithFreshGroups(batch, taken, inBatch, rnd);
      batches.add(batch);
    }
    return batches;
  }

  /** Fills groups taken..P-1 of a batch with fresh groups of identities not yet in it. */
  private void completeWithFreshGroups(int[] batch, int taken, boolean[] inBatch, Random rnd) {
    while (taken < p) {
      int j = rnd.nextInt(classes.length);
      if (inBatch[j]) {
        continue;
      }
      inBatch[j] = true;
      int[] s = samplesOf[j].clone();
      shuffle(s, rnd);
      for (int t = 0; t < k; t++) {
        batch[taken * k + t] = t < s.length ? s[t] : s[rnd.nextInt(s.length)];
      }
      taken++;
    }
  }

  /** A repeat for position t of a group: a sample of the identity not yet in the group if any. */
  private static int repeat(int[] s, int[] idx, int t, Random rnd) {
    if (s.length > t) {
      // candidates not already in idx[0..t)
      List<Integer> free = new ArrayList<>();
      for (int v : s) {
        boolean used = false;
        for (int u = 0; u < t; u++) {
          used |= idx[u] == v;
        }
        if (!used) {
          free.add(v);
        }
      }
      return free.get(rnd.nextInt(free.size()));
    }
    return s[rnd.nextInt(s.length)];
  }

  private static void shuffle(int[] a, Random rnd) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  private record Group(int cls, int[] samples) {}
}
