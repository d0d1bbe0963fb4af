package org.tbps4j.data;

/**
 * Assigns splits by position in the annotation file, for files without a {@code split} field (the
 * CUHK-PEDES owners' {@code caption_all.json}): the first {@code train} entries are train, the next
 * {@code val} are val, the next {@code test} are test. When a rule is given it decides every
 * entry's split and any {@code split} field is ignored.
 *
 * @param train number of leading train entries (≥ 0)
 * @param val number of val entries that follow (≥ 0)
 * @param test number of test entries that follow (≥ 0)
 */
public record SplitRule(int train, int val, int test) {

  /**
   * The order every public CUHK-PEDES loader relies on: 34,054 train, 3,078 val, 3,074 test
   * entries.
   */
  public static final SplitRule CUHK_PEDES = new SplitRule(34_054, 3_078, 3_074);

  /** The text form of {@link #CUHK_PEDES}, accepted by {@link #parse}. */
  public static final String CUHK_PEDES_NAME = "cuhk-pedes";

  /**
   * Validates the counts.
   *
   * @throws IllegalArgumentException if a count is negative or all are zero
   */
  public SplitRule {
    if (train < 0 || val < 0 || test < 0 || (long) train + val + test == 0) {
      throw new IllegalArgumentException(
          "split rule counts must be >= 0 and not all 0, got " + train + "," + val + "," + test);
    }
  }

  /**
   * Parses {@code TRAIN,VAL,TEST} (entry counts, e.g. {@code 34054,3078,3074}) or {@code
   * cuhk-pedes} (the same numbers).
   *
   * @param text the rule
   * @return the rule
   * @throws IllegalArgumentException on anything else, with the accepted forms
   */
  public static SplitRule parse(String text) {
    String t = text.trim();
    if (t.equalsIgnoreCase(CUHK_PEDES_NAME)) {
      return CUHK_PEDES;
    }
    String[] parts = t.split(",");
    if (parts.length == 3) {
      try {
        return new SplitRule(
            Integer.parseInt(parts[0].trim()),
            Integer.parseInt(parts[1].trim()),
            Integer.parseInt(parts[2].trim()));
      } catch (NumberFormatException e) {
        // fall through to the message below
      }
    }
    throw new IllegalArgumentException(
        "split rule \""
            + text
            + "\" is not TRAIN,VAL,TEST entry counts (e.g. 34054,3078,3074) or "
            + CUHK_PEDES_NAME);
  }

  /**
   * Number of entries the rule covers.
   *
   * @return {@code train + val + test}
   */
  public long total() {
    return (long) train + val + test;
  }

  /**
   * The split of the entry at a position.
   *
   * @param entry 0-based entry index
   * @return its split, or null when the entry lies beyond {@link #total()}
   */
  public Split splitOf(int entry) {
    if (entry < train) {
      return Split.TRAIN;
    }
    if (entry < (long) train + val) {
      return Split.VAL;
    }
    if (entry < total()) {
      return Split.TEST;
    }
    return null;
  }

  @Override
  public String toString() {
    return train + "," + val + "," + test;
  }
}
