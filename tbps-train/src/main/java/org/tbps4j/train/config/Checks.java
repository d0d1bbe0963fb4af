package org.tbps4j.train.config;

import java.util.Collection;

/** Validation helpers for config records: every failure names the field and the valid range. */
final class Checks {
  private Checks() {}

  /** Largest Java array, in elements. */
  static final long MAX_ARRAY = Integer.MAX_VALUE - 8L;

  /** Largest image side in pixels. */
  static final int MAX_IMAGE_SIDE = 8192;

  /** Largest batch P × K. */
  static final int MAX_BATCH = 4096;

  static int atMost(String field, int x, int max) {
    if (x > max) {
      throw new IllegalArgumentException(field + " must be <= " + max + ", got " + x);
    }
    return x;
  }

  static int positive(String field, Integer v, int dflt) {
    int x = v == null ? dflt : v;
    if (x < 1) {
      throw new IllegalArgumentException(field + " must be >= 1, got " + x);
    }
    return x;
  }

  static int nonNegative(String field, Integer v, int dflt) {
    int x = v == null ? dflt : v;
    if (x < 0) {
      throw new IllegalArgumentException(field + " must be >= 0, got " + x);
    }
    return x;
  }

  static double positive(String field, Double v, double dflt) {
    double x = v == null ? dflt : v;
    if (!(x > 0) || Double.isInfinite(x)) {
      throw new IllegalArgumentException(field + " must be a finite number > 0, got " + x);
    }
    return x;
  }

  static double nonNegative(String field, Double v, double dflt) {
    double x = v == null ? dflt : v;
    if (!(x >= 0) || Double.isInfinite(x)) {
      throw new IllegalArgumentException(field + " must be a finite number >= 0, got " + x);
    }
    return x;
  }

  static double fraction(String field, Double v, double dflt) {
    double x = v == null ? dflt : v;
    if (!(x >= 0 && x < 1)) {
      throw new IllegalArgumentException(field + " must be in [0, 1), got " + x);
    }
    return x;
  }

  static String oneOf(String field, String v, String dflt, Collection<String> valid) {
    String x = v == null ? dflt : v;
    if (!valid.contains(x)) {
      throw new IllegalArgumentException(
          field + ": unknown value '" + x + "' (valid: " + String.join(", ", valid) + ")");
    }
    return x;
  }

  static <T> T required(String field, T v) {
    if (v == null) {
      throw new IllegalArgumentException(field + " is required");
    }
    return v;
  }
}
