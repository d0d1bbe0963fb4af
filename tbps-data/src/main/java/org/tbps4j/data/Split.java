package org.tbps4j.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** A dataset split, by identity: the three splits share no person. */
public enum Split {
  /** Training identities (remapped to class indices 0..C−1). */
  TRAIN,
  /** Validation identities: model selection. */
  VAL,
  /** Test identities: read once, at the end. */
  TEST;

  /**
   * The name used in annotation files, reports and on the command line.
   *
   * @return {@code train}, {@code val} or {@code test}
   */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a split name as written in annotation files.
   *
   * @param name {@code train}, {@code val} or {@code test} (case-insensitive)
   * @return the split
   * @throws IllegalArgumentException naming the value and the valid ones
   */
  public static Split fromName(String name) {
    for (Split s : values()) {
      if (s.jsonName().equalsIgnoreCase(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown split \"" + name + "\" (valid: " + validNames() + ")");
  }

  /**
   * The valid split names, comma-separated.
   *
   * @return {@code "train, val, test"}
   */
  public static String validNames() {
    return Arrays.stream(values()).map(Split::jsonName).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return jsonName();
  }
}
