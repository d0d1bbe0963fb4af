package org.tbps4j.data.synth;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.tbps4j.data.Split;

/** Test helpers: people with chosen attributes, their pictures as written, and part masks. */
final class Pictures {
  private Pictures() {}

  /** A plain person: a man in a long-sleeved plain blue top, black trousers, no bag, no cap. */
  static Map<Attribute, String> plain() {
    Map<Attribute, String> v = new EnumMap<>(Attribute.class);
    v.put(Attribute.GENDER, "man");
    v.put(Attribute.HAIR_COLOUR, "brown");
    v.put(Attribute.HAIR_LENGTH, "short");
    v.put(Attribute.UPPER_COLOUR, "blue");
    v.put(Attribute.SLEEVE, "long");
    v.put(Attribute.PATTERN, "plain");
    v.put(Attribute.LOWER_TYPE, "trousers");
    v.put(Attribute.LOWER_COLOUR, "black");
    v.put(Attribute.SHOE_COLOUR, "white");
    v.put(Attribute.BAG, "none");
    v.put(Attribute.HAT, "none");
    return v;
  }

  static Identity person(Map<Attribute, String> values, double width) {
    return new Identity(1, Split.TRAIN, values, 2, width, 1.0, new int[3]);
  }

  static SynthConfig config(World world, long seed, int height, int width) {
    return new SynthConfig(3, 1, 1, seed, height, width, 1, world);
  }

  static SyntheticDataset.PlannedImage image(Identity p, Shot shot, int index) {
    return new SyntheticDataset.PlannedImage(
        p, index, "x", shot, shot.hidden(p), List.<CaptionGrammar.Caption>of());
  }

  /** The picture as a reader sees it: rendered, encoded in the world's format and decoded. */
  static BufferedImage photo(SynthConfig c, SyntheticDataset.PlannedImage im) {
    try {
      BufferedImage img = SyntheticDataset.render(c, im);
      byte[] bytes =
          c.world() == World.STREET ? SyntheticDataset.png(img) : SyntheticDataset.jpeg(img, 0.92f);
      return ImageIO.read(new ByteArrayInputStream(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The part each pixel shows, [y][x]. */
  static Part[][] mask(SynthConfig c, SyntheticDataset.PlannedImage im, boolean withOccluder) {
    BufferedImage m =
        SyntheticDataset.draw(
            c, im, withOccluder ? Part.Mode.MASK : Part.Mode.MASK_WITHOUT_OCCLUDER);
    Part[][] out = new Part[m.getHeight()][m.getWidth()];
    for (int y = 0; y < m.getHeight(); y++) {
      for (int x = 0; x < m.getWidth(); x++) {
        out[y][x] = Part.ofMask(m.getRGB(x, y));
      }
    }
    return out;
  }

  static int count(Part[][] m, Set<Part> parts) {
    int n = 0;
    for (Part[] row : m) {
      for (Part p : row) {
        n += parts.contains(p) ? 1 : 0;
      }
    }
    return n;
  }

  /** The parts that show an attribute (the build, for gender, is the garments' outline). */
  static Set<Part> partsOf(Attribute a) {
    return switch (a) {
      case GENDER -> EnumSet.of(Part.UPPER, Part.PATTERN, Part.LOWER, Part.ARM_UPPER);
      case HAIR_COLOUR, HAIR_LENGTH -> EnumSet.of(Part.HAIR);
      case UPPER_COLOUR -> EnumSet.of(Part.UPPER, Part.ARM_UPPER);
      case SLEEVE -> EnumSet.of(Part.ARM_UPPER, Part.ARM_SKIN);
      case PATTERN -> EnumSet.of(Part.PATTERN);
      case LOWER_TYPE -> EnumSet.of(Part.LOWER, Part.LEG_SKIN);
      case LOWER_COLOUR -> EnumSet.of(Part.LOWER);
      case SHOE_COLOUR -> EnumSet.of(Part.SHOE);
      case BAG, BAG_COLOUR -> EnumSet.of(Part.BAG, Part.STRAP);
      case HAT, HAT_COLOUR -> EnumSet.of(Part.HAT);
    };
  }

  /** Runs of true values: {start, length} pairs. */
  static List<int[]> runs(boolean[] on) {
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < on.length; ) {
      if (!on[i]) {
        i++;
        continue;
      }
      int j = i;
      while (j < on.length && on[j]) {
        j++;
      }
      out.add(new int[] {i, j - i});
      i = j;
    }
    return out;
  }

  /**
   * How a top's pattern shows in a photo. The top is the mask's upper garment, sleeve and pattern
   * pixels whose four neighbours are such pixels too (edges mix with the background or skin). Each
   * top pixel gets its pattern share α in [0, 1]: the projection of its photo colour on the line
   * from the garment colour to the pattern colour, both calibrated on this photo (the mean photo
   * colour of the mask's garment pixels and of its pattern pixels). A line column holds at least 8
   * consecutive rows (per 64 px of image height) of α ≥ 0.5 (a stripe is 3 at most); rows are read
   * between line columns (each line column and its neighbours left out): a row's α is the mean over
   * its top pixels, rows with α ≥ 0.3 form bands, and a band's width is the sum of its rows' α (the
   * pixels' worth of pattern colour it holds).
   *
   * @param bands runs of rows with α ≥ 0.3, {start, length}
   * @param widths each band's width in pixels (sum of α)
   * @param lineColumns runs of line columns
   * @param firstRow first row with at least 3 torso pixels
   * @param lastRow last such row
   */
  record PatternReading(
      List<int[]> bands, double[] widths, List<int[]> lineColumns, int firstRow, int lastRow) {}

  static PatternReading readPattern(BufferedImage photo, Part[][] m) {
    int h = m.length;
    int w = m[0].length;
    boolean[][] torso = new boolean[h][w];
    for (int y = 1; y < h - 1; y++) {
      for (int x = 1; x < w - 1; x++) {
        torso[y][x] =
            isTorso(m[y][x])
                && isGarment(m[y - 1][x])
                && isGarment(m[y + 1][x])
                && isGarment(m[y][x - 1])
                && isGarment(m[y][x + 1]);
      }
    }
    double[] pat = new double[3];
    double[] gar = new double[3];
    int np = 0;
    int ng = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if (torso[y][x]) {
          int[] c = rgb(photo, x, y);
          boolean isPat = m[y][x] == Part.PATTERN;
          for (int k = 0; k < 3; k++) {
            (isPat ? pat : gar)[k] += c[k];
          }
          np += isPat ? 1 : 0;
          ng += isPat ? 0 : 1;
        }
      }
    }
    double[][] alpha = new double[h][w];
    double[] d = new double[3];
    double dd = 0;
    for (int k = 0; k < 3; k++) {
      pat[k] /= Math.max(1, np);
      gar[k] /= Math.max(1, ng);
      d[k] = pat[k] - gar[k];
      dd += d[k] * d[k];
    }
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if (torso[y][x] && np > 0 && ng > 0) {
          int[] c = rgb(photo, x, y);
          double dot = 0;
          for (int k = 0; k < 3; k++) {
            dot += (c[k] - gar[k]) * d[k];
          }
          alpha[y][x] = Math.max(0, Math.min(1, dot / dd));
        }
      }
    }
    int longRun = 8 * Math.max(1, h / 64);
    boolean[] lineCol = new boolean[w];
    for (int x = 0; x < w; x++) {
      int run = 0;
      for (int y = 0; y < h && !lineCol[x]; y++) {
        run = torso[y][x] && alpha[y][x] >= 0.5 ? run + 1 : 0;
        lineCol[x] = run >= longRun;
      }
    }
    // rows are read between vertical lines (a line column and its neighbours are left out)
    boolean[] offLine = new boolean[w];
    for (int x = 0; x < w; x++) {
      offLine[x] = !lineCol[x] && (x == 0 || !lineCol[x - 1]) && (x == w - 1 || !lineCol[x + 1]);
    }
    double[] rowAlpha = new double[h];
    boolean[] bandRow = new boolean[h];
    int first = -1;
    int last = -1;
    for (int y = 0; y < h; y++) {
      int n = 0;
      int off = 0;
      double a = 0;
      for (int x = 0; x < w; x++) {
        n += torso[y][x] ? 1 : 0;
        if (torso[y][x] && offLine[x]) {
          off++;
          a += alpha[y][x];
        }
      }
      if (n >= 3 && off >= 1) {
        first = first < 0 ? y : first;
        last = y;
        rowAlpha[y] = a / off;
        bandRow[y] = rowAlpha[y] >= 0.3;
      }
    }
    List<int[]> bands = runs(bandRow);
    double[] widths = new double[bands.size()];
    for (int i = 0; i < widths.length; i++) {
      for (int y = bands.get(i)[0]; y < bands.get(i)[0] + bands.get(i)[1]; y++) {
        widths[i] += rowAlpha[y];
      }
    }
    return new PatternReading(bands, widths, runs(lineCol), first, last);
  }

  private static boolean isTorso(Part p) {
    return p == Part.UPPER || p == Part.PATTERN || p == Part.ARM_UPPER;
  }

  /** Parts of the upper garment's colour or pattern (sleeves included). */
  private static boolean isGarment(Part p) {
    return p == Part.UPPER || p == Part.PATTERN || p == Part.ARM_UPPER;
  }

  static int[] rgb(BufferedImage img, int x, int y) {
    int v = img.getRGB(x, y);
    return new int[] {(v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF};
  }
}
