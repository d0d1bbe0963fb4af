package org.tbps4j.data;

import java.util.Locale;

/** How much a {@link Problem} matters for a training run. */
public enum Severity {
  /** The dataset is not usable with the options given (validation exits with code 2). */
  ERROR,
  /** Something was skipped or changed and counted; the dataset is usable. */
  WARNING,
  /** Worth knowing, nothing was dropped (for example an identity with a single sample). */
  NOTE;

  /**
   * Name in reports.
   *
   * @return {@code error}, {@code warning} or {@code note}
   */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
