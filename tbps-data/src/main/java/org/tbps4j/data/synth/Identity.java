package org.tbps4j.data.synth;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import org.tbps4j.data.Split;

/**
 * One synthetic person: the described attribute values (unique in the dataset) and the undescribed
 * looks (skin tone, body shape, colour shades).
 *
 * @param id person id, 1-based
 * @param split the split of this identity
 * @param values described attribute values; {@link Attribute#BAG_COLOUR} and {@link
 *     Attribute#HAT_COLOUR} only when there is a bag or cap
 * @param skin index into the skin tones
 * @param bodyWidth shoulder/hip width factor (about 0.85–1.15)
 * @param bodyHeight height factor (about 0.92–1.05)
 * @param shade per-identity colour shade offsets (R, G, B), applied to garments
 */
public record Identity(
    int id,
    Split split,
    Map<Attribute, String> values,
    int skin,
    double bodyWidth,
    double bodyHeight,
    int[] shade) {

  /** Copies the values into an unmodifiable map. */
  public Identity {
    values = Collections.unmodifiableMap(new EnumMap<>(values));
    shade = shade.clone();
  }

  /**
   * A described value.
   *
   * @param a the attribute
   * @return its value, or null when the attribute does not apply (no bag → no bag colour)
   */
  public String get(Attribute a) {
    return values.get(a);
  }

  /**
   * How many of a caption's mentioned values this identity has (the oracle's score).
   *
   * @param mentions attribute values a caption mentions
   * @return the number of mentioned attributes whose value equals this identity's
   */
  public int matches(Map<Attribute, String> mentions) {
    int n = 0;
    for (Map.Entry<Attribute, String> e : mentions.entrySet()) {
      if (e.getValue().equals(values.get(e.getKey()))) {
        n++;
      }
    }
    return n;
  }
}
