package org.tbps4j.data.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tbps4j.data.sample.Seeds;
import org.tbps4j.data.text.Tokenizer;

/** The street world's caption grammar: every mention stated, nothing false, nothing hidden. */
class StreetGrammarTest {
  static final SynthConfig CONFIG = new SynthConfig(300, 2, 2, 4, 64, 32, 1, World.STREET);

  /** Words that state a value in the street grammar (any one of them). */
  private static Set<String> words(Attribute a, String v) {
    if (a == Attribute.HAIR_LENGTH) {
      return v.equals("short") ? Set.of("cropped", "close") : Set.of("shoulder", "long");
    }
    if (a == Attribute.SLEEVE) {
      return v.equals("short") ? Set.of("half", "tee") : Set.of("full", "pullover");
    }
    return switch (v) {
      case "grey" -> a == Attribute.HAIR_COLOUR ? Set.of("grey", "silver") : Set.of("grey", "gray");
      case "black" -> Set.of("black", "jet");
      case "brown" -> Set.of("brown", "chestnut");
      case "blonde" -> Set.of("blonde", "fair");
      case "purple" -> Set.of("purple", "violet");
      case "trousers" -> Set.of("trousers", "ankle");
      case "shorts" -> Set.of("shorts");
      case "skirt" -> Set.of("skirt");
      case "backpack" -> Set.of("knapsack", "daypack", "backpack");
      case "handbag" -> Set.of("tote", "hand");
      case "shoulder bag" -> Set.of("satchel", "cross", "sling");
      case "none" -> a == Attribute.HAT ? Set.of("bare", "none") : Set.of("no", "nothing", "none");
      case "man" -> Set.of("gentleman", "male");
      case "woman" -> Set.of("female", "girl");
      case "cap" -> Set.of("cap");
      case "plain" -> Set.of("unpatterned", "single");
      case "striped" -> Set.of("banded");
      case "checked" -> Set.of("tartan", "gingham", "chequered");
      default -> Set.of(v);
    };
  }

  @Test
  void captionsStateTheirMentionsAndNothingFalseOrHidden() {
    List<Identity> people = SyntheticDataset.identities(CONFIG);
    Set<String> texts = new HashSet<>();
    for (Identity p : people) {
      for (int c = 0; c < 4; c++) {
        Set<Attribute> hidden =
            c % 2 == 0 ? Set.of() : EnumSet.of(Attribute.SHOE_COLOUR, Attribute.PATTERN);
        CaptionGrammar.Caption cap =
            StreetGrammar.caption(p, hidden, new Random(Seeds.mix(1, p.id(), c)));
        assertEquals(
            cap, StreetGrammar.caption(p, hidden, new Random(Seeds.mix(1, p.id(), c))), "pure");
        texts.add(cap.text());
        assertTrue(cap.mentions().size() >= 2, cap.toString());
        assertTrue(cap.text().endsWith("."), cap.text());
        assertFalse(cap.text().contains("  ") || cap.text().contains(" ."), cap.text());
        List<String> tokens = Tokenizer.tokenize(cap.text());
        for (Map.Entry<Attribute, String> m : cap.mentions().entrySet()) {
          assertFalse(hidden.contains(m.getKey()), "hidden " + m + " mentioned: " + cap.text());
          assertEquals(p.get(m.getKey()), m.getValue(), "a mention is a true value");
          assertTrue(
              words(m.getKey(), m.getValue()).stream().anyMatch(tokens::contains),
              m + " not stated in: " + cap.text());
        }
        // words never reveal what is not mentioned
        if (tokens.contains("tee")) {
          assertEquals("short", cap.mentions().get(Attribute.SLEEVE), cap.text());
        }
        if (tokens.contains("pullover")) {
          assertEquals("long", cap.mentions().get(Attribute.SLEEVE), cap.text());
        }
        if (tokens.contains("he") || tokens.contains("his") || tokens.contains("gentleman")) {
          assertEquals("man", cap.mentions().get(Attribute.GENDER), cap.text());
        }
        if (tokens.contains("she") || tokens.contains("her") || tokens.contains("girl")) {
          assertEquals("woman", cap.mentions().get(Attribute.GENDER), cap.text());
        }
      }
    }
    assertTrue(texts.size() > 1150, "captions vary: " + texts.size() + " distinct of 1200");
  }
}
