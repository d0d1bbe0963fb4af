package org.tbps4j.data;

import java.util.Locale;

/**
 * What is wrong with a dataset, one kind per row of the bad-input table of docs/data.md (plus a few
 * checks the table implies). The {@link Severity} of each kind under the reading options is given
 * by {@link #severity(ReadOptions)}.
 */
public enum ProblemKind {
  /**
   * The annotation file is not valid JSON (or not a JSON array); reading stops. Always an error.
   */
  MALFORMED_JSON,
  /** A required field of an entry is absent; the entry is skipped. Error unless lenient. */
  MISSING_FIELD,
  /** A field of an entry has the wrong JSON type; the entry is skipped. Error unless lenient. */
  WRONG_TYPE,
  /**
   * A field has a value outside its valid set (an unknown split name, an entry outside the split
   * rule); the entry is skipped. Error unless lenient.
   */
  BAD_VALUE,
  /** No entry has a {@code split} field and no split rule was given. Always an error. */
  NO_SPLIT,
  /**
   * An image path is absolute or leaves the dataset root; the entry is rejected. Always an error,
   * even when lenient.
   */
  UNSAFE_PATH,
  /** An image file does not exist. Error unless bad images are skipped. */
  MISSING_IMAGE,
  /** An image file exists but cannot be decoded. Error unless bad images are skipped. */
  UNREADABLE_IMAGE,
  /** An empty or whitespace-only caption; skipped and counted. */
  EMPTY_CAPTION,
  /** A second entry for an image already listed; the first one is kept. */
  DUPLICATE_IMAGE,
  /** A person id that appears in more than one split (the splits should be by identity). */
  ID_IN_SEVERAL_SPLITS,
  /** A split without any image: an error for train, a warning for val and test. */
  EMPTY_SPLIT,
  /** An identity with a single image–caption sample: kept, the P×K sampler repeats it. */
  SINGLE_SAMPLE_IDENTITY,
  /**
   * A field appears more than once in one entry (which value is meant is ambiguous): an error
   * unless lenient, which skips the entry.
   */
  DUPLICATE_KEY;

  /**
   * Name in reports.
   *
   * @return the lower-case name, e.g. {@code missing_field}
   */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The severity of this kind under the given options ({@link #EMPTY_SPLIT} is decided per split by
   * the dataset and reported here as an error).
   *
   * @param options the reading options
   * @return the severity
   */
  public Severity severity(ReadOptions options) {
    return switch (this) {
      case MALFORMED_JSON, NO_SPLIT, UNSAFE_PATH, EMPTY_SPLIT -> Severity.ERROR;
      case MISSING_FIELD, WRONG_TYPE, BAD_VALUE, DUPLICATE_KEY ->
          options.lenient() ? Severity.WARNING : Severity.ERROR;
      case MISSING_IMAGE, UNREADABLE_IMAGE ->
          options.skipBadImages() ? Severity.WARNING : Severity.ERROR;
      case EMPTY_CAPTION, DUPLICATE_IMAGE, ID_IN_SEVERAL_SPLITS -> Severity.WARNING;
      case SINGLE_SAMPLE_IDENTITY -> Severity.NOTE;
    };
  }
}
