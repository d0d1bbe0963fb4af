package org.tbps4j.data.synth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Captions for synthetic people: a small grammar with synonyms and several sentence shapes, each
 * caption mentioning a random subset of the identity's attributes (as real annotators do), so some
 * captions fit several people. The attributes a caption mentions are returned with it: they are
 * exactly what the oracle may use.
 *
 * <p>Mention probabilities per caption: gender 0.75, hair 0.45 (then colour 0.8, length 0.7), upper
 * colour 0.9, sleeve 0.35, pattern 0.7 (0.15 when plain), lower type 0.7, lower colour 0.75, shoes
 * 0.35, bag 0.75 (bag colour 0.65; "no bag" 0.15), cap 0.7 (colour 0.7; "no hat" 0.1). At least two
 * attributes are always mentioned. Garment words never reveal an unmentioned attribute ("t-shirt"
 * only when short sleeves are mentioned). An attribute the picture hides is never mentioned (the
 * draws are the same, its mention is dropped); the upper colour and the lower type, which no
 * picture hides, keep every caption at two mentions or more. This is the {@link World#STUDIO}
 * grammar; {@link StreetGrammar} is the street's.
 */
public final class CaptionGrammar {

  /**
   * A caption and what it mentions.
   *
   * @param text the caption
   * @param mentions the attributes the text states, with the identity's values
   */
  public record Caption(String text, Map<Attribute, String> mentions) {
    /** Copies the mentions. */
    public Caption {
      mentions = Collections.unmodifiableMap(new EnumMap<>(mentions));
    }
  }

  private CaptionGrammar() {}

  /**
   * Writes one caption.
   *
   * @param person the identity described
   * @param rnd the caption's random source
   * @return the caption and its mentions
   */
  public static Caption caption(Identity person, Random rnd) {
    return caption(person, Set.of(), rnd);
  }

  /**
   * Writes one caption of a picture that hides some attributes.
   *
   * @param person the identity described
   * @param hidden attributes the picture does not show ({@link Shot#hidden}): never mentioned
   * @param rnd the caption's random source (the same draws whatever is hidden)
   * @return the caption and its mentions
   */
  public static Caption caption(Identity person, Set<Attribute> hidden, Random rnd) {
    Map<Attribute, String> m = chooseMentions(person, hidden, rnd);
    return new Caption(render(m, rnd), m);
  }

  static Map<Attribute, String> chooseMentions(Identity p, Set<Attribute> hidden, Random rnd) {
    Map<Attribute, String> m = new EnumMap<>(Attribute.class);
    Visible v = new Visible(p, hidden);
    put(m, v, Attribute.GENDER, rnd.nextDouble() < 0.75);
    if (rnd.nextDouble() < 0.45) {
      boolean colour = rnd.nextDouble() < 0.8;
      boolean length = rnd.nextDouble() < 0.7;
      if (!colour && !length) {
        colour = true;
      }
      put(m, v, Attribute.HAIR_COLOUR, colour);
      put(m, v, Attribute.HAIR_LENGTH, length);
    }
    put(m, v, Attribute.UPPER_COLOUR, rnd.nextDouble() < 0.9);
    put(m, v, Attribute.SLEEVE, rnd.nextDouble() < 0.35);
    double patternP = "plain".equals(p.get(Attribute.PATTERN)) ? 0.15 : 0.7;
    put(m, v, Attribute.PATTERN, rnd.nextDouble() < patternP);
    put(m, v, Attribute.LOWER_TYPE, rnd.nextDouble() < 0.7);
    put(m, v, Attribute.LOWER_COLOUR, rnd.nextDouble() < 0.75);
    put(m, v, Attribute.SHOE_COLOUR, rnd.nextDouble() < 0.35);
    boolean hasBag = !"none".equals(p.get(Attribute.BAG));
    if (rnd.nextDouble() < (hasBag ? 0.75 : 0.15)) {
      put(m, v, Attribute.BAG, true);
      put(m, v, Attribute.BAG_COLOUR, hasBag && rnd.nextDouble() < 0.65);
    }
    boolean hasHat = !"none".equals(p.get(Attribute.HAT));
    if (rnd.nextDouble() < (hasHat ? 0.7 : 0.1)) {
      put(m, v, Attribute.HAT, true);
      put(m, v, Attribute.HAT_COLOUR, hasHat && rnd.nextDouble() < 0.7);
    }
    if (m.size() < 2) {
      put(m, v, Attribute.UPPER_COLOUR, true);
      put(m, v, Attribute.LOWER_TYPE, true);
    }
    return m;
  }

  /** The values a picture shows: the person's, except what the picture hides. */
  record Visible(Identity person, Set<Attribute> hidden) {
    String get(Attribute a) {
      return hidden.contains(a) ? null : person.get(a);
    }
  }

  private static void put(Map<Attribute, String> m, Visible p, Attribute a, boolean on) {
    if (on && p.get(a) != null) {
      m.put(a, p.get(a));
    }
  }

  // --- rendering ------------------------------------------------------------------------------

  static String render(Map<Attribute, String> m, Random rnd) {
    String gender = m.get(Attribute.GENDER);
    String subject =
        pick(
            rnd,
            gender == null
                ? List.of("a person", "someone", "a pedestrian", "this person")
                : gender.equals("man")
                    ? List.of("a man", "a young man", "the man", "a guy", "a male pedestrian")
                    : List.of(
                        "a woman", "a young woman", "the woman", "a lady", "a female walker"));
    String pronoun = gender == null ? "the person" : gender.equals("man") ? "he" : "she";

    List<String> worn = new ArrayList<>();
    String upper = upperPhrase(m, rnd);
    String lower = lowerPhrase(m, rnd);
    String shoes = shoePhrase(m, rnd);
    String hat = hatPhrase(m, rnd);
    if (upper != null) {
      worn.add(upper);
    }
    if (lower != null) {
      worn.add(lower);
    }
    if (shoes != null) {
      worn.add(shoes);
    }
    if (hat != null) {
      worn.add(hat);
    }
    if (worn.size() > 1 && rnd.nextDouble() < 0.4) {
      Collections.shuffle(worn, rnd);
    }
    String hair = hairPhrase(m, rnd);
    String bag = bagPhrase(m, rnd);
    String noHat =
        "none".equals(m.get(Attribute.HAT)) ? pick(rnd, List.of("no hat", "no cap")) : null;

    int shape = rnd.nextInt(3);
    if (shape == 0 || (worn.isEmpty() && shape == 2)) {
      // one sentence: subject + participial clauses
      List<String> clauses = new ArrayList<>();
      if (!worn.isEmpty()) {
        clauses.add(pick(rnd, List.of("wearing ", "dressed in ", "in ")) + list(worn, rnd));
      }
      if (hair != null) {
        clauses.add("with " + hair);
      }
      if (bag != null) {
        clauses.add(pick(rnd, List.of("carrying ", "with ")) + bag);
      }
      if (noHat != null) {
        clauses.add("wearing " + noHat);
      }
      Collections.shuffle(clauses, rnd);
      String verb = pick(rnd, List.of("", " walking", " is walking", " stands", " is seen"));
      String text = subject + verb + (verb.isEmpty() ? " " : ", ") + joinClauses(clauses, rnd);
      return sentence(text);
    }
    if (shape == 1) {
      // several sentences
      List<String> sentences = new ArrayList<>();
      List<String> rest = new ArrayList<>();
      if (!worn.isEmpty()) {
        rest.add(pick(rnd, List.of(" is wearing ", " wears ", " has on ")) + list(worn, rnd));
      }
      if (hair != null) {
        rest.add(" has " + hair);
      }
      if (bag != null) {
        rest.add(
            bag.startsWith("no ")
                ? " carries " + bag
                : pick(rnd, List.of(" is carrying ", " carries ", " has ")) + bag);
      }
      if (noHat != null) {
        rest.add(" wears " + noHat);
      }
      Collections.shuffle(rest, rnd);
      sentences.add(sentence(subject + rest.get(0)));
      for (int i = 1; i < rest.size(); i++) {
        sentences.add(sentence(pronoun + rest.get(i)));
      }
      return String.join(" ", sentences);
    }
    // fronted: "Wearing A and B, a man walks with H, carrying X."
    StringBuilder sb =
        new StringBuilder(pick(rnd, List.of("wearing ", "dressed in ")) + list(worn, rnd) + ", ");
    sb.append(subject).append(pick(rnd, List.of(" walks", " is walking", " stands", " waits")));
    List<String> tail = new ArrayList<>();
    if (hair != null) {
      tail.add("with " + hair);
    }
    if (bag != null) {
      tail.add("carrying " + bag);
    }
    if (noHat != null) {
      tail.add("wearing " + noHat);
    }
    Collections.shuffle(tail, rnd);
    if (!tail.isEmpty()) {
      sb.append(' ').append(joinClauses(tail, rnd));
    }
    return sentence(sb.toString());
  }

  private static String upperPhrase(Map<Attribute, String> m, Random rnd) {
    String colour = m.get(Attribute.UPPER_COLOUR);
    String sleeve = m.get(Attribute.SLEEVE);
    String pattern = m.get(Attribute.PATTERN);
    if (colour == null && sleeve == null && pattern == null) {
      return null;
    }
    List<String> garments = new ArrayList<>(List.of("shirt", "top"));
    if ("short".equals(sleeve)) {
      garments.add("t-shirt");
    } else if ("long".equals(sleeve)) {
      garments.add("sweater");
    }
    String garment = pick(rnd, garments);
    List<String> pre = new ArrayList<>();
    List<String> post = new ArrayList<>();
    if (colour != null) {
      pre.add(colourWord(colour, rnd));
    }
    if (pattern != null) {
      boolean postfix = rnd.nextDouble() < 0.4;
      switch (pattern) {
        case "striped" ->
            (postfix ? post : pre)
                .add(
                    postfix
                        ? pick(rnd, List.of("with stripes", "with a striped pattern"))
                        : pick(rnd, List.of("striped", "stripy")));
        case "checked" ->
            (postfix ? post : pre)
                .add(
                    postfix
                        ? pick(rnd, List.of("with a checked pattern", "with checks"))
                        : pick(rnd, List.of("checked", "plaid", "checkered")));
        default -> pre.add(pick(rnd, List.of("plain", "solid-coloured")));
      }
    }
    if (sleeve != null && !garment.equals("t-shirt") && !garment.equals("sweater")) {
      boolean postfix = rnd.nextDouble() < 0.4;
      if (postfix) {
        post.add("with " + sleeve + " sleeves");
      } else {
        pre.add(sleeve + "-sleeved");
      }
    } else if (sleeve != null && rnd.nextDouble() < 0.5) {
      pre.add(sleeve + "-sleeved");
    }
    String np = String.join(" ", pre) + (pre.isEmpty() ? "" : " ") + garment;
    if (!post.isEmpty()) {
      np += " " + String.join(" and ", post);
    }
    return article(np) + np;
  }

  private static String lowerPhrase(Map<Attribute, String> m, Random rnd) {
    String type = m.get(Attribute.LOWER_TYPE);
    String colour = m.get(Attribute.LOWER_COLOUR);
    if (type == null && colour == null) {
      return null;
    }
    String noun =
        type == null
            ? "bottoms"
            : switch (type) {
              case "trousers" -> pick(rnd, List.of("trousers", "pants", "slacks"));
              case "shorts" -> "shorts";
              default -> "skirt";
            };
    String np = (colour == null ? "" : colourWord(colour, rnd) + " ") + noun;
    return noun.equals("skirt") ? article(np) + np : np;
  }

  private static String shoePhrase(Map<Attribute, String> m, Random rnd) {
    String colour = m.get(Attribute.SHOE_COLOUR);
    if (colour == null) {
      return null;
    }
    return colourWord(colour, rnd) + " " + pick(rnd, List.of("shoes", "sneakers", "footwear"));
  }

  private static String hatPhrase(Map<Attribute, String> m, Random rnd) {
    String hat = m.get(Attribute.HAT);
    if (hat == null || hat.equals("none")) {
      return null;
    }
    String colour = m.get(Attribute.HAT_COLOUR);
    String np =
        (colour == null ? "" : colourWord(colour, rnd) + " ") + pick(rnd, List.of("cap", "hat"));
    return article(np) + np;
  }

  private static String hairPhrase(Map<Attribute, String> m, Random rnd) {
    String colour = m.get(Attribute.HAIR_COLOUR);
    String length = m.get(Attribute.HAIR_LENGTH);
    if (colour == null && length == null) {
      return null;
    }
    String c =
        colour == null
            ? null
            : switch (colour) {
              case "blonde" -> pick(rnd, List.of("blonde", "blond"));
              case "grey" -> pick(rnd, List.of("grey", "gray"));
              default -> colour;
            };
    return (length == null ? "" : length + " ") + (c == null ? "" : c + " ") + "hair";
  }

  private static String bagPhrase(Map<Attribute, String> m, Random rnd) {
    String bag = m.get(Attribute.BAG);
    if (bag == null) {
      return null;
    }
    if (bag.equals("none")) {
      return pick(rnd, List.of("no bag", "no bags"));
    }
    String colour = m.get(Attribute.BAG_COLOUR);
    String noun =
        switch (bag) {
          case "backpack" -> pick(rnd, List.of("backpack", "rucksack"));
          case "handbag" -> pick(rnd, List.of("handbag", "purse"));
          default -> pick(rnd, List.of("shoulder bag", "messenger bag"));
        };
    String np = (colour == null ? "" : colourWord(colour, rnd) + " ") + noun;
    return article(np) + np;
  }

  private static String colourWord(String colour, Random rnd) {
    return switch (colour) {
      case "grey" -> pick(rnd, List.of("grey", "gray"));
      case "purple" -> pick(rnd, List.of("purple", "violet"));
      default -> colour;
    };
  }

  private static String article(String np) {
    char c = np.charAt(0);
    return "aeiou".indexOf(c) >= 0 ? "an " : "a ";
  }

  private static String list(List<String> items, Random rnd) {
    if (items.size() == 1) {
      return items.get(0);
    }
    String last = items.get(items.size() - 1);
    String head = String.join(", ", items.subList(0, items.size() - 1));
    return head + (rnd.nextDouble() < 0.3 && items.size() > 2 ? ", and " : " and ") + last;
  }

  private static String joinClauses(List<String> clauses, Random rnd) {
    if (clauses.size() == 1) {
      return clauses.get(0);
    }
    if (rnd.nextBoolean()) {
      return String.join(", ", clauses);
    }
    return String.join(", ", clauses.subList(0, clauses.size() - 1))
        + " and "
        + clauses.get(clauses.size() - 1);
  }

  private static String sentence(String s) {
    String t = s.trim();
    return Character.toUpperCase(t.charAt(0)) + t.substring(1) + ".";
  }

  private static String pick(Random rnd, List<String> options) {
    return options.get(rnd.nextInt(options.size()));
  }
}
