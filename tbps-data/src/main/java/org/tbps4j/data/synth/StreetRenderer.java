package org.tbps4j.data.synth;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Random;

/**
 * Draws one picture of the {@link World#STREET} world: a cluttered, textured street (sky or wall
 * gradient, buildings with windows, paving or a crossing, trees, posts, signs and bins, some in
 * garment colours), a person at 65–99 % of the frame height anywhere across it, drawn in its own
 * style (shaded, outlined garments, other proportions and bag shapes), an optional object in front
 * of the shins or one side ({@link Shot.Occluder}), all at twice the output size; then a 2×2 box
 * downscale, a global light (brightness, contrast, colour temperature), an optional soft shadow
 * across the scene, and sensor noise.
 *
 * <p>Legibility (docs/synthetic-data.md): the same minimum sizes in output pixels as the studio
 * ({@link Sizes}), whatever the person's scale; the occluder never reaches above the shins (low) or
 * past a third of the body's width into it (side) and never the head, and {@link Shot#hidden} says
 * what it hides, which captions then leave out; the light keeps colour names apart ({@link
 * #light}).
 *
 * <p>Geometry is computed in output pixels and drawn through a 2× transform, so a mask ({@link
 * Part.Mode}, drawn at 1× without anti-aliasing) has the same shapes. All randomness comes from the
 * {@link Random} passed in.
 */
final class StreetRenderer {
  private StreetRenderer() {}

  /** Shoulder half-width of a man (canonical units, before the width factor). */
  static final double MAN_SHOULDER = 12.4;

  /** Hip half-width of a man. */
  static final double MAN_HIP = 8.0;

  /** Shoulder half-width of a woman. */
  static final double WOMAN_SHOULDER = 7.6;

  /** Hip half-width of a woman. */
  static final double WOMAN_HIP = 11.8;

  /** Light ranges: brightness, contrast and colour temperature (R ×(1+t), B ×(1−t)). */
  static final double BRIGHT_MIN = 0.9, BRIGHT_MAX = 1.1;

  static final double CONTRAST_MIN = 0.92, CONTRAST_MAX = 1.08;
  static final double TEMP_MAX = 0.04;

  /** Deepest shadow (the factor a shadowed pixel is multiplied by is at least 1 − this). */
  static final double SHADOW_MAX = 0.10;

  /** Garment shading: the top is lighter and the bottom darker by up to this factor. */
  static final double SHADING = 0.03;

  private static final List<String> DISTRACTORS =
      List.of("red", "orange", "yellow", "green", "blue", "purple", "pink", "white");

  /**
   * Renders one picture.
   *
   * @param p the identity
   * @param shot view and occluder
   * @param rnd the image's random source
   * @param h output height H
   * @param w output width W
   * @param mode a photo, or a mask of parts (with or without the occluder)
   * @return a {@code TYPE_3BYTE_BGR} image of {@code W×H}
   */
  static BufferedImage render(Identity p, Shot shot, Random rnd, int h, int w, Part.Mode mode) {
    int f = mode.mask() ? 1 : 2;
    BufferedImage canvas = new BufferedImage(w * f, h * f, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = canvas.createGraphics();
    try {
      Object aa =
          mode.mask() ? RenderingHints.VALUE_ANTIALIAS_OFF : RenderingHints.VALUE_ANTIALIAS_ON;
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, aa);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.scale(f, f);
      AffineTransform base = g.getTransform();
      background(g, mode, rnd, h, w);
      Figure fig = new Figure(p, shot, rnd, h, w);
      person(g, mode, fig);
      g.setTransform(base);
      Front.draw(g, mode, shot, fig, rnd, h, w);
    } finally {
      g.dispose();
    }
    if (mode.mask()) {
      return canvas;
    }
    BufferedImage out = Pixels.halve(canvas);
    byte[] px = Pixels.bgr(out);
    light(px, h, w, Light.draw(rnd));
    Pixels.noise(px, 1 + 3 * rnd.nextDouble(), rnd);
    return out;
  }

  // --- light ----------------------------------------------------------------------------------

  /**
   * The scene's light.
   *
   * @param brightness global factor
   * @param contrast stretch around 128
   * @param temperature R ×(1 + t), B ×(1 − t)
   * @param shadow depth of the shadow (0: none)
   * @param angle direction of the shadow's edge (radians)
   * @param offset position of the edge, in [−0.3, 0.3] of the image diagonal from its centre
   */
  record Light(
      double brightness,
      double contrast,
      double temperature,
      double shadow,
      double angle,
      double offset) {
    static Light draw(Random rnd) {
      double b = BRIGHT_MIN + (BRIGHT_MAX - BRIGHT_MIN) * rnd.nextDouble();
      double c = CONTRAST_MIN + (CONTRAST_MAX - CONTRAST_MIN) * rnd.nextDouble();
      double t = TEMP_MAX * (2 * rnd.nextDouble() - 1);
      double sh = rnd.nextDouble() < 0.5 ? (0.04 + (SHADOW_MAX - 0.04) * rnd.nextDouble()) : 0;
      double angle = 2 * StrictMath.PI * rnd.nextDouble();
      double offset = 0.6 * rnd.nextDouble() - 0.3;
      return new Light(b, c, t, sh, angle, offset);
    }

    /**
     * One channel value under this light.
     *
     * @param v the value, 0–255
     * @param channel 0 R, 1 G, 2 B
     * @param shade the shadow factor at the pixel (1 in the light)
     * @return the lit value, unclamped
     */
    double apply(double v, int channel, double shade) {
      double t = channel == 0 ? 1 + temperature : channel == 2 ? 1 - temperature : 1;
      double x = v * brightness * t;
      x = (x - 128) * contrast + 128;
      return x * shade;
    }
  }

  /** Applies the light to a BGR raster; the shadow's edge is soft (a tenth of the diagonal). */
  static void light(byte[] px, int h, int w, Light l) {
    double diag = StrictMath.hypot(h, w);
    double nx = StrictMath.cos(l.angle());
    double ny = StrictMath.sin(l.angle());
    double soft = 0.1 * diag;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double shade = 1;
        if (l.shadow() > 0) {
          double d = ((x + 0.5 - w / 2.0) * nx + (y + 0.5 - h / 2.0) * ny) / diag - l.offset();
          double t = Math.max(0, Math.min(1, 0.5 + d * diag / soft));
          shade = 1 - l.shadow() * t;
        }
        int i = (y * w + x) * 3;
        for (int c = 0; c < 3; c++) {
          int channel = 2 - c; // BGR
          double v = l.apply(px[i + c] & 0xFF, channel, shade);
          px[i + c] = (byte) Palette.clamp((int) StrictMath.round(v));
        }
      }
    }
  }

  // --- scene ----------------------------------------------------------------------------------

  private static Color muted(Random rnd, double maxSat, double minB, double maxB) {
    return PedestrianRenderer.muted(rnd, maxSat, minB, maxB);
  }

  private static Color scaled(Color c, double f) {
    return new Color(
        Palette.clamp((int) StrictMath.round(c.getRed() * f)),
        Palette.clamp((int) StrictMath.round(c.getGreen() * f)),
        Palette.clamp((int) StrictMath.round(c.getBlue() * f)));
  }

  private static void background(Graphics2D g, Part.Mode m, Random rnd, int h, int w) {
    Part bg = Part.BACKGROUND;
    double horizon = (0.45 + 0.3 * rnd.nextDouble()) * h;
    // sky or far wall
    g.setPaint(
        m.paint(
            bg,
            new GradientPaint(
                0,
                0,
                muted(rnd, 0.45, 0.5, 0.95),
                (float) (w * rnd.nextDouble()),
                (float) horizon,
                muted(rnd, 0.35, 0.35, 0.85))));
    g.fill(new Rectangle2D.Double(0, 0, w, horizon + 1));
    // buildings with a window grid
    int buildings = 2 + rnd.nextInt(3);
    for (int i = 0; i < buildings; i++) {
      double bx = (rnd.nextDouble() * 1.3 - 0.3) * w;
      double bwid = (0.3 + 0.5 * rnd.nextDouble()) * w;
      double top = (0.02 + 0.4 * rnd.nextDouble()) * h;
      Color wall = muted(rnd, 0.4, 0.3, 0.85);
      g.setPaint(
          m.paint(
              bg, new GradientPaint(0, (float) top, wall, 0, (float) horizon, scaled(wall, 0.8))));
      g.fill(new Rectangle2D.Double(bx, top, bwid, horizon - top + 1));
      double win = (0.05 + 0.04 * rnd.nextDouble()) * w;
      double pitch = win * (1.7 + 0.6 * rnd.nextDouble());
      Color glass = rnd.nextBoolean() ? scaled(wall, 0.55) : scaled(wall, 1.3);
      g.setPaint(m.paint(bg, glass));
      for (double yy = top + 0.5 * pitch; yy + win < horizon; yy += pitch) {
        for (double xx = bx + 0.4 * pitch; xx + win < bx + bwid; xx += pitch) {
          g.fill(new Rectangle2D.Double(xx, yy, win, win * 1.3));
        }
      }
    }
    // ground: paving or a crossing, with perspective lines
    Color ground = muted(rnd, 0.15, 0.3, 0.7);
    g.setPaint(
        m.paint(bg, new GradientPaint(0, (float) horizon, scaled(ground, 0.85), 0, h, ground)));
    g.fill(new Rectangle2D.Double(0, horizon, w, h - horizon));
    Color joint = scaled(ground, rnd.nextBoolean() ? 0.7 : 1.25);
    g.setPaint(m.paint(bg, joint));
    g.setStroke(new BasicStroke((float) (0.03 * w)));
    if (rnd.nextDouble() < 0.3) {
      g.setPaint(m.paint(bg, new Color(225, 225, 220)));
      double bandW = (0.08 + 0.05 * rnd.nextDouble()) * w;
      for (double xx = -rnd.nextDouble() * 2 * bandW; xx < w; xx += 2 * bandW) {
        g.fill(new Rectangle2D.Double(xx, horizon + 0.1 * (h - horizon), bandW, h));
      }
    } else {
      double step = (0.05 + 0.05 * rnd.nextDouble()) * h;
      for (double yy = horizon + step * 0.5; yy < h; yy += step) {
        g.draw(new Line2D.Double(0, yy, w, yy));
        step *= 1.25;
      }
      double vx = w * rnd.nextDouble();
      for (int k = -3; k <= 3; k++) {
        g.draw(new Line2D.Double(vx + k * 0.08 * w, horizon, vx + k * 0.6 * w, h));
      }
    }
    // clutter: trees, posts, signs, bins; some in garment colours
    int items = 3 + rnd.nextInt(4);
    int distractors = 1 + rnd.nextInt(3);
    for (int i = 0; i < items; i++) {
      Color c =
          i < distractors
              ? Palette.garment(World.STREET, DISTRACTORS.get(rnd.nextInt(DISTRACTORS.size())))
              : muted(rnd, 0.35, 0.2, 0.8);
      double x = w * (rnd.nextDouble() * 1.2 - 0.1);
      double base = horizon + (h - horizon) * rnd.nextDouble() * 0.5;
      double size = (0.08 + 0.2 * rnd.nextDouble()) * h;
      switch (rnd.nextInt(4)) {
        case 0 -> { // tree
          g.setPaint(m.paint(bg, new Color(92, 64, 40)));
          g.fill(new Rectangle2D.Double(x - 0.06 * size, base - size, 0.12 * size, size));
          g.setPaint(m.paint(bg, i < distractors ? c : muted(rnd, 0.5, 0.25, 0.6)));
          g.fill(new Ellipse2D.Double(x - 0.5 * size, base - 1.6 * size, size, 0.9 * size));
        }
        case 1 -> { // lamp post
          g.setPaint(m.paint(bg, new Color(60, 62, 66)));
          g.fill(new Rectangle2D.Double(x - 0.03 * size, base - 2 * size, 0.06 * size, 2 * size));
          g.setPaint(m.paint(bg, c));
          g.fill(new Ellipse2D.Double(x - 0.12 * size, base - 2.1 * size, 0.24 * size, 0.2 * size));
        }
        case 2 -> { // sign on a post
          g.setPaint(m.paint(bg, new Color(90, 92, 96)));
          g.fill(
              new Rectangle2D.Double(x - 0.025 * size, base - 1.3 * size, 0.05 * size, 1.3 * size));
          g.setPaint(m.paint(bg, c));
          if (rnd.nextBoolean()) {
            g.fill(
                new Ellipse2D.Double(x - 0.22 * size, base - 1.6 * size, 0.44 * size, 0.44 * size));
          } else {
            g.fill(
                new Rectangle2D.Double(x - 0.3 * size, base - 1.6 * size, 0.6 * size, 0.35 * size));
          }
        }
        default -> { // bin or box
          g.setPaint(m.paint(bg, c));
          g.fill(
              new RoundRectangle2D.Double(
                  x - 0.2 * size, base - 0.6 * size, 0.4 * size, 0.6 * size, 3, 3));
          g.setPaint(m.paint(bg, scaled(c, 0.7)));
          g.fill(
              new Rectangle2D.Double(
                  x - 0.22 * size, base - 0.64 * size, 0.44 * size, 0.08 * size));
        }
      }
    }
  }

  // --- person ---------------------------------------------------------------------------------

  /** Pose and placement of the person (output pixels for placement, canonical units for pose). */
  static final class Figure {
    final Identity p;
    final Shot shot;
    final boolean woman;
    final double s;
    final double cx;
    final double feetY;
    final double lean;
    final double shoulder;
    final double hip;
    final double spread;
    final double[] left;
    final double[] right;
    final double ext;
    final double armW;
    final Sizes z;

    Figure(Identity p, Shot shot, Random rnd, int h, int w) {
      this.p = p;
      this.shot = shot;
      woman = "woman".equals(p.get(Attribute.GENDER));
      double share = Math.min(0.99, (0.65 + 0.32 * rnd.nextDouble()) * p.bodyHeight());
      double place = rnd.nextDouble();
      double drop = rnd.nextDouble();
      lean = StrictMath.toRadians((rnd.nextDouble() - 0.5) * 8);
      spread = 0.5 + 4 * rnd.nextDouble();
      double swingL = StrictMath.toRadians(3 + 14 * rnd.nextDouble());
      double swingR = StrictMath.toRadians(3 + 14 * rnd.nextDouble());
      double bw = p.bodyWidth();
      shoulder = (woman ? WOMAN_SHOULDER : MAN_SHOULDER) * bw;
      hip = (woman ? WOMAN_HIP : MAN_HIP) * bw;
      // the extent with the arms hanging from the shoulders' edge (they hang a little inside)
      double[] l0 = arm(-shoulder, -1, swingL);
      double[] r0 = arm(shoulder, 1, swingR);
      // the horizontal extent of the figure in canonical units
      String bag = p.get(Attribute.BAG);
      double e = Math.max(Math.abs(l0[4]), Math.abs(r0[4])) + 3;
      e = Math.max(e, hip + 5.5);
      double[] hand = shot.bagSide() > 0 ? r0 : l0;
      if (bag.equals("handbag")) {
        e = Math.max(e, Math.abs(hand[4]) + 7.5);
      } else if (bag.equals("shoulder bag")) {
        e = Math.max(e, hip + 12);
      } else if (bag.equals("backpack")) {
        e = Math.max(e, shoulder + 4);
      }
      ext = e + 60 * Math.abs(StrictMath.sin(lean)); // the lean moves the hands and bags aside
      double heightPx = share * h;
      double sc = heightPx / 100;
      if (2 * ext * sc > 0.98 * w) {
        sc = 0.98 * w / (2 * ext);
      }
      s = sc;
      z = new Sizes(s, h);
      // a man's arms hang outside his shoulders, a woman's over hers
      armW = z.at((woman ? 3.6 : 4.4) * bw, 2.0);
      double armX = woman ? shoulder - armW / 2 : shoulder - 0.9;
      left = arm(-armX, -1, swingL);
      right = arm(armX, 1, swingR);
      double hp = 100 * s;
      feetY = hp + (h - hp) * drop;
      cx = ext * s + (w - 2 * ext * s) * place;
    }

    /** Output-pixel y of a canonical y on the body's axis (the lean of ≤ 4° moves it < 0.3 %). */
    double y(double canonical) {
      return feetY - (100 - canonical) * s * StrictMath.cos(lean);
    }

    /** Output-pixel x of the body's axis at a canonical y (the figure leans about its feet). */
    double axisX(double canonical) {
      return cx + (100 - canonical) * s * StrictMath.sin(lean);
    }
  }

  /** Shoulder, elbow and hand {x0, y0, x1, y1, x2, y2} of an arm; the elbow bends forward. */
  private static double[] arm(double x0, int outward, double swing) {
    double y0 = 22;
    double x1 = x0 + outward * (1.0 + StrictMath.sin(swing) * 13.5);
    double y1 = y0 + StrictMath.cos(swing) * 13.5;
    double x2 = x1 + outward * (0.3 + StrictMath.sin(swing * 1.6) * 13);
    double y2 = y1 + StrictMath.cos(swing * 1.6) * 13;
    return new double[] {x0, y0, x1, y1, x2, y2};
  }

  /** A vertical gradient of a garment colour, ±{@link #SHADING} from top to bottom. */
  private static GradientPaint shaded(Color c, double top, double bottom) {
    return new GradientPaint(
        0, (float) top, scaled(c, 1 + SHADING), 0, (float) bottom, scaled(c, 1 - SHADING));
  }

  private static void outline(Graphics2D g, Part.Mode m, Part part, Color c, Shape s, Sizes z) {
    g.setPaint(m.paint(part, scaled(c, 0.75)));
    g.setStroke(
        new BasicStroke((float) z.at(0.7, 0.5), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    g.draw(s);
  }

  private static void person(Graphics2D g, Part.Mode m, Figure f) {
    Identity p = f.p;
    boolean back = f.shot.back();
    Sizes z = f.z;
    g.translate(f.cx, f.feetY);
    g.rotate(f.lean);
    g.scale(f.s, f.s);
    g.translate(0, -100);

    double bw = p.bodyWidth();
    double shoulder = f.shoulder;
    double hip = f.hip;
    int side = f.shot.bagSide();
    String bag = p.get(Attribute.BAG);
    Color skin = Palette.SKIN[p.skin()];
    Color hair = Palette.hair(World.STREET, p.get(Attribute.HAIR_COLOUR));
    Color upper =
        Palette.shift(Palette.garment(World.STREET, p.get(Attribute.UPPER_COLOUR)), p.shade());
    Color lower =
        Palette.shift(Palette.garment(World.STREET, p.get(Attribute.LOWER_COLOUR)), p.shade());
    Color shoes = Palette.garment(World.STREET, p.get(Attribute.SHOE_COLOUR));
    Color bagColour =
        bag.equals("none") ? null : Palette.garment(World.STREET, p.get(Attribute.BAG_COLOUR));
    boolean longHair = "long".equals(p.get(Attribute.HAIR_LENGTH));
    boolean longSleeve = "long".equals(p.get(Attribute.SLEEVE));
    String lowerType = p.get(Attribute.LOWER_TYPE);

    if (bag.equals("backpack") && !back) { // the pack's sides behind the body
      double edge = z.at(2.8, 1.5);
      double half = Math.max(shoulder, hip) + edge;
      g.setPaint(m.paint(Part.BAG, bagColour));
      g.fill(new RoundRectangle2D.Double(-half, 22, 2 * half, 20, 6, 6));
    }
    // legs: two tapered legs, apart
    double legW = z.at(5.8 * bw, 2.5);
    double lx = Math.max(legW / 2 + 0.6, 0.46 * hip);
    Part legPart = lowerType.equals("trousers") ? Part.LOWER : Part.LEG_SKIN;
    Color legColour = lowerType.equals("trousers") ? lower : skin;
    for (int k = -1; k <= 1; k += 2) {
      Path2D leg = new Path2D.Double();
      leg.moveTo(k * lx - legW / 2, 53);
      leg.lineTo(k * lx + legW / 2, 53);
      leg.lineTo(k * (lx + f.spread) + legW * 0.4, 95.5);
      leg.lineTo(k * (lx + f.spread) - legW * 0.4, 95.5);
      leg.closePath();
      g.setPaint(m.paint(legPart, shaded(legColour, 53, 96)));
      g.fill(leg);
      outline(g, m, legPart, legColour, leg, z);
    }
    if (lowerType.equals("shorts")) {
      for (int k = -1; k <= 1; k += 2) {
        Path2D leg = new Path2D.Double();
        double wid = legW + 1.6;
        leg.moveTo(k * lx - wid / 2, 51);
        leg.lineTo(k * lx + wid / 2, 51);
        leg.lineTo(k * (lx + 0.37 * f.spread) + wid / 2, 68);
        leg.lineTo(k * (lx + 0.37 * f.spread) - wid / 2, 68);
        leg.closePath();
        g.setPaint(m.paint(Part.LOWER, shaded(lower, 51, 68)));
        g.fill(leg);
        outline(g, m, Part.LOWER, lower, leg, z);
      }
    }
    // shoes: rounded soles pointing outwards
    double shoeH = z.at(4.6, 2.2);
    double shoeW = z.at(7.6, 3.5);
    g.setPaint(m.paint(Part.SHOE, shoes));
    for (int k = -1; k <= 1; k += 2) {
      double x = k * (lx + f.spread) - shoeW / 2 + k * 1.0;
      g.fill(new RoundRectangle2D.Double(x, 99.8 - shoeH, shoeW, shoeH, shoeH, shoeH));
    }
    // hips or skirt
    Shape hips;
    if (lowerType.equals("skirt")) {
      Path2D skirt = new Path2D.Double();
      skirt.moveTo(-hip + 0.5, 49);
      skirt.lineTo(hip - 0.5, 49);
      skirt.lineTo(hip + 3, 74);
      skirt.lineTo(-hip - 3, 74);
      skirt.closePath();
      hips = skirt;
    } else {
      hips = new RoundRectangle2D.Double(-hip, 49, 2 * hip, 10, 3, 3);
    }
    g.setPaint(m.paint(Part.LOWER, shaded(lower, 49, 74)));
    g.fill(hips);
    outline(g, m, Part.LOWER, lower, hips, z);
    // torso: a tunic to below the waist
    Path2D torso = new Path2D.Double();
    torso.moveTo(-shoulder + 3, 18.5);
    torso.lineTo(shoulder - 3, 18.5);
    torso.quadTo(shoulder, 18.5, shoulder, 23);
    torso.lineTo(hip, 54.5);
    torso.lineTo(-hip, 54.5);
    torso.lineTo(-shoulder, 23);
    torso.quadTo(-shoulder, 18.5, -shoulder + 3, 18.5);
    torso.closePath();
    g.setPaint(m.paint(Part.UPPER, shaded(upper, 18.5, 54.5)));
    g.fill(torso);
    pattern(g, m, z, torso, p.get(Attribute.PATTERN), Palette.contrast(upper));
    outline(g, m, Part.UPPER, upper, torso, z);
    // arms
    float armW = (float) f.armW;
    for (double[] a : new double[][] {f.left, f.right}) {
      Path2D path = new Path2D.Double();
      path.moveTo(a[0], a[1]);
      path.lineTo(a[2], a[3]);
      path.lineTo(a[4], a[5]);
      BasicStroke stroke = new BasicStroke(armW, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
      g.setStroke(stroke);
      g.setPaint(longSleeve ? m.paint(Part.ARM_UPPER, upper) : m.paint(Part.ARM_SKIN, skin));
      g.draw(path);
      Shape cloth = stroke.createStrokedShape(path);
      if (!longSleeve) {
        g.setPaint(m.paint(Part.ARM_UPPER, upper));
        BasicStroke wide = new BasicStroke(armW + 1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND);
        g.setStroke(wide);
        Line2D upperArm =
            new Line2D.Double(a[0], a[1], a[0] + 0.6 * (a[2] - a[0]), a[1] + 0.6 * (a[3] - a[1]));
        g.draw(upperArm);
        cloth = wide.createStrokedShape(upperArm);
      }
      // the sleeve has the top's pattern
      pattern(g, m, z, cloth, p.get(Attribute.PATTERN), Palette.contrast(upper));
      double hand = Math.max(4.2, z.at(0, 2.0));
      g.setPaint(m.paint(Part.ARM_SKIN, skin));
      g.fill(new Ellipse2D.Double(a[4] - hand / 2, a[5] - 1.4, hand, hand));
    }
    // bags
    if (bag.equals("backpack") && back) {
      double pw = Math.max(1.15 * shoulder, z.at(0, 5));
      RoundRectangle2D pack = new RoundRectangle2D.Double(-pw / 2, 23, pw, 21, 7, 7);
      g.setPaint(m.paint(Part.BAG, bagColour));
      g.fill(pack);
      g.setPaint(m.paint(Part.BAG, scaled(bagColour, 0.7)));
      double pocket = 0.7 * pw;
      g.fill(new RoundRectangle2D.Double(-pocket / 2, 34, pocket, 8, 3, 3));
    }
    if (bag.equals("backpack") && !back) {
      double strap = z.at(3.2, 2.2);
      double sx = Math.max(shoulder - 2.8 - strap / 2, strap / 2 + 2.4);
      g.setPaint(m.paint(Part.STRAP, bagColour));
      g.setStroke(new BasicStroke((float) strap, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND));
      g.draw(new Line2D.Double(-sx, 18.6, -sx + 0.5, 41));
      g.draw(new Line2D.Double(sx, 18.6, sx - 0.5, 41));
    }
    if (bag.equals("shoulder bag")) {
      double bodyW = z.at(10, 4.5);
      double bodyH = z.at(8.5, 4.0);
      g.setPaint(m.paint(Part.STRAP, bagColour));
      g.setStroke(
          new BasicStroke((float) z.at(2.2, 2.2), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      g.draw(new Line2D.Double(-side * (shoulder - 3.5), 19, side * (hip + 2), 50));
      g.setPaint(m.paint(Part.BAG, bagColour));
      double x = side > 0 ? hip : -hip - bodyW;
      g.fill(new Rectangle2D.Double(x, 48, bodyW, bodyH));
      g.setPaint(m.paint(Part.BAG, scaled(bagColour, 0.7)));
      g.setStroke(new BasicStroke((float) z.at(0.8, 0.5)));
      g.draw(new Line2D.Double(x, 48 + bodyH * 0.45, x + bodyW, 48 + bodyH * 0.45));
    }
    if (bag.equals("handbag")) {
      double[] hand = side > 0 ? f.right : f.left;
      double tw = z.at(11, 5.0);
      double th = z.at(10, 4.5);
      double hx = hand[4];
      double top = hand[5] + 2.5;
      g.setPaint(m.paint(Part.BAG, bagColour));
      g.setStroke(new BasicStroke((float) z.at(1.0, 0.8)));
      g.draw(new Line2D.Double(hx - tw * 0.25, top, hx, hand[5] - 0.5));
      g.draw(new Line2D.Double(hx + tw * 0.25, top, hx, hand[5] - 0.5));
      Path2D tote = new Path2D.Double();
      tote.moveTo(hx - tw * 0.4, top);
      tote.lineTo(hx + tw * 0.4, top);
      tote.lineTo(hx + tw * 0.5, top + th);
      tote.lineTo(hx - tw * 0.5, top + th);
      tote.closePath();
      g.fill(tote);
    }
    // hair, neck, head, cap
    if (longHair) {
      g.setPaint(m.paint(Part.HAIR, hair));
      if (back) {
        g.fill(new RoundRectangle2D.Double(-6.8, 6, 13.6, 25, 5, 5));
      } else {
        double strand = z.at(3.6, 2.0);
        g.fill(new RoundRectangle2D.Double(-1.9 - strand, 6, strand, 21, 2, 2));
        g.fill(new RoundRectangle2D.Double(1.9, 6, strand, 21, 2, 2));
      }
    }
    g.setPaint(m.paint(Part.SKIN, skin));
    g.fill(new Rectangle2D.Double(-1.9, 13.5, 3.8, 5.5));
    g.setPaint(m.paint(Part.HAIR, hair));
    if (back) {
      g.fill(new Ellipse2D.Double(-5.6, 1.5, 11.2, 13.5));
    } else {
      double fringe = z.at(3.2, 2.2);
      g.fill(new Ellipse2D.Double(-5.9, 1.0, 11.8, 12));
      double faceTop = 1.0 + fringe;
      g.setPaint(m.paint(Part.SKIN, skin));
      g.fill(new Ellipse2D.Double(-4.9, faceTop, 9.8, 15.0 - faceTop));
    }
    if ("cap".equals(p.get(Attribute.HAT))) {
      Color cap = Palette.garment(World.STREET, p.get(Attribute.HAT_COLOUR));
      g.setPaint(m.paint(Part.HAT, cap));
      Shape old = g.getClip();
      g.clip(new Rectangle2D.Double(-10, -5, 20, 10.8));
      g.fill(new Ellipse2D.Double(-6.4, 0, 12.8, 11.5));
      g.setClip(old);
      double brim = z.at(2.0, 1.2);
      if (!back) {
        g.fill(new RoundRectangle2D.Double(-8.2, 4.6, 16.4, brim, 1.5, 1.5));
      } else {
        g.setPaint(m.paint(Part.HAT, scaled(cap, 0.7)));
        g.fill(new Rectangle2D.Double(-1.2, 4.4, 2.4, 1.4));
      }
    }
  }

  /** Stripes or checks, as in the studio (same minimum sizes), other design sizes. */
  private static void pattern(
      Graphics2D g, Part.Mode m, Sizes z, Shape torso, String pattern, Color c) {
    if (pattern.equals("plain")) {
      return;
    }
    Shape old = g.getClip();
    g.clip(torso);
    g.setPaint(m.paint(Part.PATTERN, c));
    if (pattern.equals("striped")) {
      double band = z.at(3.4, 2.4);
      double gap = z.at(5.2, 3.0);
      for (double y = 18.5 + 0.4 * gap; y < 55; y += band + gap) {
        g.fill(new Rectangle2D.Double(-30, y, 60, band));
      }
    } else {
      double line = z.at(2.2, 1.6);
      double gap = z.at(7.2, 4.0);
      double period = line + gap;
      for (int k = -6; k <= 6; k++) { // one vertical line on the body's axis
        g.fill(new Rectangle2D.Double(k * period - line / 2, 18, line, 38));
      }
      for (double y = 18.5 + 0.5 * gap; y < 55; y += period) {
        g.fill(new Rectangle2D.Double(-30, y, 60, line));
      }
    }
    g.setClip(old);
  }

  // --- occluders ------------------------------------------------------------------------------

  /** The object in front of the person. */
  static final class Front {
    private Front() {}

    /** Lowest top of a low occluder, canonical units (78: below every shorts' hem, 68). */
    static final double LOW_TOP_MIN = 78;

    /** Highest top of a side occluder (never the head or neck, which end at 19). */
    static final double SIDE_TOP_MIN = 24;

    /** A side occluder's inner edge lies this share of the shoulder half-width from the axis. */
    static final double SIDE_INNER_MIN = 0.4, SIDE_INNER_MAX = 0.75;

    static void draw(Graphics2D g, Part.Mode m, Shot shot, Figure f, Random rnd, int h, int w) {
      if (shot.occluder() == Shot.Occluder.NONE || m == Part.Mode.MASK_WITHOUT_OCCLUDER) {
        return;
      }
      Part o = Part.OCCLUDER;
      Color c = muted(rnd, 0.35, 0.25, 0.75);
      int style = rnd.nextInt(3);
      if (shot.occluder() == Shot.Occluder.LOW) {
        double top = f.y(LOW_TOP_MIN + 10 * rnd.nextDouble());
        double x0 = Math.min(0, f.cx - f.ext * f.s - 1);
        double x1 = Math.max(w, f.cx + f.ext * f.s + 1);
        switch (style) {
          case 0 -> { // low wall of bricks
            g.setPaint(m.paint(o, c));
            g.fill(new Rectangle2D.Double(x0, top, x1 - x0, h - top + 1));
            g.setPaint(m.paint(o, scaled(c, 0.7)));
            g.setStroke(new BasicStroke((float) Math.max(0.3, 0.012 * h)));
            double course = Math.max(1.5, 0.05 * h);
            int row = 0;
            for (double y = top + course; y < h; y += course, row++) {
              g.draw(new Line2D.Double(x0, y, x1, y));
              for (double x = x0 + (row % 2) * course; x < x1; x += 2 * course) {
                g.draw(new Line2D.Double(x, y - course, x, y));
              }
            }
          }
          case 1 -> { // bench: planks on legs
            g.setPaint(m.paint(o, c));
            double plank = Math.max(1.2, 0.035 * h);
            for (double y = top; y < h; y += 1.6 * plank) {
              g.fill(new Rectangle2D.Double(x0, y, x1 - x0, plank));
            }
            g.setPaint(m.paint(o, scaled(c, 0.6)));
            for (double y = top + plank; y < h; y += 1.6 * plank) {
              g.fill(new Rectangle2D.Double(x0, y, x1 - x0, 0.6 * plank));
            }
          }
          default -> { // car bonnet
            g.setPaint(
                m.paint(
                    o, new GradientPaint(0, (float) top, scaled(c, 1.2), 0, h, scaled(c, 0.8))));
            g.fill(
                new RoundRectangle2D.Double(
                    x0 - 0.2 * w, top, x1 - x0 + 0.4 * w, 2 * h, 0.3 * w, 0.3 * w));
            g.fill(new Rectangle2D.Double(x0, top + 0.1 * w, x1 - x0, h));
          }
        }
        return;
      }
      int sideSign = shot.occluder() == Shot.Occluder.LEFT ? -1 : 1;
      double inner =
          f.axisX(36)
              + sideSign
                  * (SIDE_INNER_MIN + (SIDE_INNER_MAX - SIDE_INNER_MIN) * rnd.nextDouble())
                  * f.shoulder
                  * f.s;
      double outer = sideSign > 0 ? w + 1 : -1;
      double top = f.y(SIDE_TOP_MIN + 18 * rnd.nextDouble());
      double x = Math.min(inner, outer);
      double wid = Math.abs(outer - inner);
      switch (style) {
        case 0 -> { // column with vertical grooves
          g.setPaint(
              m.paint(
                  o,
                  new GradientPaint(
                      (float) x, 0, scaled(c, 1.15), (float) (x + wid), 0, scaled(c, 0.8))));
          g.fill(new Rectangle2D.Double(x, top, wid, h - top + 1));
          g.setPaint(m.paint(o, scaled(c, 0.65)));
          g.setStroke(new BasicStroke((float) Math.max(0.3, 0.01 * w)));
          for (double gx = x + 0.15 * wid; gx < x + wid; gx += Math.max(1.5, 0.25 * wid)) {
            g.draw(new Line2D.Double(gx, top + 1, gx, h));
          }
        }
        case 1 -> { // tree trunk with bark
          Color bark = new Color(96, 70, 46);
          g.setPaint(m.paint(o, bark));
          g.fill(new Rectangle2D.Double(x, top, wid, h - top + 1));
          g.setPaint(m.paint(o, scaled(bark, 0.7)));
          g.setStroke(new BasicStroke((float) Math.max(0.3, 0.015 * w)));
          for (int k = 0; k < 6; k++) {
            double bx = x + wid * rnd.nextDouble();
            double by = top + (h - top) * rnd.nextDouble();
            g.draw(new Line2D.Double(bx, by, bx + 0.3, by + 0.15 * h));
          }
        }
        default -> { // a board on edge (a sign or a parked bicycle's box), rounded top
          g.setPaint(m.paint(o, c));
          g.fill(new RoundRectangle2D.Double(x, top, wid, h - top + 4, 0.2 * w, 0.2 * w));
          g.setPaint(m.paint(o, scaled(c, 0.75)));
          g.fill(new Rectangle2D.Double(x, top + 0.3 * (h - top), wid, 0.06 * h));
        }
      }
    }
  }
}
