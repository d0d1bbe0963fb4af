package org.tbps4j.data.synth;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * Draws one picture of the {@link World#STUDIO} world with Java2D: a backdrop (gradient, blocks,
 * ground), the person (body shape and pose jitter, skin, hair, upper garment with sleeves and
 * pattern, lower garment, shoes, bag, cap; front or back view), then ±8% lighting, optional blur
 * and sensor noise. No occluders.
 *
 * <p>Legibility (docs/synthetic-data.md): every detail a caption can mention has a minimum size in
 * output pixels ({@link Sizes}; for a 64-pixel-high image: stripes 2.4 px with 3 px gaps, check
 * lines 1.6 px with 4 px gaps both ways, backpack straps 2.2 px, a shoulder bag's strap 2.2 px, a
 * handbag 5×4.5 px, the fringe 2 px, shoes 2.2 px high); gender is drawn by build (a man's
 * shoulders are 1.56× his hips, a woman's 0.64× hers; a man's arms are thicker too, far outside the
 * ±13% per-identity width jitter, which scales both); the back-view backpack leaves the upper
 * garment visible around it.
 *
 * <p>The person is drawn in a canonical frame (head top at y = 0, soles at y = 100, centred on x =
 * 0) mapped onto the image by scale, position and a small lean. All randomness comes from the
 * {@link Random} passed in, so an image is a pure function of its seed; the mask mode ({@link
 * Part.Mode}) runs the same code and draws. Math uses {@link StrictMath} so that the geometry is
 * the same on every JVM; Java2D's software rasteriser does the rest.
 */
final class PedestrianRenderer {
  private PedestrianRenderer() {}

  /** Shoulder half-width of a man, in canonical units, before the identity's width factor. */
  static final double MAN_SHOULDER = 12.2;

  /** Hip half-width of a man. */
  static final double MAN_HIP = 7.8;

  /** Shoulder half-width of a woman. */
  static final double WOMAN_SHOULDER = 7.4;

  /** Hip half-width of a woman. */
  static final double WOMAN_HIP = 11.6;

  /**
   * Renders one picture.
   *
   * @param p the identity
   * @param shot the view (the studio has no occluders)
   * @param rnd the image's random source
   * @param height image height H
   * @param width image width W
   * @param mode a photo, or a mask of parts
   * @return a {@code TYPE_3BYTE_BGR} image of {@code W×H}
   */
  static BufferedImage render(
      Identity p, Shot shot, Random rnd, int height, int width, Part.Mode mode) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = img.createGraphics();
    try {
      Object aa =
          mode.mask() ? RenderingHints.VALUE_ANTIALIAS_OFF : RenderingHints.VALUE_ANTIALIAS_ON;
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, aa);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      background(g, mode, rnd, height, width);
      person(g, mode, p, shot.back(), rnd, height, width);
    } finally {
      g.dispose();
    }
    if (mode.mask()) {
      return img;
    }
    byte[] px = Pixels.bgr(img);
    Pixels.scale(px, 0.92 + 0.16 * rnd.nextDouble());
    if (rnd.nextDouble() < 0.3) {
      Pixels.blur(px, height, width);
    }
    Pixels.noise(px, 1 + 5 * rnd.nextDouble(), rnd);
    return img;
  }

  // --- scene ----------------------------------------------------------------------------------

  static Color muted(Random rnd, double maxSat, double minB, double maxB) {
    float hue = rnd.nextFloat();
    float sat = (float) (maxSat * rnd.nextDouble());
    float bri = (float) (minB + (maxB - minB) * rnd.nextDouble());
    return Color.getHSBColor(hue, sat, bri);
  }

  private static void background(Graphics2D g, Part.Mode m, Random rnd, int h, int w) {
    Part bg = Part.BACKGROUND;
    g.setPaint(
        m.paint(
            bg,
            new GradientPaint(0, 0, muted(rnd, 0.35, 0.35, 0.9), 0, h, muted(rnd, 0.3, 0.3, 0.8))));
    g.fill(new Rectangle2D.Double(0, 0, w, h));
    int blocks = rnd.nextInt(5);
    for (int i = 0; i < blocks; i++) {
      g.setPaint(m.paint(bg, muted(rnd, 0.4, 0.2, 0.85)));
      double bx = (rnd.nextDouble() * 1.2 - 0.2) * w;
      double by = rnd.nextDouble() * 0.6 * h;
      g.fill(
          new Rectangle2D.Double(
              bx, by, (0.15 + 0.5 * rnd.nextDouble()) * w, (0.1 + 0.35 * rnd.nextDouble()) * h));
    }
    double groundY = (0.68 + 0.17 * rnd.nextDouble()) * h;
    g.setPaint(m.paint(bg, muted(rnd, 0.15, 0.3, 0.7)));
    g.fill(new Rectangle2D.Double(0, groundY, w, h - groundY));
  }

  // --- person ---------------------------------------------------------------------------------

  private static void person(
      Graphics2D g, Part.Mode m, Identity p, boolean back, Random rnd, int h, int w) {
    boolean woman = "woman".equals(p.get(Attribute.GENDER));
    double heightPx = (0.80 + 0.12 * rnd.nextDouble()) * h * p.bodyHeight();
    double feetY = h - (h - heightPx) * (0.1 + 0.5 * rnd.nextDouble());
    double jitterX = rnd.nextDouble() - 0.5;
    double lean = StrictMath.toRadians((rnd.nextDouble() - 0.5) * 5);
    double swing = StrictMath.toRadians(4 + 9 * rnd.nextDouble());
    double spread = 1.0 + 3.0 * rnd.nextDouble();
    double s = heightPx / 100.0;
    Sizes z = new Sizes(s, h);

    double bw = p.bodyWidth();
    double shoulder = (woman ? WOMAN_SHOULDER : MAN_SHOULDER) * bw;
    double hip = (woman ? WOMAN_HIP : MAN_HIP) * bw;
    int side = back ? -1 : 1; // the side that holds a handbag / wears the shoulder bag
    String bag = p.get(Attribute.BAG);
    double armW = z.at((woman ? 3.8 : 4.6) * bw, 2.0);
    // a man's arms hang outside his shoulders, a woman's over hers
    double armX = woman ? shoulder - armW / 2 : shoulder - 0.8;
    double[] left = arm(-armX, -1, swing);
    double[] right = arm(armX, 1, -swing * 0.8);
    double handbagW = z.at(10.5, 5.0);
    double handbagH = z.at(9.5, 4.5);
    double bagBody = z.at(9, 4.5);
    double packEdge = z.at(2.5, 1.5);

    // keep the whole figure inside the frame
    double ext = Math.max(Math.abs(left[4]), Math.abs(right[4])) + 2.5;
    if (bag.equals("handbag")) {
      ext = Math.max(ext, Math.abs(side > 0 ? right[4] : left[4]) + handbagW / 2 + 0.5);
    }
    ext = Math.max(ext, hip + (bag.equals("shoulder bag") ? 1 + bagBody : 6));
    ext = Math.max(ext, shoulder + packEdge + 0.5);
    ext += 55 * Math.abs(StrictMath.sin(lean)); // the lean moves the hands and bags aside
    double half = ext * s;
    double cx = w / 2.0 + jitterX * 0.16 * w;
    cx = half >= w / 2.0 ? w / 2.0 : Math.max(half, Math.min(w - half, cx));
    g.translate(cx, feetY);
    g.rotate(lean);
    g.scale(s, s);
    g.translate(0, -100);

    Color skin = Palette.SKIN[p.skin()];
    Color hair = Palette.hair(p.get(Attribute.HAIR_COLOUR));
    Color upper = Palette.shift(Palette.garment(p.get(Attribute.UPPER_COLOUR)), p.shade());
    Color lower = Palette.shift(Palette.garment(p.get(Attribute.LOWER_COLOUR)), p.shade());
    Color shoes = Palette.garment(p.get(Attribute.SHOE_COLOUR));
    Color bagColour = bag.equals("none") ? null : Palette.garment(p.get(Attribute.BAG_COLOUR));
    boolean longHair = "long".equals(p.get(Attribute.HAIR_LENGTH));
    boolean longSleeve = "long".equals(p.get(Attribute.SLEEVE));
    String lowerType = p.get(Attribute.LOWER_TYPE);

    // backpack edges seen beside the body from the front
    if (bag.equals("backpack") && !back) {
      g.setPaint(m.paint(Part.BAG, bagColour));
      double half2 = Math.max(shoulder, hip * 0.95) + packEdge;
      g.fill(new RoundRectangle2D.Double(-half2, 21, 2 * half2, 22, 4, 4));
    }
    // legs
    double legW = z.at(6.4 * bw, 2.5);
    double lx = Math.max(3.6, 0.48 * hip);
    Shape leftLeg = new Line2D.Double(-lx, 54, -lx - spread, 94.5);
    Shape rightLeg = new Line2D.Double(lx, 54, lx + spread, 94.5);
    boolean trousers = lowerType.equals("trousers");
    g.setStroke(new BasicStroke((float) legW, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    g.setPaint(trousers ? m.paint(Part.LOWER, lower) : m.paint(Part.LEG_SKIN, skin));
    g.draw(leftLeg);
    g.draw(rightLeg);
    if (lowerType.equals("shorts")) {
      g.setPaint(m.paint(Part.LOWER, lower));
      g.setStroke(
          new BasicStroke((float) (legW + 0.8), BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND));
      g.draw(new Line2D.Double(-lx, 52, -lx - spread * 0.3, 66));
      g.draw(new Line2D.Double(lx, 52, lx + spread * 0.3, 66));
    }
    // shoes
    double shoeH = z.at(5.2, 2.2);
    double shoeW = z.at(8.4, 3.5);
    g.setPaint(m.paint(Part.SHOE, shoes));
    g.fill(new Ellipse2D.Double(-lx - spread - shoeW / 2 - 0.2, 99.8 - shoeH, shoeW, shoeH));
    g.fill(new Ellipse2D.Double(lx + spread - shoeW / 2 + 0.2, 99.8 - shoeH, shoeW, shoeH));
    // hips / skirt
    g.setPaint(m.paint(Part.LOWER, lower));
    if (lowerType.equals("skirt")) {
      Path2D skirt = new Path2D.Double();
      skirt.moveTo(-hip + 0.5, 48);
      skirt.lineTo(hip - 0.5, 48);
      skirt.lineTo(hip + 4.5, 73);
      skirt.lineTo(-hip - 4.5, 73);
      skirt.closePath();
      g.fill(skirt);
    } else {
      g.fill(new Rectangle2D.Double(-hip, 49, 2 * hip, 9));
    }
    // torso
    Path2D torso = new Path2D.Double();
    torso.moveTo(-shoulder + 2.5, 18.5);
    torso.lineTo(shoulder - 2.5, 18.5);
    torso.quadTo(shoulder, 18.8, shoulder, 22.5);
    torso.lineTo(hip * 0.95, 52.5);
    torso.lineTo(-hip * 0.95, 52.5);
    torso.lineTo(-shoulder, 22.5);
    torso.quadTo(-shoulder, 18.8, -shoulder + 2.5, 18.5);
    torso.closePath();
    g.setPaint(m.paint(Part.UPPER, upper));
    g.fill(torso);
    pattern(g, m, z, torso, p.get(Attribute.PATTERN), Palette.contrast(upper));
    // arms
    String pat = p.get(Attribute.PATTERN);
    drawArm(g, m, z, left, (float) armW, skin, upper, longSleeve, pat);
    drawArm(g, m, z, right, (float) armW, skin, upper, longSleeve, pat);
    // backpack seen from behind: smaller than the back, the garment shows around it
    if (bag.equals("backpack") && back) {
      double pw = Math.max(1.2 * shoulder, z.at(0, 5));
      RoundRectangle2D pack = new RoundRectangle2D.Double(-pw / 2, 24, pw, 19, 4, 4);
      g.setPaint(m.paint(Part.BAG, bagColour));
      g.fill(pack);
      g.setPaint(m.paint(Part.BAG, bagColour.darker()));
      g.setStroke(new BasicStroke((float) z.at(0.9, 0.6)));
      g.draw(new Line2D.Double(-pw / 2 + 1, 30, pw / 2 - 1, 30));
    }
    if (bag.equals("backpack") && !back) {
      double strap = z.at(3.0, 2.2);
      double sx = Math.max(shoulder - 2.4 - strap / 2, strap / 2 + 2.2);
      g.setPaint(m.paint(Part.STRAP, bagColour));
      g.setStroke(new BasicStroke((float) strap, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND));
      g.draw(new Line2D.Double(-sx, 18.6, -sx - 0.4, 42));
      g.draw(new Line2D.Double(sx, 18.6, sx + 0.4, 42));
    }
    if (bag.equals("shoulder bag")) {
      g.setPaint(m.paint(Part.STRAP, bagColour));
      g.setStroke(
          new BasicStroke((float) z.at(2.4, 2.2), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      g.draw(new Line2D.Double(-side * (shoulder - 3), 19, side * (hip + 1), 47));
      g.setPaint(m.paint(Part.BAG, bagColour));
      g.fill(
          new RoundRectangle2D.Double(
              side > 0 ? hip - 2 : -hip + 2 - bagBody, 45.5, bagBody, bagBody, 2, 2));
    }
    if (bag.equals("handbag")) {
      double[] hand = side > 0 ? right : left;
      double hx = hand[4];
      double hy = hand[5];
      g.setPaint(m.paint(Part.BAG, bagColour));
      g.setStroke(new BasicStroke((float) z.at(1.1, 0.8)));
      g.draw(new Ellipse2D.Double(hx - 2.6, hy - 1.5, 5.2, 5));
      g.fill(new RoundRectangle2D.Double(hx - handbagW / 2, hy + 2, handbagW, handbagH, 2, 2));
    }
    // long hair: down the back; from the front, two strands over the shoulders beside the neck
    if (longHair) {
      g.setPaint(m.paint(Part.HAIR, hair));
      if (back) {
        g.fill(new RoundRectangle2D.Double(-7.2, 5, 14.4, 25, 6, 6));
      } else {
        double strand = z.at(3.4, 2.0);
        g.fill(new RoundRectangle2D.Double(-2.0 - strand, 6, strand, 22, strand, strand));
        g.fill(new RoundRectangle2D.Double(2.0, 6, strand, 22, strand, strand));
      }
    }
    // neck and head
    g.setPaint(m.paint(Part.SKIN, skin));
    g.fill(new Rectangle2D.Double(-2.2, 14, 4.4, 5.5));
    Ellipse2D head = new Ellipse2D.Double(-6, 1.6, 12, 14.2);
    g.setPaint(m.paint(Part.HAIR, hair));
    if (back) {
      g.fill(head);
    } else {
      double fringe = z.at(3.4, 2.2);
      g.fill(new Ellipse2D.Double(-6.3, 1.2, 12.6, 12.6));
      double faceTop = 1.2 + fringe;
      g.setPaint(m.paint(Part.SKIN, skin));
      g.fill(new Ellipse2D.Double(-5.2, faceTop, 10.4, 15.8 - faceTop));
      g.setPaint(m.paint(Part.SKIN, new Color(40, 30, 28)));
      double eyeY = faceTop + 0.35 * (15.8 - faceTop);
      g.fill(new Ellipse2D.Double(-2.9, eyeY, 1.3, 1.3));
      g.fill(new Ellipse2D.Double(1.6, eyeY, 1.3, 1.3));
    }
    if ("cap".equals(p.get(Attribute.HAT))) {
      Color cap = Palette.garment(p.get(Attribute.HAT_COLOUR));
      g.setPaint(m.paint(Part.HAT, cap));
      Shape old = g.getClip();
      g.clip(new Rectangle2D.Double(-10, -5, 20, 11.2));
      g.fill(new Ellipse2D.Double(-6.8, 0.2, 13.6, 12));
      g.setClip(old);
      if (!back) {
        double brim = z.at(2.2, 1.2);
        g.fill(new RoundRectangle2D.Double(-7.6, 4.9, 15.2, brim, 1.5, 1.5));
      }
    }
  }

  /** Shoulder, elbow and hand positions {x0, y0, x1, y1, x2, y2} of an arm. */
  private static double[] arm(double x0, int outward, double swing) {
    double y0 = 21.5;
    double x1 = x0 + outward * 1.2 + StrictMath.sin(swing) * 15;
    double y1 = y0 + StrictMath.cos(swing) * 15;
    double x2 = x1 + outward * 0.4 + StrictMath.sin(swing * 1.35) * 14;
    double y2 = y1 + StrictMath.cos(swing * 1.35) * 14;
    return new double[] {x0, y0, x1, y1, x2, y2};
  }

  private static void drawArm(
      Graphics2D g,
      Part.Mode m,
      Sizes z,
      double[] a,
      float width,
      Color skin,
      Color sleeve,
      boolean longSleeve,
      String pattern) {
    BasicStroke stroke = new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    g.setStroke(stroke);
    Path2D path = new Path2D.Double();
    path.moveTo(a[0], a[1]);
    path.lineTo(a[2], a[3]);
    path.lineTo(a[4], a[5]);
    g.setPaint(longSleeve ? m.paint(Part.ARM_UPPER, sleeve) : m.paint(Part.ARM_SKIN, skin));
    g.draw(path);
    Shape cloth = stroke.createStrokedShape(path);
    if (!longSleeve) {
      g.setPaint(m.paint(Part.ARM_UPPER, sleeve));
      BasicStroke wide =
          new BasicStroke(width + 0.8f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
      g.setStroke(wide);
      double mx = a[0] + 0.55 * (a[2] - a[0]);
      double my = a[1] + 0.55 * (a[3] - a[1]);
      Line2D upperArm = new Line2D.Double(a[0], a[1], mx, my);
      g.draw(upperArm);
      cloth = wide.createStrokedShape(upperArm);
    }
    pattern(g, m, z, cloth, pattern, Palette.contrast(sleeve)); // the sleeve has the top's pattern
    double hand = Math.max(4.6, z.at(0, 2.0));
    g.setPaint(m.paint(Part.ARM_SKIN, skin));
    g.fill(new Ellipse2D.Double(a[4] - hand / 2, a[5] - 1.6, hand, hand + 0.2));
  }

  /**
   * Stripes (horizontal bands) or checks (vertical and horizontal lines, a vertical one on the
   * body's axis) in the garment's contrast colour, clipped to a part of the garment (torso or
   * sleeve; the same lines run across both).
   */
  private static void pattern(
      Graphics2D g, Part.Mode m, Sizes z, Shape torso, String pattern, Color c) {
    if (pattern.equals("plain")) {
      return;
    }
    Shape old = g.getClip();
    g.clip(torso);
    g.setPaint(m.paint(Part.PATTERN, c));
    if (pattern.equals("striped")) {
      double band = z.at(3.6, 2.4);
      double gap = z.at(5.0, 3.0);
      for (double y = 18.5 + 0.5 * gap; y < 53; y += band + gap) {
        g.fill(new Rectangle2D.Double(-30, y, 60, band));
      }
    } else {
      double line = z.at(2.4, 1.6);
      double gap = z.at(7.0, 4.0);
      double period = line + gap;
      for (int k = -6; k <= 6; k++) { // one vertical line on the body's axis
        g.fill(new Rectangle2D.Double(k * period - line / 2, 18, line, 36));
      }
      for (double y = 18.5 + 0.6 * gap; y < 53; y += period) {
        g.fill(new Rectangle2D.Double(-30, y, 60, line));
      }
    }
    g.setClip(old);
  }
}
