package org.tbps4j.data;

/**
 * How a dataset is read and how strictly. Start from {@link #defaults()} and change fields with the
 * {@code with*} methods.
 *
 * @param lenient skip entries with a missing field, wrong type or bad value (counted and reported
 *     as warnings) instead of refusing the dataset. Unsafe image paths are refused regardless.
 * @param skipBadImages drop images that are missing or cannot be decoded (counted) instead of
 *     refusing the dataset
 * @param splitRule assigns splits by entry position (overrides any {@code split} field); null to
 *     use the {@code split} field
 * @param valIds how many train identities to move to a new val split when the data has none (ICFG
 *     -PEDES): {@link #FORMAT_DEFAULT} = the format's default (10% of the train identities, at
 *     least 1, for formats without a val split; none otherwise), 0 = never, N = exactly N (an error
 *     when the data already has a val split)
 * @param valSeed seed of the identity shuffle that picks the carved-out val identities
 * @param imageCheck how thoroughly image files are checked while loading
 * @param imageDir directory under the dataset root that the annotation's image paths are relative
 *     to ({@code imgs} for all three formats)
 */
public record ReadOptions(
    boolean lenient,
    boolean skipBadImages,
    SplitRule splitRule,
    int valIds,
    long valSeed,
    ImageCheck imageCheck,
    String imageDir) {

  /** {@link #valIds} value meaning "the format's default". */
  public static final int FORMAT_DEFAULT = -1;

  /** The image directory of all three formats. */
  public static final String DEFAULT_IMAGE_DIR = "imgs";

  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException on a negative val count other than {@link #FORMAT_DEFAULT}, a
   *     null image check, or an image directory that is absolute or leaves the root
   */
  public ReadOptions {
    if (valIds < FORMAT_DEFAULT) {
      throw new IllegalArgumentException(
          "valIds must be >= 0 or " + FORMAT_DEFAULT + " (format default), got " + valIds);
    }
    if (imageCheck == null) {
      throw new IllegalArgumentException("imageCheck must not be null (valid: NONE, EXISTS, ...)");
    }
    if (imageDir == null) {
      throw new IllegalArgumentException("imageDir must not be null (use \"\" for the root)");
    }
    if (!imageDir.isEmpty() && ImagePaths.unsafeReason(imageDir) != null) {
      throw new IllegalArgumentException(
          "imageDir \"" + imageDir + "\": " + ImagePaths.unsafeReason(imageDir));
    }
  }

  /**
   * Strict reading, the file's own splits, format-default val carving with seed 0, header check of
   * every image, images under {@code imgs/}.
   *
   * @return the default options
   */
  public static ReadOptions defaults() {
    return new ReadOptions(
        false, false, null, FORMAT_DEFAULT, 0L, ImageCheck.HEADER, DEFAULT_IMAGE_DIR);
  }

  /**
   * Copy with {@link #lenient} changed.
   *
   * @param on the new value
   * @return the changed options
   */
  public ReadOptions withLenient(boolean on) {
    return new ReadOptions(on, skipBadImages, splitRule, valIds, valSeed, imageCheck, imageDir);
  }

  /**
   * Copy with {@link #skipBadImages} changed.
   *
   * @param on the new value
   * @return the changed options
   */
  public ReadOptions withSkipBadImages(boolean on) {
    return new ReadOptions(lenient, on, splitRule, valIds, valSeed, imageCheck, imageDir);
  }

  /**
   * Copy with {@link #splitRule} changed.
   *
   * @param rule the rule, or null to use the file's {@code split} field
   * @return the changed options
   */
  public ReadOptions withSplitRule(SplitRule rule) {
    return new ReadOptions(lenient, skipBadImages, rule, valIds, valSeed, imageCheck, imageDir);
  }

  /**
   * Copy with {@link #valIds} and {@link #valSeed} changed.
   *
   * @param ids number of train identities moved to val ({@link #FORMAT_DEFAULT}, 0 or N)
   * @param seed seed of the identity shuffle
   * @return the changed options
   */
  public ReadOptions withValIds(int ids, long seed) {
    return new ReadOptions(lenient, skipBadImages, splitRule, ids, seed, imageCheck, imageDir);
  }

  /**
   * Copy with {@link #imageCheck} changed.
   *
   * @param check the new check level
   * @return the changed options
   */
  public ReadOptions withImageCheck(ImageCheck check) {
    return new ReadOptions(lenient, skipBadImages, splitRule, valIds, valSeed, check, imageDir);
  }

  /**
   * Copy with {@link #imageDir} changed.
   *
   * @param dir directory under the root that image paths are relative to ("" for the root)
   * @return the changed options
   */
  public ReadOptions withImageDir(String dir) {
    return new ReadOptions(lenient, skipBadImages, splitRule, valIds, valSeed, imageCheck, dir);
  }
}
