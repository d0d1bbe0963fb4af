package org.tbps4j.data.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a picture hides, so that its captions do not mention it. */
class ShotTest {

  private static Set<Attribute> hidden(boolean back, Shot.Occluder o, Map<Attribute, String> v) {
    return new Shot(back, o).hidden(Pictures.person(v, 1));
  }

  private static Map<Attribute, String> with(Attribute a, String value, Attribute b, String w) {
    Map<Attribute, String> v = Pictures.plain();
    v.put(a, value);
    v.put(b, w);
    return v;
  }

  @Test
  void aBackViewBackpackHidesThePatternOnly() {
    Map<Attribute, String> v = with(Attribute.BAG, "backpack", Attribute.BAG_COLOUR, "red");
    assertEquals(EnumSet.of(Attribute.PATTERN), hidden(true, Shot.Occluder.NONE, v));
    assertEquals(Set.of(), hidden(false, Shot.Occluder.NONE, v), "straps from the front");
    assertEquals(Set.of(), hidden(true, Shot.Occluder.NONE, Pictures.plain()), "no backpack");
  }

  @Test
  void aCapHidesShortHairFromTheFront() {
    Map<Attribute, String> v = with(Attribute.HAT, "cap", Attribute.HAT_COLOUR, "red");
    assertEquals(EnumSet.of(Attribute.HAIR_COLOUR), hidden(false, Shot.Occluder.NONE, v));
    assertEquals(Set.of(), hidden(true, Shot.Occluder.NONE, v), "the back of the head shows");
    v.put(Attribute.HAIR_LENGTH, "long");
    assertEquals(Set.of(), hidden(false, Shot.Occluder.NONE, v), "long hair shows below the cap");
  }

  @Test
  void occludersHideShoesOrTheBagOnTheirSide() {
    assertEquals(
        EnumSet.of(Attribute.SHOE_COLOUR), hidden(false, Shot.Occluder.LOW, Pictures.plain()));
    // no bag: a hidden side could hold one
    assertEquals(
        EnumSet.of(Attribute.BAG, Attribute.BAG_COLOUR),
        hidden(false, Shot.Occluder.LEFT, Pictures.plain()));
    for (String bag : new String[] {"handbag", "shoulder bag"}) {
      Map<Attribute, String> v = with(Attribute.BAG, bag, Attribute.BAG_COLOUR, "red");
      // the bag is on the image's right in a front view, on its left in a back view
      assertEquals(
          EnumSet.of(Attribute.BAG, Attribute.BAG_COLOUR), hidden(false, Shot.Occluder.RIGHT, v));
      assertEquals(Set.of(), hidden(false, Shot.Occluder.LEFT, v));
      assertEquals(
          EnumSet.of(Attribute.BAG, Attribute.BAG_COLOUR), hidden(true, Shot.Occluder.LEFT, v));
      assertEquals(Set.of(), hidden(true, Shot.Occluder.RIGHT, v));
    }
    Map<Attribute, String> pack = with(Attribute.BAG, "backpack", Attribute.BAG_COLOUR, "red");
    assertEquals(Set.of(), hidden(false, Shot.Occluder.LEFT, pack), "both straps show");
  }
}
