package org.tbps4j.data.synth;

/**
 * Minimum sizes of fine details. The renderers draw a person in a canonical frame (head top at y =
 * 0, soles at y = 100); a detail has a design size in that frame and a minimum in output pixels, so
 * that it stays legible however small the person is drawn. The minimum is given for an image 64
 * pixels high and scales with the height above that (a 2.4-pixel stripe at 64×32 is 4.8 pixels at
 * 128×64); below 64 pixels it stays as it is at 64.
 */
final class Sizes {
  private final double pxPerUnit;
  private final double heightFactor;

  /**
   * @param pxPerUnit output pixels per canonical unit of the person drawn
   * @param height output image height H
   */
  Sizes(double pxPerUnit, int height) {
    this.pxPerUnit = pxPerUnit;
    this.heightFactor = Math.max(1.0, height / 64.0);
  }

  /**
   * A detail's size in canonical units.
   *
   * @param units its design size
   * @param minPxAt64 its minimum in output pixels for a 64-pixel-high image
   * @return {@code max(units, minPxAt64 · max(1, H/64) / pxPerUnit)}
   */
  double at(double units, double minPxAt64) {
    return Math.max(units, minPxAt64 * heightFactor / pxPerUnit);
  }

  /**
   * Output pixels of a size in canonical units.
   *
   * @param units a size
   * @return its size in output pixels
   */
  double px(double units) {
    return units * pxPerUnit;
  }
}
