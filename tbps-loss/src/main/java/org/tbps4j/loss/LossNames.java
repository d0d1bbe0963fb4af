package org.tbps4j.loss;

/**
 * The graph variable names that tbps-loss creates, in one place. Every loss defines a scalar {@code
 * loss/<name>}, its per-direction or per-path parts {@code loss/<name>/<part>}, and one constant
 * per hyperparameter {@code loss/<name>/param/<key>}; a {@link LossMix} adds {@code
 * loss/<name>/weight} per term and the weighted sum {@code loss/total}.
 */
public final class LossNames {
  /** Common prefix of every variable created by tbps-loss. */
  public static final String PREFIX = "loss/";

  /** The weighted total of a {@link LossMix}: what the trainer minimises. */
  public static final String TOTAL = PREFIX + "total";

  /** Part name: image anchors against texts (image→text direction). */
  public static final String I2T = "i2t";

  /** Part name: text anchors against images (text→image direction). */
  public static final String T2I = "t2i";

  /** Part name: the image-path classification term. */
  public static final String IMAGE = "image";

  /** Part name: the text-path classification term. */
  public static final String TEXT = "text";

  /** Part name (support neighbor loss): separation terms of both directions. */
  public static final String SEPARATION = "separation";

  /** Part name (support neighbor loss): unweighted squeeze terms of both directions. */
  public static final String SQUEEZE = "squeeze";

  private LossNames() {}

  /**
   * The scalar of one loss.
   *
   * @param loss registry name, e.g. {@code mam}
   * @return {@code loss/<loss>}
   */
  public static String of(String loss) {
    return PREFIX + loss;
  }

  /**
   * A named part of one loss (a direction or a path).
   *
   * @param loss registry name
   * @param part part name, e.g. {@link #I2T}
   * @return {@code loss/<loss>/<part>}
   */
  public static String part(String loss, String part) {
    return PREFIX + loss + "/" + part;
  }

  /**
   * The graph constant holding one hyperparameter (or one array derived from it).
   *
   * @param loss registry name
   * @param key parameter key as in docs/losses.md, e.g. {@code margin}
   * @return {@code loss/<loss>/param/<key>}
   */
  public static String parameter(String loss, String key) {
    return PREFIX + loss + "/param/" + key;
  }

  /**
   * The graph constant holding the weight of one loss in a {@link LossMix}.
   *
   * @param loss registry name
   * @return {@code loss/<loss>/weight}
   */
  public static String weight(String loss) {
    return PREFIX + loss + "/weight";
  }
}
