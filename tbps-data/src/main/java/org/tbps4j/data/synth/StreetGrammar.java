package org.tbps4j.data.synth;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Captions of the {@link World#STREET} world: another grammar than {@link CaptionGrammar} for the
 * same attributes, so that a recipe is not tuned to one phrasing. Other nouns and synonyms ("upper
 * garment", "top", "tee", "pullover"; "legwear", "bottoms"; "trainers", "footwear"; "knapsack",
 * "tote", "satchel"; "baseball cap", "bare-headed"; "cropped", "shoulder-length", "fair"), other
 * adjectives ("banded", "tartan", "gingham", "unpatterned", "half-sleeve", "full-sleeve") and four
 * sentence shapes: an inventory from the feet up, a list of labelled fields, possessive sentences,
 * and a "look for" instruction.
 *
 * <p>Mention probabilities per caption: gender 0.6, hair 0.5 (then colour 0.7, length 0.75), upper
 * colour 0.85, sleeve 0.45, pattern 0.65 (0.25 when plain), lower type 0.65, lower colour 0.8,
 * shoes 0.5, bag 0.8 (bag colour 0.7; no bag 0.2), cap 0.75 (colour 0.75; bare-headed 0.15). At
 * least two attributes are always mentioned and hidden ones never ({@link Shot#hidden}); words
 * never reveal an unmentioned attribute ("tee" only with half sleeves mentioned, "pullover" only
 * with full sleeves, "he"/"she" only with the gender).
 */
final class StreetGrammar {
  private StreetGrammar() {}

  /**
   * Writes one caption.
   *
   * @param p the identity described
   * @param hidden what the picture hides
   * @param rnd the caption's random source
   * @return the caption and its mentions
   */
  static CaptionGrammar.Caption caption(Identity p, Set<Attribute> hidden, Random rnd) {
    Map<Attribute, String> m = chooseMentions(new CaptionGrammar.Visible(p, hidden), rnd);
    return new CaptionGrammar.Caption(render(m, rnd), m);
  }

  static Map<Attribute, String> chooseMentions(CaptionGrammar.Visible v, Random rnd) {
    Identity p = v.person();
    Map<Attribute, String> m = new EnumMap<>(Attribute.class);
    put(m, v, Attribute.GENDER, rnd.nextDouble() < 0.6);
    if (rnd.nextDouble() < 0.5) {
      boolean colour = rnd.nextDouble() < 0.7;
      boolean length = rnd.nextDouble() < 0.75;
      put(m, v, Attribute.HAIR_COLOUR, colour || !length);
      put(m, v, Attribute.HAIR_LENGTH, length);
    }
    put(m, v, Attribute.UPPER_COLOUR, rnd.nextDouble() < 0.85);
    put(m, v, Attribute.SLEEVE, rnd.nextDouble() < 0.45);
    double patternP = "plain".equals(p.get(Attribute.PATTERN)) ? 0.25 : 0.65;
    put(m, v, Attribute.PATTERN, rnd.nextDouble() < patternP);
    put(m, v, Attribute.LOWER_TYPE, rnd.nextDouble() < 0.65);
    put(m, v, Attribute.LOWER_COLOUR, rnd.nextDouble() < 0.8);
    put(m, v, Attribute.SHOE_COLOUR, rnd.nextDouble() < 0.5);
    boolean hasBag = !"none".equals(p.get(Attribute.BAG));
    if (rnd.nextDouble() < (hasBag ? 0.8 : 0.2)) {
      put(m, v, Attribute.BAG, true);
      put(m, v, Attribute.BAG_COLOUR, hasBag && rnd.nextDouble() < 0.7);
    }
    boolean hasHat = !"none".equals(p.get(Attribute.HAT));
    if (rnd.nextDouble() < (hasHat ? 0.75 : 0.15)) {
      put(m, v, Attribute.HAT, true);
      put(m, v, Attribute.HAT_COLOUR, hasHat && rnd.nextDouble() < 0.75);
    }
    if (m.size() < 2) {
      put(m, v, Attribute.LOWER_TYPE, true);
      put(m, v, Attribute.UPPER_COLOUR, true);
    }
    return m;
  }

  private static void put(
      Map<Attribute, String> m, CaptionGrammar.Visible v, Attribute a, boolean on) {
    if (on && v.get(a) != null) {
      m.put(a, v.get(a));
    }
  }

  // --- rendering ------------------------------------------------------------------------------

  /** The words of a caption's mentions, drawn once so that every shape uses the same ones. */
  private static final class Words {
    final String subject;
    final String noun; // for "the feet of the NOUN"
    final String pronoun;
    final String upperNoun;
    final List<String> upperAdjectives = new ArrayList<>(); // colour, pattern, sleeve
    final String lowerNp; // "grey knee-length shorts", "grey legwear"
    final String shoesNp;
    final String hair; // "cropped black hair"
    final String bagNp; // "a green satchel" or null for none
    final boolean noBag;
    final String capNp; // "a red baseball cap"
    final boolean bareHead;

    Words(Map<Attribute, String> m, Random rnd) {
      String g = m.get(Attribute.GENDER);
      if (g == null) {
        noun = pick(rnd, "individual", "figure", "subject");
        subject = noun.equals("subject") ? "the subject" : article(noun) + noun;
        pronoun = null;
      } else if (g.equals("man")) {
        noun = pick(rnd, "gentleman", "adult male", "male figure");
        subject = article(noun) + noun;
        pronoun = "he";
      } else {
        noun = pick(rnd, "female figure", "adult female", "girl");
        subject = article(noun) + noun;
        pronoun = "she";
      }
      String sleeve = m.get(Attribute.SLEEVE);
      List<String> nouns = new ArrayList<>(List.of("upper garment", "top", "upper-body garment"));
      if ("short".equals(sleeve)) {
        nouns.add("tee");
      } else if ("long".equals(sleeve)) {
        nouns.add("pullover");
      }
      upperNoun = pick(rnd, nouns.toArray(String[]::new));
      if (m.containsKey(Attribute.UPPER_COLOUR)) {
        upperAdjectives.add(colour(m.get(Attribute.UPPER_COLOUR), rnd));
      }
      String pattern = m.get(Attribute.PATTERN);
      if (pattern != null) {
        upperAdjectives.add(
            switch (pattern) {
              case "striped" -> pick(rnd, "banded", "horizontally banded");
              case "checked" -> pick(rnd, "tartan", "gingham", "chequered");
              default -> pick(rnd, "unpatterned", "single-tone");
            });
      }
      if (sleeve != null && !(upperNoun.equals("tee") || upperNoun.equals("pullover"))
          || sleeve != null && rnd.nextDouble() < 0.4) {
        upperAdjectives.add(sleeve.equals("short") ? "half-sleeve" : "full-sleeve");
      }
      String type = m.get(Attribute.LOWER_TYPE);
      String lc = m.get(Attribute.LOWER_COLOUR);
      String lowerNoun =
          type == null
              ? pick(rnd, "legwear", "bottoms", "lower garment")
              : switch (type) {
                case "trousers" ->
                    pick(rnd, "full-length trousers", "long trousers", "ankle-length legwear");
                case "shorts" -> pick(rnd, "shorts", "knee-length shorts");
                default -> pick(rnd, "skirt", "a-line skirt");
              };
      String np = (lc == null ? "" : colour(lc, rnd) + " ") + lowerNoun;
      lowerNp =
          (lowerNoun.endsWith("skirt") || lowerNoun.equals("lower garment"))
              ? article(np) + np
              : np;
      String sc = m.get(Attribute.SHOE_COLOUR);
      shoesNp =
          sc == null ? null : colour(sc, rnd) + " " + pick(rnd, "trainers", "footwear", "runners");
      String hl = m.get(Attribute.HAIR_LENGTH);
      String hc = m.get(Attribute.HAIR_COLOUR);
      if (hl == null && hc == null) {
        hair = null;
      } else {
        String len =
            hl == null
                ? null
                : hl.equals("short")
                    ? pick(rnd, "cropped", "close-cut")
                    : pick(rnd, "shoulder-length", "long");
        String col =
            hc == null
                ? null
                : switch (hc) {
                  case "black" -> pick(rnd, "black", "jet-black");
                  case "brown" -> pick(rnd, "brown", "chestnut");
                  case "blonde" -> pick(rnd, "blonde", "fair");
                  default -> pick(rnd, "grey", "silver");
                };
        hair = (len == null ? "" : len + " ") + (col == null ? "" : col + " ") + "hair";
      }
      String bag = m.get(Attribute.BAG);
      noBag = "none".equals(bag);
      if (bag == null || noBag) {
        bagNp = null;
      } else {
        String bn =
            switch (bag) {
              case "backpack" -> pick(rnd, "knapsack", "daypack", "backpack");
              case "handbag" -> pick(rnd, "tote", "tote bag", "hand-held bag");
              default -> pick(rnd, "satchel", "cross-body bag", "sling bag");
            };
        String bc = m.get(Attribute.BAG_COLOUR);
        String b = (bc == null ? "" : colour(bc, rnd) + " ") + bn;
        bagNp = article(b) + b;
      }
      String hat = m.get(Attribute.HAT);
      bareHead = "none".equals(hat);
      if (hat == null || bareHead) {
        capNp = null;
      } else {
        String hc2 = m.get(Attribute.HAT_COLOUR);
        String c =
            (hc2 == null ? "" : colour(hc2, rnd) + " ")
                + pick(rnd, "baseball cap", "peaked cap", "ball cap");
        capNp = article(c) + c;
      }
    }

    boolean hasUpper(Map<Attribute, String> m) {
      return m.containsKey(Attribute.UPPER_COLOUR)
          || m.containsKey(Attribute.PATTERN)
          || m.containsKey(Attribute.SLEEVE);
    }

    /** The upper garment's noun says its sleeves ("tee", "pullover"). */
    boolean nounTellsSleeve() {
      return upperNoun.equals("tee") || upperNoun.equals("pullover");
    }

    String upperNp() {
      String np = String.join(" ", upperAdjectives);
      np = np.isEmpty() ? upperNoun : np + " " + upperNoun;
      return article(np) + np;
    }

    boolean hasLower(Map<Attribute, String> m) {
      return m.containsKey(Attribute.LOWER_TYPE) || m.containsKey(Attribute.LOWER_COLOUR);
    }
  }

  static String render(Map<Attribute, String> m, Random rnd) {
    Words w = new Words(m, rnd);
    int shape = rnd.nextInt(4);
    List<String> worn = new ArrayList<>(); // from the feet up
    if (w.shoesNp != null) {
      worn.add(w.shoesNp);
    }
    if (w.hasLower(m)) {
      worn.add(w.lowerNp);
    }
    if (w.hasUpper(m)) {
      worn.add(w.upperNp());
    }
    if (w.capNp != null) {
      worn.add(w.capNp);
    }
    if (shape == 0 && worn.isEmpty()) {
      shape = 1;
    }
    return switch (shape) {
      case 0 -> inventory(w, worn, rnd);
      case 1 -> fields(w, m, rnd);
      case 2 -> possessive(w, m, rnd);
      default -> lookFor(w, worn, rnd);
    };
  }

  /** "White trainers, grey shorts and a red tee on an adult male, who has cropped black hair." */
  private static String inventory(Words w, List<String> worn, Random rnd) {
    StringBuilder sb = new StringBuilder(list(worn)).append(" on ").append(w.subject);
    List<String> extra = new ArrayList<>();
    if (w.hair != null) {
      extra.add("who has " + w.hair);
    }
    if (w.bagNp != null) {
      extra.add(pick(rnd, "toting ", "with ") + w.bagNp);
    } else if (w.noBag) {
      extra.add(pick(rnd, "with no luggage", "carrying nothing"));
    }
    if (w.bareHead) {
      extra.add("bare-headed");
    }
    for (String e : extra) {
      sb.append(", ").append(e);
    }
    return sentence(sb.toString());
  }

  /** "An adult male. Top: red, banded, half-sleeve. Bottoms: grey shorts. Footwear: white." */
  private static String fields(Words w, Map<Attribute, String> m, Random rnd) {
    List<String> parts = new ArrayList<>();
    parts.add(sentence(w.subject));
    if (w.hasUpper(m)) {
      String label = pick(rnd, "Top", "Upper garment");
      String value = String.join(", ", w.upperAdjectives);
      if (w.nounTellsSleeve()) {
        value = value.isEmpty() ? w.upperNp() : value + ", " + w.upperNoun;
      }
      parts.add(label + ": " + value + ".");
    }
    if (w.hasLower(m)) {
      parts.add(pick(rnd, "Bottoms", "Legwear") + ": " + w.lowerNp + ".");
    }
    if (w.shoesNp != null) {
      String label = w.shoesNp.endsWith("footwear") ? "Shoes" : pick(rnd, "Footwear", "Shoes");
      parts.add(label + ": " + w.shoesNp + ".");
    }
    if (w.hair != null) {
      parts.add("Hair: " + w.hair.substring(0, w.hair.length() - " hair".length()) + ".");
    }
    if (w.bagNp != null) {
      parts.add(pick(rnd, "Bag", "Luggage") + ": " + w.bagNp + ".");
    } else if (w.noBag) {
      parts.add("Luggage: none.");
    }
    if (w.capNp != null) {
      parts.add("Headwear: " + w.capNp + ".");
    } else if (w.bareHead) {
      parts.add("Headwear: none.");
    }
    return String.join(" ", parts);
  }

  /** "The top of the gentleman is red and banded. His lower half shows grey shorts. ..." */
  private static String possessive(Words w, Map<Attribute, String> m, Random rnd) {
    Owner o = new Owner(w);
    List<String> s = new ArrayList<>();
    if (w.hasUpper(m)) {
      s.add(
          w.upperAdjectives.isEmpty()
              ? o.of("top") + " is " + w.upperNp()
              : o.of(w.upperNoun) + " is " + list(w.upperAdjectives));
    }
    if (w.hasLower(m)) {
      s.add(o.of("lower half") + " shows " + w.lowerNp);
    }
    if (w.shoesNp != null) {
      s.add(o.of("feet") + " are in " + w.shoesNp);
    }
    if (w.hair != null) {
      s.add(o.of(w.hair) + " is visible");
    }
    if (w.capNp != null) {
      s.add(w.capNp + " sits on " + o.of("head"));
    } else if (w.bareHead) {
      s.add(o.of("head") + " is bare");
    }
    if (w.bagNp != null) {
      s.add(w.bagNp + " is carried");
    } else if (w.noBag) {
      s.add("no luggage is carried");
    }
    if (!o.named) {
      s.add(0, "this is " + w.subject);
    }
    List<String> out = new ArrayList<>();
    for (String x : s) {
      out.add(sentence(x));
    }
    return String.join(" ", out);
  }

  /** "the feet of the gentleman" the first time, "his feet" after (no possessive 's). */
  private static final class Owner {
    private final Words w;
    boolean named;

    Owner(Words w) {
      this.w = w;
    }

    String of(String thing) {
      if (!named) {
        named = true;
        return "the " + thing + " of the " + w.noun;
      }
      return (w.pronoun == null ? "their" : w.pronoun.equals("he") ? "his" : "her") + " " + thing;
    }
  }

  /** "Look for a gentleman sporting a red tee and grey shorts; cropped black hair; a satchel." */
  private static String lookFor(Words w, List<String> worn, Random rnd) {
    StringBuilder sb = new StringBuilder(pick(rnd, "look for ", "find ", "spot "));
    sb.append(w.subject);
    if (!worn.isEmpty()) {
      List<String> topDown = new ArrayList<>(worn);
      java.util.Collections.reverse(topDown);
      sb.append(pick(rnd, " sporting ", " clad in ", " donning ")).append(list(topDown));
    }
    if (w.hair != null) {
      sb.append("; ").append(w.hair);
    }
    if (w.bagNp != null) {
      sb.append("; ").append(pick(rnd, "toting ", "holding on to ")).append(w.bagNp);
    } else if (w.noBag) {
      sb.append("; no luggage");
    }
    if (w.bareHead) {
      sb.append("; bare-headed");
    }
    return sentence(sb.toString());
  }

  // --- words ----------------------------------------------------------------------------------

  private static String colour(String c, Random rnd) {
    return switch (c) {
      case "grey" -> pick(rnd, "grey", "gray");
      case "purple" -> pick(rnd, "purple", "violet");
      default -> c;
    };
  }

  private static String article(String np) {
    return "aeiou".indexOf(np.charAt(0)) >= 0 ? "an " : "a ";
  }

  private static String list(List<String> items) {
    if (items.size() == 1) {
      return items.get(0);
    }
    return String.join(", ", items.subList(0, items.size() - 1))
        + " and "
        + items.get(items.size() - 1);
  }

  private static String sentence(String s) {
    String t = s.trim();
    return Character.toUpperCase(t.charAt(0)) + t.substring(1) + (t.endsWith(".") ? "" : ".");
  }

  private static String pick(Random rnd, String... options) {
    return options[rnd.nextInt(options.length)];
  }
}
