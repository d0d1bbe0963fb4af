package org.tbps4j.data.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tbps4j.data.Split;
import org.tbps4j.data.sample.Seeds;
import org.tbps4j.data.text.Tokenizer;

class CaptionsAndPicturesTest {
  static final SynthConfig CONFIG = new SynthConfig(300, 2, 2, 4, 128, 64, 1);

  private static Set<String> words(Attribute a, String v) {
    return switch (v) {
      case "grey" -> Set.of("grey", "gray");
      case "purple" -> Set.of("purple", "violet");
      case "blonde" -> Set.of("blonde", "blond");
      case "trousers" -> Set.of("trousers", "pants", "slacks");
      case "backpack" -> Set.of("backpack", "rucksack");
      case "handbag" -> Set.of("handbag", "purse");
      case "shoulder bag" -> Set.of("shoulder", "messenger");
      case "none" -> Set.of("no");
      case "man" -> Set.of("man", "guy", "male", "he");
      case "woman" -> Set.of("woman", "lady", "female", "she");
      case "cap" -> Set.of("cap", "hat");
      case "plain" -> Set.of("plain", "solid");
      case "striped" -> Set.of("striped", "stripy", "stripes");
      case "checked" -> Set.of("checked", "plaid", "checkered", "checks");
      case "short" -> Set.of("short", "t"); // t-shirt
      case "long" -> Set.of("long", "sweater");
      default -> Set.of(v);
    };
  }

  @Test
  void captionsStateTheirMentionsAndNothingFalse() {
    List<Identity> people = SyntheticDataset.identities(CONFIG);
    Set<String> texts = new HashSet<>();
    for (Identity p : people) {
      for (int c = 0; c < 4; c++) {
        Random rnd = new Random(Seeds.mix(1, p.id(), c));
        CaptionGrammar.Caption cap = CaptionGrammar.caption(p, rnd);
        assertEquals(cap, CaptionGrammar.caption(p, new Random(Seeds.mix(1, p.id(), c))));
        texts.add(cap.text());
        assertTrue(cap.mentions().size() >= 2, cap.toString());
        assertTrue(cap.text().endsWith("."), cap.text());
        List<String> tokens = Tokenizer.tokenize(cap.text());
        for (Map.Entry<Attribute, String> m : cap.mentions().entrySet()) {
          assertEquals(p.get(m.getKey()), m.getValue(), "a mention is a true value");
          assertTrue(
              words(m.getKey(), m.getValue()).stream().anyMatch(tokens::contains),
              m + " not stated in: " + cap.text());
        }
        // garment words never leak an unmentioned sleeve length
        if (tokens.contains("t") && tokens.contains("shirt") && cap.text().contains("t-shirt")) {
          assertEquals("short", cap.mentions().get(Attribute.SLEEVE), cap.text());
        }
        if (tokens.contains("sweater")) {
          assertEquals("long", cap.mentions().get(Attribute.SLEEVE), cap.text());
        }
      }
    }
    assertTrue(texts.size() > 1150, "captions vary: " + texts.size() + " distinct of 1200");
  }

  @Test
  void garmentColoursAreFarApartEvenWithShadeAndLighting() {
    for (Attribute a :
        List.of(
            Attribute.UPPER_COLOUR,
            Attribute.LOWER_COLOUR,
            Attribute.SHOE_COLOUR,
            Attribute.BAG_COLOUR,
            Attribute.HAT_COLOUR)) {
      double worst = worstDistance(a.options());
      assertTrue(worst > 25, a + ": closest colours are only " + worst + " apart");
    }
  }

  /** Smallest RGB distance between two names when shades and lighting push them together. */
  private static double worstDistance(List<String> names) {
    double worst = Double.MAX_VALUE;
    for (int i = 0; i < names.size(); i++) {
      for (int j = i + 1; j < names.size(); j++) {
        Color a = Palette.garment(names.get(i));
        Color b = Palette.garment(names.get(j));
        // worst case: both shaded by 12 towards each other and lit by 8% in opposite directions
        double d = 0;
        int[] ca = {a.getRed(), a.getGreen(), a.getBlue()};
        int[] cb = {b.getRed(), b.getGreen(), b.getBlue()};
        for (int c = 0; c < 3; c++) {
          double gap = Math.abs(ca[c] - cb[c]) - 24 - 0.08 * (ca[c] + cb[c]);
          d += Math.max(0, gap) * Math.max(0, gap);
        }
        worst = Math.min(worst, Math.sqrt(d));
      }
    }
    return worst;
  }

  @Test
  void theUpperGarmentColourIsVisibleInThePicture() {
    for (String colour : Attribute.UPPER_COLOUR.options()) {
      Map<Attribute, String> v = new EnumMap<>(Attribute.class);
      v.put(Attribute.GENDER, "man");
      v.put(Attribute.HAIR_COLOUR, "black");
      v.put(Attribute.HAIR_LENGTH, "short");
      v.put(Attribute.UPPER_COLOUR, colour);
      v.put(Attribute.SLEEVE, "long");
      v.put(Attribute.PATTERN, "plain");
      v.put(Attribute.LOWER_TYPE, "trousers");
      v.put(Attribute.LOWER_COLOUR, colour.equals("black") ? "blue" : "black");
      v.put(Attribute.SHOE_COLOUR, "brown");
      v.put(Attribute.BAG, "none");
      v.put(Attribute.HAT, "none");
      Identity p = new Identity(1, Split.TRAIN, v, 1, 1.0, 1.0, new int[3]);
      for (int seed = 0; seed < 3; seed++) {
        BufferedImage img =
            PedestrianRenderer.render(
                p,
                new Shot(seed == 1, Shot.Occluder.NONE),
                new Random(Seeds.mix(seed, 99)),
                128,
                64,
                Part.Mode.PHOTO);
        Color target = Palette.garment(colour);
        int near = 0;
        for (int y = 0; y < 128; y++) {
          for (int x = 0; x < 64; x++) {
            Color c = new Color(img.getRGB(x, y));
            double d =
                Math.sqrt(
                    Math.pow(c.getRed() - target.getRed(), 2)
                        + Math.pow(c.getGreen() - target.getGreen(), 2)
                        + Math.pow(c.getBlue() - target.getBlue(), 2));
            near += d < 40 ? 1 : 0;
          }
        }
        // torso + sleeves are several hundred pixels at 128x64
        assertTrue(near > 250, colour + " (seed " + seed + "): only " + near + " pixels");
      }
    }
  }
}
