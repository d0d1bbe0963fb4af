package org.tbps4j.data.synth;

import java.awt.Color;
import java.util.Map;

/**
 * The RGB of every colour name the generator uses, per world. The colours are far apart so that
 * each name is recognisable after blur, noise and the world's lighting; each identity also gets a
 * small shade jitter of its own.
 */
final class Palette {
  private Palette() {}

  private static final Map<String, Color> GARMENT =
      Map.ofEntries(
          Map.entry("red", new Color(200, 28, 34)),
          Map.entry("orange", new Color(242, 128, 24)),
          Map.entry("yellow", new Color(238, 212, 36)),
          Map.entry("green", new Color(36, 142, 58)),
          Map.entry("blue", new Color(34, 78, 200)),
          Map.entry("purple", new Color(122, 52, 166)),
          Map.entry("pink", new Color(242, 112, 182)),
          Map.entry("white", new Color(240, 240, 236)),
          Map.entry("black", new Color(26, 26, 28)),
          Map.entry("grey", new Color(126, 126, 128)),
          Map.entry("brown", new Color(112, 70, 38)),
          Map.entry("beige", new Color(212, 188, 142)));

  private static final Map<String, Color> HAIR =
      Map.of(
          "black", new Color(22, 18, 16),
          "brown", new Color(104, 62, 30),
          "blonde", new Color(228, 196, 112),
          "grey", new Color(172, 172, 170));

  /**
   * The street world's garment colours: the same names drawn from other prototypes (the worlds
   * share a vocabulary, not an appearance).
   */
  private static final Map<String, Color> STREET_GARMENT =
      Map.ofEntries(
          Map.entry("red", new Color(184, 34, 44)),
          Map.entry("orange", new Color(232, 118, 30)),
          Map.entry("yellow", new Color(230, 200, 50)),
          Map.entry("green", new Color(46, 128, 70)),
          Map.entry("blue", new Color(40, 92, 186)),
          Map.entry("purple", new Color(110, 60, 150)),
          Map.entry("pink", new Color(234, 126, 176)),
          Map.entry("white", new Color(232, 232, 226)),
          Map.entry("black", new Color(32, 32, 36)),
          Map.entry("grey", new Color(120, 122, 126)),
          Map.entry("brown", new Color(120, 78, 44)),
          Map.entry("beige", new Color(196, 168, 120)));

  private static final Map<String, Color> STREET_HAIR =
      Map.of(
          "black", new Color(30, 24, 22),
          "brown", new Color(112, 70, 36),
          "blonde", new Color(222, 188, 104),
          "grey", new Color(164, 164, 162));

  /** Largest per-channel shade offset of an identity's garments in the studio. */
  static final int STUDIO_SHADE = 12;

  /** The same in the street (whose light also varies more). */
  static final int STREET_SHADE = 8;

  /** Skin tones (never described). */
  static final Color[] SKIN = {
    new Color(250, 218, 190),
    new Color(234, 192, 156),
    new Color(200, 150, 110),
    new Color(150, 102, 70),
    new Color(96, 64, 44)
  };

  /**
   * A garment, bag, shoe or cap colour.
   *
   * @param name a colour name of {@link Attribute}
   * @return its RGB
   */
  static Color garment(String name) {
    Color c = GARMENT.get(name);
    if (c == null) {
      throw new IllegalArgumentException("no garment colour named " + name);
    }
    return c;
  }

  /**
   * A colour by world.
   *
   * @param world the world
   * @param name a colour name of {@link Attribute}
   * @return its RGB in that world
   */
  static Color garment(World world, String name) {
    if (world == World.STUDIO) {
      return garment(name);
    }
    Color c = STREET_GARMENT.get(name);
    if (c == null) {
      throw new IllegalArgumentException("no garment colour named " + name);
    }
    return c;
  }

  /**
   * A hair colour by world.
   *
   * @param world the world
   * @param name a value of {@link Attribute#HAIR_COLOUR}
   * @return its RGB in that world
   */
  static Color hair(World world, String name) {
    if (world == World.STUDIO) {
      return hair(name);
    }
    Color c = STREET_HAIR.get(name);
    if (c == null) {
      throw new IllegalArgumentException("no hair colour named " + name);
    }
    return c;
  }

  /**
   * A hair colour.
   *
   * @param name a value of {@link Attribute#HAIR_COLOUR}
   * @return its RGB
   */
  static Color hair(String name) {
    Color c = HAIR.get(name);
    if (c == null) {
      throw new IllegalArgumentException("no hair colour named " + name);
    }
    return c;
  }

  /**
   * A colour shifted by a per-channel offset, clamped.
   *
   * @param c the colour
   * @param d offsets for R, G, B
   * @return the shifted colour
   */
  static Color shift(Color c, int[] d) {
    return new Color(
        clamp(c.getRed() + d[0]), clamp(c.getGreen() + d[1]), clamp(c.getBlue() + d[2]));
  }

  /**
   * The colour of stripes or checks on a garment: white on dark garments, near-black on light ones.
   *
   * @param c the garment colour
   * @return the contrast colour
   */
  static Color contrast(Color c) {
    double luma = 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue();
    return luma < 140 ? new Color(235, 235, 232) : new Color(30, 30, 34);
  }

  static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
