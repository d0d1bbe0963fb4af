package org.tbps4j.data.synth;

import java.awt.Color;
import java.awt.Paint;

/**
 * The parts of a picture, for the renderers' mask mode: every shape is drawn with its part's flat
 * colour instead of its paint (no anti-aliasing, no lighting or noise), so a test can count which
 * part each pixel shows. Photos and masks run the same drawing code with the same random draws.
 */
enum Part {
  BACKGROUND,
  SKIN,
  HAIR,
  UPPER,
  ARM_UPPER,
  ARM_SKIN,
  PATTERN,
  LOWER,
  LEG_SKIN,
  SHOE,
  BAG,
  STRAP,
  HAT,
  OCCLUDER;

  private static final Part[] ALL = values();

  /** The flat mask colour: red channel 10·(ordinal + 1), green and blue 0. */
  Color maskColour() {
    return new Color(10 * (ordinal() + 1), 0, 0);
  }

  /**
   * The part a mask pixel shows.
   *
   * @param rgb a pixel of a mask ({@code BufferedImage.getRGB})
   * @return its part
   */
  static Part ofMask(int rgb) {
    int i = ((rgb >> 16) & 0xFF) / 10 - 1;
    if (i < 0 || i >= ALL.length) {
      throw new IllegalArgumentException("not a mask colour: " + Integer.toHexString(rgb));
    }
    return ALL[i];
  }

  /** What a renderer draws: a photo, or a mask of parts with or without the occluder. */
  enum Mode {
    PHOTO,
    MASK,
    MASK_WITHOUT_OCCLUDER;

    boolean mask() {
      return this != PHOTO;
    }

    /**
     * The paint of a shape.
     *
     * @param part its part
     * @param real its paint in a photo
     * @return {@code real}, or the part's mask colour in a mask
     */
    Paint paint(Part part, Paint real) {
      return this == PHOTO ? real : part.maskColour();
    }
  }
}
