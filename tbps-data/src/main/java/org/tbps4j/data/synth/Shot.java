package org.tbps4j.data.synth;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * How one picture of a person is taken, decided before its captions are written (so that they never
 * mention what the picture hides): the view and what stands in front of the person.
 *
 * @param back true for a back view
 * @param occluder the object in front of the person ({@link Occluder#NONE} in the studio)
 */
public record Shot(boolean back, Occluder occluder) {

  /** An object between the camera and the person. */
  public enum Occluder {
    /** Nothing in front. */
    NONE,
    /** A low object (bench, wall, car bonnet, planter) in front of the shins and feet. */
    LOW,
    /** An upright object (post, trunk, sign) in front of the person's left side in the image. */
    LEFT,
    /** The same in front of the right side in the image. */
    RIGHT;

    /**
     * Name in {@code attributes.json}.
     *
     * @return e.g. {@code low}
     */
    public String jsonName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * The side of the image (−1 left, +1 right) on which a person carries a handbag or wears a
   * shoulder bag's body: their right hand, which is on the image's right in a front view.
   *
   * @return −1 or +1
   */
  public int bagSide() {
    return back ? -1 : 1;
  }

  /**
   * The attributes this picture does not show legibly, so its captions must not mention them: the
   * shirt pattern behind a back-view backpack; the colour of short hair under a cap seen from the
   * front (the cap covers the fringe); the shoes behind a low object; a handbag or shoulder bag
   * behind an upright object on its side, and the absence of a bag when one side is hidden.
   *
   * @param p the person
   * @return the hidden attributes (unmodifiable)
   */
  public Set<Attribute> hidden(Identity p) {
    Set<Attribute> h = EnumSet.noneOf(Attribute.class);
    String bag = p.get(Attribute.BAG);
    if (back && "backpack".equals(bag)) {
      h.add(Attribute.PATTERN);
    }
    if (!back
        && "cap".equals(p.get(Attribute.HAT))
        && "short".equals(p.get(Attribute.HAIR_LENGTH))) {
      h.add(Attribute.HAIR_COLOUR);
    }
    if (occluder == Occluder.LOW) {
      h.add(Attribute.SHOE_COLOUR);
    }
    int side = occluder == Occluder.LEFT ? -1 : occluder == Occluder.RIGHT ? 1 : 0;
    if (side != 0) {
      boolean sideBag = "handbag".equals(bag) || "shoulder bag".equals(bag);
      if ("none".equals(bag) || (sideBag && bagSide() == side)) {
        h.add(Attribute.BAG);
        h.add(Attribute.BAG_COLOUR);
      }
    }
    return Collections.unmodifiableSet(h);
  }
}
