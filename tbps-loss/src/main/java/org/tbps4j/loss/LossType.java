package org.tbps4j.loss;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The nine losses by registry name. {@link #of} rejects unknown names with the list of valid ones;
 * {@link #create} validates the parameters (keys as in docs/losses.md).
 */
public enum LossType {
  /** Dual-Path instance loss, {@link InstanceLoss}. */
  INSTANCE(InstanceLoss.NAME, InstanceLoss.KEYS, InstanceLoss::from),
  /** Dual-Path bidirectional ranking loss, {@link RankingLoss}. */
  RANKING(RankingLoss.NAME, RankingLoss.KEYS, RankingLoss::from),
  /** Cross-modal projection matching, {@link CmpmLoss}. */
  CMPM(CmpmLoss.NAME, CmpmLoss.KEYS, CmpmLoss::from),
  /** Cross-modal projection classification, {@link CmpcLoss}. */
  CMPC(CmpcLoss.NAME, CmpcLoss.KEYS, CmpcLoss::from),
  /** Multiplicative angular margin, {@link MamLoss}. */
  MAM(MamLoss.NAME, MamLoss.KEYS, MamLoss::from),
  /** Pairwise similarity weighting, {@link PswLoss}. */
  PSW(PswLoss.NAME, PswLoss.KEYS, PswLoss::from),
  /** Support neighbor loss, {@link SnLoss}. */
  SN(SnLoss.NAME, SnLoss.KEYS, SnLoss::from),
  /** Adaptive semantic margin (project's reading), {@link AsmLoss}. */
  ASM(AsmLoss.NAME, AsmLoss.KEYS, AsmLoss::from),
  /** Similarity distribution matching, {@link SdmLoss}. */
  SDM(SdmLoss.NAME, SdmLoss.KEYS, SdmLoss::from);

  private final String id;
  private final List<String> keys;
  private final Function<Map<String, ?>, Loss> factory;

  LossType(String id, List<String> keys, Function<Map<String, ?>, Loss> factory) {
    this.id = id;
    this.keys = keys;
    this.factory = factory;
  }

  /**
   * The registry name.
   *
   * @return e.g. {@code mam}
   */
  public String id() {
    return id;
  }

  /**
   * The parameter keys this loss accepts.
   *
   * @return keys as in docs/losses.md, possibly empty
   */
  public List<String> parameterKeys() {
    return keys;
  }

  /**
   * Creates the loss; absent parameters take their defaults.
   *
   * @param parameters key to value (numbers, or strings as from a command line or YAML); may be
   *     empty
   * @return the loss
   * @throws IllegalArgumentException for an unknown key or an invalid value
   */
  public Loss create(Map<String, ?> parameters) {
    return factory.apply(parameters == null ? Map.of() : parameters);
  }

  /**
   * Looks a loss up by registry name (case-insensitive, surrounding blanks ignored).
   *
   * @param name e.g. {@code mam}
   * @return the type
   * @throws IllegalArgumentException for an unknown name; the message lists the valid names
   */
  public static LossType of(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT);
    for (LossType t : values()) {
      if (t.id.equals(n)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown loss '" + name + "' (valid: " + String.join(", ", names()) + ")");
  }

  /**
   * All registry names in declaration order.
   *
   * @return {@code instance, ranking, cmpm, cmpc, mam, psw, sn, asm, sdm}
   */
  public static List<String> names() {
    return Arrays.stream(values()).map(LossType::id).toList();
  }
}
