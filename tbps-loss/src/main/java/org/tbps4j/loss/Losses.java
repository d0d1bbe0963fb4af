package org.tbps4j.loss;

import java.util.List;
import java.util.Map;

/** Creates losses by registry name: the one entry point for configuration and the command line. */
public final class Losses {
  private Losses() {}

  /**
   * Creates a loss by name.
   *
   * @param name registry name ({@code instance}, {@code ranking}, {@code cmpm}, {@code cmpc},
   *     {@code mam}, {@code psw}, {@code sn}, {@code asm}, {@code sdm})
   * @param parameters key to value (keys as in docs/losses.md; numbers or strings); absent keys
   *     take the defaults; may be empty
   * @return the loss
   * @throws IllegalArgumentException for an unknown loss (listing the valid names), an unknown
   *     parameter (listing the valid keys) or an invalid value (naming the valid range)
   */
  public static Loss create(String name, Map<String, ?> parameters) {
    return LossType.of(name).create(parameters);
  }

  /**
   * Creates a loss with its default parameters.
   *
   * @param name registry name
   * @return the loss
   * @throws IllegalArgumentException for an unknown loss
   */
  public static Loss create(String name) {
    return create(name, Map.of());
  }

  /**
   * The registry names.
   *
   * @return all nine names in a fixed order
   */
  public static List<String> names() {
    return LossType.names();
  }
}
