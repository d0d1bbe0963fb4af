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
import java.awt.image.DataBufferByte;
import java.util.Random;

/**
 * Draws one synthetic pedestrian photo with Java2D: background (gradient sky/wall, blocks, ground),
 * the person (body shape and pose jitter, skin, hair, upper garment with sleeves and pattern, lower
 * garment, shoes, bag, cap; front or back view), an optional occluder, then ±8% lighting, optional
 * blur and sensor noise.
 *
 * <p>The person is drawn in a canonical frame (head top at y = 0, soles at y = 100, centred on x =
 * 0) mapped onto the image by scale, position and a small lean. All randomness comes from the
 * {@link Random} passed in, so an image is a pure function of its seed. Math uses {@link
 * StrictMath} so that the geometry is the same on every JVM; Java2D's software rasteriser does the
 * rest.
 */
final class PedestrianRenderer {
  private PedestrianRenderer() {}

  /**
   * Renders one image.
   *
   * @param p the identity
   * @param back true for a back view
   * @param rnd the image's random source
   * @param height image height H
   * @param width image width W
   * @return a {@code TYPE_3BYTE_BGR} image of {@code W×H}
   */
  static BufferedImage render(Identity p, boolean back, Random rnd, int height, int width) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      background(g, rnd, height, width);
      person(g, p, back, rnd, height, width);
      occluder(g, rnd, height, width);
    } finally {
      g.dispose();
    }
    byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    lighting(px, 0.92 + 0.16 * rnd.nextDouble());
    if (rnd.nextDouble() < 0.3) {
      blur(px, height, width);
    }
    noise(px, 1 + 5 * rnd.nextDouble(), rnd);
    return img;
  }

  // --- scene ----------------------------------------------------------------------------------

  private static Color muted(Random rnd, double maxSat, double minB, double maxB) {
    float hue = rnd.nextFloat();
    float sat = (float) (maxSat * rnd.nextDouble());
    float bri = (float) (minB + (maxB - minB) * rnd.nextDouble());
    return Color.getHSBColor(hue, sat, bri);
  }

  private static void background(Graphics2D g, Random rnd, int h, int w) {
    g.setPaint(
        new GradientPaint(0, 0, muted(rnd, 0.35, 0.35, 0.9), 0, h, muted(rnd, 0.3, 0.3, 0.8)));
    g.fill(new Rectangle2D.Double(0, 0, w, h));
    int blocks = rnd.nextInt(5);
    for (int i = 0; i < blocks; i++) {
      g.setColor(muted(rnd, 0.4, 0.2, 0.85));
      double bx = (rnd.nextDouble() * 1.2 - 0.2) * w;
      double by = rnd.nextDouble() * 0.6 * h;
      g.fill(
          new Rectangle2D.Double(
              bx, by, (0.15 + 0.5 * rnd.nextDouble()) * w, (0.1 + 0.35 * rnd.nextDouble()) * h));
    }
    double groundY = (0.68 + 0.17 * rnd.nextDouble()) * h;
    g.setColor(muted(rnd, 0.15, 0.3, 0.7));
    g.fill(new Rectangle2D.Double(0, groundY, w, h - groundY));
  }

  private static void occluder(Graphics2D g, Random rnd, int h, int w) {
    if (rnd.nextDouble() >= 0.2) {
      return;
    }
    g.setColor(muted(rnd, 0.5, 0.15, 0.85));
    switch (rnd.nextInt(3)) {
      case 0 -> { // pole
        double pw = (0.05 + 0.06 * rnd.nextDouble()) * w;
        g.fill(new Rectangle2D.Double(rnd.nextDouble() * (w - pw), 0, pw, h));
      }
      case 1 -> { // low obstacle: bench, car bonnet
        double top = (0.76 + 0.12 * rnd.nextDouble()) * h;
        double x = (rnd.nextDouble() * 0.6 - 0.2) * w;
        g.fill(new Rectangle2D.Double(x, top, (0.6 + 0.6 * rnd.nextDouble()) * w, h - top));
      }
      default -> { // something at one side
        double sw = (0.15 + 0.15 * rnd.nextDouble()) * w;
        double top = (0.3 + 0.3 * rnd.nextDouble()) * h;
        double x = rnd.nextBoolean() ? 0 : w - sw;
        g.fill(new Rectangle2D.Double(x, top, sw, h - top));
      }
    }
  }

  // --- person ---------------------------------------------------------------------------------

  private static void person(Graphics2D g, Identity p, boolean back, Random rnd, int h, int w) {
    boolean woman = "woman".equals(p.get(Attribute.GENDER));
    double heightPx = (0.74 + 0.18 * rnd.nextDouble()) * h * p.bodyHeight();
    double feetY = (0.93 + 0.06 * rnd.nextDouble()) * h;
    double cx = w / 2.0 + (rnd.nextDouble() - 0.5) * 0.2 * w;
    double lean = StrictMath.toRadians((rnd.nextDouble() - 0.5) * 6);
    double s = heightPx / 100.0;
    g.translate(cx, feetY);
    g.rotate(lean);
    g.scale(s, s);
    g.translate(0, -100);

    double bw = p.bodyWidth();
    double shoulder = (woman ? 9.6 : 10.8) * bw;
    double hip = (woman ? 9.6 : 8.8) * bw;
    double swing = StrictMath.toRadians(4 + 12 * rnd.nextDouble());
    double spread = 1.0 + 3.5 * rnd.nextDouble();
    int side = back ? -1 : 1; // the side that holds a handbag / wears the shoulder bag

    Color skin = Palette.SKIN[p.skin()];
    Color hair = Palette.hair(p.get(Attribute.HAIR_COLOUR));
    Color upper = Palette.shift(Palette.garment(p.get(Attribute.UPPER_COLOUR)), p.shade());
    Color lower = Palette.shift(Palette.garment(p.get(Attribute.LOWER_COLOUR)), p.shade());
    Color shoes = Palette.garment(p.get(Attribute.SHOE_COLOUR));
    String bag = p.get(Attribute.BAG);
    Color bagColour = bag.equals("none") ? null : Palette.garment(p.get(Attribute.BAG_COLOUR));
    boolean longHair = "long".equals(p.get(Attribute.HAIR_LENGTH));
    boolean longSleeve = "long".equals(p.get(Attribute.SLEEVE));
    String lowerType = p.get(Attribute.LOWER_TYPE);

    // backpack edges seen behind the body from the front
    if (bag.equals("backpack") && !back) {
      g.setColor(bagColour);
      g.fill(new RoundRectangle2D.Double(-shoulder - 1.8, 22, 2 * shoulder + 3.6, 22, 4, 4));
    }
    // legs
    double legW = 6.4 * bw;
    double lx = 4.2 * bw;
    Shape leftLeg = new Line2D.Double(-lx, 54, -lx - spread, 94.5);
    Shape rightLeg = new Line2D.Double(lx, 54, lx + spread, 94.5);
    boolean trousers = lowerType.equals("trousers");
    g.setStroke(new BasicStroke((float) legW, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    g.setColor(trousers ? lower : skin);
    g.draw(leftLeg);
    g.draw(rightLeg);
    if (lowerType.equals("shorts")) {
      g.setColor(lower);
      g.setStroke(
          new BasicStroke((float) (legW + 0.6), BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND));
      g.draw(new Line2D.Double(-lx, 52, -lx - spread * 0.35, 68));
      g.draw(new Line2D.Double(lx, 52, lx + spread * 0.35, 68));
    }
    // shoes
    g.setColor(shoes);
    g.fill(new Ellipse2D.Double(-lx - spread - 4.4, 94.6, 8.4, 5.2));
    g.fill(new Ellipse2D.Double(lx + spread - 4.0, 94.6, 8.4, 5.2));
    // hips / skirt
    g.setColor(lower);
    if (lowerType.equals("skirt")) {
      Path2D skirt = new Path2D.Double();
      skirt.moveTo(-hip + 0.5, 48);
      skirt.lineTo(hip - 0.5, 48);
      skirt.lineTo(hip + 5.5, 73);
      skirt.lineTo(-hip - 5.5, 73);
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
    g.setColor(upper);
    g.fill(torso);
    pattern(g, torso, p.get(Attribute.PATTERN), Palette.contrast(upper));
    // arms
    double[] left = arm(-shoulder + 1.6, -1, swing);
    double[] right = arm(shoulder - 1.6, 1, -swing * 0.8);
    drawArm(g, left, bw, skin, upper, longSleeve);
    drawArm(g, right, bw, skin, upper, longSleeve);
    // backpack seen from behind
    if (bag.equals("backpack") && back) {
      g.setColor(bagColour);
      RoundRectangle2D pack =
          new RoundRectangle2D.Double(-shoulder + 1.8, 21.5, 2 * shoulder - 3.6, 25, 5, 5);
      g.fill(pack);
      g.setColor(bagColour.darker());
      g.setStroke(new BasicStroke(0.9f));
      g.draw(new Line2D.Double(-shoulder + 2.5, 28, shoulder - 2.5, 28));
      g.draw(pack);
    }
    if (bag.equals("backpack") && !back) {
      g.setColor(bagColour);
      g.setStroke(new BasicStroke(2.4f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND));
      g.draw(new Line2D.Double(-shoulder + 3.6, 18.6, -shoulder + 3.2, 42));
      g.draw(new Line2D.Double(shoulder - 3.6, 18.6, shoulder - 3.2, 42));
    }
    if (bag.equals("shoulder bag")) {
      g.setColor(bagColour);
      g.setStroke(new BasicStroke(1.8f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      g.draw(new Line2D.Double(-side * (shoulder - 3), 19, side * (hip + 1), 47));
      g.fill(new RoundRectangle2D.Double(side > 0 ? hip - 2 : -hip - 7, 45.5, 9, 9, 2, 2));
    }
    if (bag.equals("handbag")) {
      double[] hand = side > 0 ? right : left;
      double hx = hand[4];
      double hy = hand[5];
      g.setColor(bagColour);
      g.setStroke(new BasicStroke(1.1f));
      g.draw(new Ellipse2D.Double(hx - 2.6, hy - 1.5, 5.2, 5));
      g.fill(new RoundRectangle2D.Double(hx - 4, hy + 2, 8, 7, 2, 2));
    }
    // long hair falls over the shoulders (behind the head from the front)
    if (longHair) {
      g.setColor(hair);
      if (back) {
        g.fill(new RoundRectangle2D.Double(-6.9, 5, 13.8, 24, 6, 6));
      } else {
        g.fill(new RoundRectangle2D.Double(-7.2, 5, 14.4, 18, 6, 6));
      }
    }
    // neck and head
    g.setColor(skin);
    g.fill(new Rectangle2D.Double(-2.2, 14, 4.4, 5.5));
    Ellipse2D head = new Ellipse2D.Double(-6, 1.6, 12, 14.2);
    if (back) {
      g.setColor(hair);
      g.fill(head);
    } else {
      g.setColor(hair);
      g.fill(new Ellipse2D.Double(-6.3, 1.2, 12.6, 12.6));
      g.setColor(skin);
      g.fill(new Ellipse2D.Double(-5.2, 4.6, 10.4, 11.2));
      g.setColor(new Color(40, 30, 28));
      g.fill(new Ellipse2D.Double(-2.9, 8.6, 1.3, 1.3));
      g.fill(new Ellipse2D.Double(1.6, 8.6, 1.3, 1.3));
    }
    if ("cap".equals(p.get(Attribute.HAT))) {
      Color cap = Palette.garment(p.get(Attribute.HAT_COLOUR));
      g.setColor(cap);
      Shape old = g.getClip();
      g.clip(new Rectangle2D.Double(-10, -5, 20, 11.2));
      g.fill(new Ellipse2D.Double(-6.8, 0.2, 13.6, 12));
      g.setClip(old);
      if (!back) {
        g.fill(new RoundRectangle2D.Double(-7.6, 4.9, 15.2, 2.2, 1.5, 1.5));
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
      Graphics2D g, double[] a, double bw, Color skin, Color sleeve, boolean longSleeve) {
    float width = (float) (4.4 * bw);
    g.setStroke(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    Path2D path = new Path2D.Double();
    path.moveTo(a[0], a[1]);
    path.lineTo(a[2], a[3]);
    path.lineTo(a[4], a[5]);
    g.setColor(longSleeve ? sleeve : skin);
    g.draw(path);
    if (!longSleeve) {
      g.setColor(sleeve);
      g.setStroke(new BasicStroke(width + 0.8f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      double mx = a[0] + 0.55 * (a[2] - a[0]);
      double my = a[1] + 0.55 * (a[3] - a[1]);
      g.draw(new Line2D.Double(a[0], a[1], mx, my));
    }
    g.setColor(skin);
    g.fill(new Ellipse2D.Double(a[4] - 2.3, a[5] - 1.6, 4.6, 4.8));
  }

  private static void pattern(Graphics2D g, Shape torso, String pattern, Color c) {
    if (pattern.equals("plain")) {
      return;
    }
    Shape old = g.getClip();
    g.clip(torso);
    g.setColor(c);
    if (pattern.equals("striped")) {
      for (double y = 20.5; y < 53; y += 4.2) {
        g.fill(new Rectangle2D.Double(-20, y, 40, 1.8));
      }
    } else {
      for (double y = 20.8; y < 53; y += 4.6) {
        g.fill(new Rectangle2D.Double(-20, y, 40, 1.1));
      }
      for (double x = -16.1; x < 17; x += 4.6) {
        g.fill(new Rectangle2D.Double(x, 18, 1.1, 36));
      }
    }
    g.setClip(old);
  }

  // --- pixel post-processing ------------------------------------------------------------------

  private static void lighting(byte[] px, double f) {
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) Palette.clamp((int) StrictMath.round((px[i] & 0xFF) * f));
    }
  }

  /** 3×3 binomial blur (1 2 1 / 2 4 2 / 1 2 1) / 16, edges clamped. */
  private static void blur(byte[] px, int h, int w) {
    byte[] src = px.clone();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          int sum = 0;
          for (int dy = -1; dy <= 1; dy++) {
            int yy = Math.min(h - 1, Math.max(0, y + dy));
            for (int dx = -1; dx <= 1; dx++) {
              int xx = Math.min(w - 1, Math.max(0, x + dx));
              int wgt = (dy == 0 ? 2 : 1) * (dx == 0 ? 2 : 1);
              sum += wgt * (src[(yy * w + xx) * 3 + c] & 0xFF);
            }
          }
          px[(y * w + x) * 3 + c] = (byte) ((sum + 8) >> 4);
        }
      }
    }
  }

  /** 4,096 standard normal draws, fixed: noise looks up 12-bit indices instead of sampling. */
  private static final float[] GAUSS = gaussTable();

  private static float[] gaussTable() {
    Random r = new Random(0x6A55_5353L);
    float[] t = new float[4096];
    for (int i = 0; i < t.length; i++) {
      t[i] = (float) r.nextGaussian();
    }
    return t;
  }

  /** Adds Gaussian noise of standard deviation sigma (4 table lookups per random long). */
  private static void noise(byte[] px, double sigma, Random rnd) {
    float s = (float) sigma;
    long bits = 0;
    for (int i = 0; i < px.length; i++) {
      if ((i & 3) == 0) {
        bits = rnd.nextLong();
      }
      float n = GAUSS[(int) (bits & 0xFFF)] * s;
      bits >>>= 16;
      int v = (px[i] & 0xFF) + Math.round(n);
      px[i] = (byte) Palette.clamp(v);
    }
  }
}
