package org.tbps4j.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Loading, step 2: a val split carved out of train, by identity. When the data has no val split and
 * the format has none ({@link DatasetFormat#hasValSplit()}), {@link
 * PedesDataset#DEFAULT_VAL_FRACTION} of the train identities (at least one) move to val; {@link
 * ReadOptions#valIds()} asks for an exact number (0: none). Which ones: the train ids sorted
 * ascending, shuffled by {@code Collections.shuffle(ids, new Random(valSeed))}, the first N.
 */
final class ValCarving {
  private ValCarving() {}

  /**
   * Moves train identities to val, in place.
   *
   * @param format the annotation format
   * @param options reading options ({@link ReadOptions#valIds()}, {@link ReadOptions#valSeed()})
   * @param bySplit image entries per split; train and val are replaced or added to
   * @return the number of identities moved (0 when nothing was carved)
   * @throws IllegalArgumentException when the data already has a val split and carving was asked
   *     for, or when as many identities as train has (or more) would move
   */
  static int carve(
      DatasetFormat format, ReadOptions options, Map<Split, List<ImageRecord>> bySplit) {
    TreeSet<Long> trainIds = new TreeSet<>();
    for (ImageRecord r : bySplit.get(Split.TRAIN)) {
      trainIds.add(r.personId());
    }
    boolean hasVal = !bySplit.get(Split.VAL).isEmpty();
    int n = options.valIds();
    if (n == ReadOptions.FORMAT_DEFAULT) {
      n =
          format.hasValSplit() || hasVal || trainIds.size() < 2
              ? 0
              : Math.max(1, (int) Math.round(PedesDataset.DEFAULT_VAL_FRACTION * trainIds.size()));
    }
    if (n == 0) {
      return 0;
    }
    if (hasVal) {
      throw new IllegalArgumentException(
          "the data already has a val split ("
              + bySplit.get(Split.VAL).size()
              + " images); carving val identities out of train (--val-ids "
              + n
              + ") is only for data without one");
    }
    if (n >= trainIds.size()) {
      throw new IllegalArgumentException(
          "cannot move "
              + n
              + " train identities to val: train has "
              + trainIds.size()
              + " (at most "
              + (trainIds.size() - 1)
              + ")");
    }
    List<Long> shuffled = new ArrayList<>(trainIds);
    Collections.shuffle(shuffled, new Random(options.valSeed()));
    Set<Long> val = new HashSet<>(shuffled.subList(0, n));
    List<ImageRecord> keep = new ArrayList<>();
    for (ImageRecord r : bySplit.get(Split.TRAIN)) {
      if (val.contains(r.personId())) {
        bySplit.get(Split.VAL).add(r.inSplit(Split.VAL));
      } else {
        keep.add(r);
      }
    }
    bySplit.put(Split.TRAIN, keep);
    return n;
  }
}
