package org.tbps4j.data.synth;

import java.util.List;
import java.util.Locale;

/**
 * The described attributes of a synthetic identity, with their values. An identity is one
 * combination of values, unique in a generated dataset. {@link #BAG_COLOUR} exists only when {@link
 * #BAG} is not {@code none}, {@link #HAT_COLOUR} only when {@link #HAT} is not {@code none}. Skin
 * tone, body shape and pose are drawn too but never described (like real captions).
 */
public enum Attribute {
  /** Gender, named by the caption's subject. */
  GENDER(List.of("man", "woman")),
  /** Hair colour. */
  HAIR_COLOUR(List.of("black", "brown", "blonde", "grey")),
  /** Hair length. */
  HAIR_LENGTH(List.of("short", "long")),
  /** Colour of the upper garment. */
  UPPER_COLOUR(
      List.of(
          "red", "orange", "yellow", "green", "blue", "purple", "pink", "white", "black", "grey")),
  /** Sleeve length of the upper garment. */
  SLEEVE(List.of("short", "long")),
  /** Pattern of the upper garment. */
  PATTERN(List.of("plain", "striped", "checked")),
  /** Type of the lower garment (skirts are drawn for women only). */
  LOWER_TYPE(List.of("trousers", "shorts", "skirt")),
  /** Colour of the lower garment. */
  LOWER_COLOUR(List.of("black", "blue", "grey", "white", "brown", "red", "green", "beige")),
  /** Shoe colour. */
  SHOE_COLOUR(List.of("black", "white", "brown", "red", "blue")),
  /** Bag type. */
  BAG(List.of("none", "backpack", "handbag", "shoulder bag")),
  /** Bag colour (only with a bag). */
  BAG_COLOUR(List.of("black", "brown", "red", "blue", "green", "yellow")),
  /** Headwear. */
  HAT(List.of("none", "cap")),
  /** Cap colour (only with a cap). */
  HAT_COLOUR(List.of("black", "white", "red", "blue", "yellow"));

  private final List<String> values;

  Attribute(List<String> values) {
    this.values = values;
  }

  /**
   * The possible values.
   *
   * @return the values, in a fixed order
   */
  public List<String> options() {
    return values;
  }

  /**
   * Name in attributes.json.
   *
   * @return the lower-case name, e.g. {@code upper_colour}
   */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
