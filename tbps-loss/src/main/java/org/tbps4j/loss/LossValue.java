package org.tbps4j.loss;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The value of one loss computed eagerly: the total and its named parts (directions {@link
 * LossNames#I2T}/{@link LossNames#T2I}, paths {@link LossNames#IMAGE}/{@link LossNames#TEXT}, or
 * the support-neighbor {@link LossNames#SEPARATION}/{@link LossNames#SQUEEZE} sums).
 *
 * @param loss registry name of the loss
 * @param value the loss (what {@code loss/<name>} evaluates to)
 * @param parts named parts in a fixed order; unmodifiable
 */
public record LossValue(String loss, double value, Map<String, Double> parts) {

  /** Copies {@code parts} into an unmodifiable, order-preserving map. */
  public LossValue {
    parts = Collections.unmodifiableMap(new LinkedHashMap<>(parts));
  }

  /**
   * One part by name.
   *
   * @param name part name
   * @return its value
   * @throws IllegalArgumentException when the loss has no such part (the message lists the parts)
   */
  public double part(String name) {
    Double v = parts.get(name);
    if (v == null) {
      throw new IllegalArgumentException(
          "loss '" + loss + "' has no part '" + name + "' (parts: " + parts.keySet() + ")");
    }
    return v;
  }
}
