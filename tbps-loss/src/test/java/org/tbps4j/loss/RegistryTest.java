package org.tbps4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Creation by name, defaults, parameter parsing and every validation message. */
class RegistryTest {

  private static String error(String name, Map<String, ?> params) {
    return assertThrows(IllegalArgumentException.class, () -> Losses.create(name, params))
        .getMessage();
  }

  @Test
  void namesAndDefaultsFollowLossesMd() {
    assertEquals(
        List.of("instance", "ranking", "cmpm", "cmpc", "mam", "psw", "sn", "asm", "sdm"),
        Losses.names());
    assertEquals(
        Map.of("image_weight", 1.0, "text_weight", 1.0), Losses.create("instance").parameters());
    assertEquals(Map.of("margin", 1.0), Losses.create("ranking").parameters());
    assertEquals(Map.of(), Losses.create("cmpm").parameters());
    assertEquals(Map.of(), Losses.create("cmpc").parameters());
    assertEquals(Map.of("m", 4, "lambda", 0.0), Losses.create("mam").parameters());
    assertEquals(
        Map.of("a2", 0.2, "a1", -0.7, "a0", 0.5, "b2", 1.8, "b1", -0.3, "b0", 0.03),
        Losses.create("psw").parameters());
    assertEquals(
        Map.of("k", 10, "alpha", 50.0, "w", 0.1, "squeeze", "farthest"),
        Losses.create("sn").parameters());
    assertEquals(Map.of("m0", 0.1, "beta", 0.2), Losses.create("asm").parameters());
    assertEquals(Map.of("tau", 0.02), Losses.create("sdm").parameters());
    for (String n : Losses.names()) {
      Loss l = Losses.create(n);
      assertEquals(n, l.name());
      assertEquals(List.copyOf(l.parameters().keySet()), LossType.of(n).parameterKeys());
    }
  }

  @Test
  void namesAreCaseInsensitiveAndUnknownOnesAreListed() {
    assertEquals(new MamLoss(4, 0), Losses.create(" MAM "));
    assertEquals(
        "unknown loss 'mamm' (valid: instance, ranking, cmpm, cmpc, mam, psw, sn, asm, sdm)",
        error("mamm", Map.of()));
  }

  @Test
  void stringsAndNumbersAreParsed() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("m", "3");
    p.put("lambda", "2.5");
    assertEquals(new MamLoss(3, 2.5), Losses.create("mam", p));
    assertEquals(new MamLoss(2, 0), Losses.create("mam", Map.of("m", 2.0)));
    assertEquals(
        new SnLoss(4, 30, 0.2, "nearest"),
        Losses.create("sn", Map.of("k", "4", "alpha", 30, "w", "0.2", "squeeze", "Nearest")));
    assertEquals(
        new PswLoss(0.2, -0.7, 0.5, 1.8, -0.3, 0.1), Losses.create("psw", Map.of("b0", "0.1")));
  }

  @Test
  void unknownParametersAreRejectedWithTheValidKeys() {
    assertEquals(
        "unknown parameter 'margin' for loss 'mam' (valid: m, lambda)",
        error("mam", Map.of("margin", 1)));
    assertEquals(
        "unknown parameter 'tau' for loss 'cmpm' (it has no parameters)",
        error("cmpm", Map.of("tau", 1)));
    assertEquals(
        "unknown parameter 'K' for loss 'sn' (valid: k, alpha, w, squeeze)",
        error("sn", Map.of("K", 3)));
  }

  @Test
  void invalidValuesNameTheParameterValueAndRange() {
    assertEquals(
        "parameter 'm' of loss 'mam' is 7; valid: an integer in 1..5",
        error("mam", Map.of("m", 7)));
    assertEquals(
        "parameter 'm' of loss 'mam' is 2.5, expected an integer",
        error("mam", Map.of("m", "2.5")));
    assertEquals(
        "parameter 'm' of loss 'mam' is 'four', expected a number",
        error("mam", Map.of("m", "four")));
    assertEquals(
        "parameter 'lambda' of loss 'mam' is -1.0; valid: a finite number >= 0",
        error("mam", Map.of("lambda", -1)));
    assertEquals(
        "parameter 'alpha' of loss 'sn' is 0.0; valid: a finite number > 0",
        error("sn", Map.of("alpha", 0)));
    assertEquals(
        "parameter 'k' of loss 'sn' is 0; valid: an integer >= 1", error("sn", Map.of("k", 0)));
    assertEquals(
        "parameter 'squeeze' of loss 'sn' is middle; valid: one of farthest, nearest",
        error("sn", Map.of("squeeze", "middle")));
    assertEquals(
        "parameter 'a2' of loss 'psw' is NaN; valid: a finite number",
        error("psw", Map.of("a2", "NaN")));
    assertEquals(
        "parameter 'tau' of loss 'sdm' is -0.1; valid: a finite number > 0",
        error("sdm", Map.of("tau", -0.1)));
    assertEquals(
        "parameter 'margin' of loss 'ranking' is Infinity; valid: a finite number >= 0",
        error("ranking", Map.of("margin", "Infinity")));
    assertEquals(
        "parameter 'beta' of loss 'asm' is -0.2; valid: a finite number >= 0",
        error("asm", Map.of("beta", -0.2)));
    assertEquals(
        "parameter 'text_weight' of loss 'instance' is -1.0; valid: a finite number >= 0",
        error("instance", Map.of("text_weight", -1)));
  }

  @Test
  void withParameterCopiesAndValidates() {
    Loss mam = Losses.create("mam");
    Loss changed = mam.withParameter("lambda", "5");
    assertEquals(Map.of("m", 4, "lambda", 5.0), changed.parameters());
    assertEquals(Map.of("m", 4, "lambda", 0.0), mam.parameters());
    assertNotEquals(mam, changed);
    assertEquals(mam, changed.withParameter("lambda", 0));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> mam.withParameter("mm", 1));
    assertEquals("unknown parameter 'mm' for loss 'mam' (valid: m, lambda)", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> mam.withParameter("m", 6));
  }

  @Test
  void typedConstructorsValidateToo() {
    assertThrows(IllegalArgumentException.class, () -> new MamLoss(0, 0));
    assertThrows(IllegalArgumentException.class, () -> new SnLoss(1, 50, 0.1, "far"));
    assertThrows(IllegalArgumentException.class, () -> new SdmLoss(0));
    assertThrows(IllegalArgumentException.class, () -> new AsmLoss(Double.NaN, 0.2));
    assertThrows(IllegalArgumentException.class, () -> new RankingLoss(-0.1));
    assertThrows(
        IllegalArgumentException.class, () -> new PswLoss(0, 0, 0, 0, 0, Double.POSITIVE_INFINITY));
  }
}
