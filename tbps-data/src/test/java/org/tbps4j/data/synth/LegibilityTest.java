package org.tbps4j.data.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tbps4j.data.synth.Pictures.PatternReading;

/**
 * The legibility rule of both worlds, measured on rendered pixels: every attribute a caption
 * mentions is legible at the size it is rendered (docs/synthetic-data.md). Photos are read as a
 * reader sees them (encoded in the world's format and decoded); part masks (the same drawing code
 * without anti-aliasing) say which pixels belong to what.
 */
class LegibilityTest {

  private static final Shot FRONT = new Shot(false, Shot.Occluder.NONE);
  private static final Shot BACK = new Shot(true, Shot.Occluder.NONE);

  /** The extremes of each world's per-identity width jitter. */
  private static double[] widths(World w) {
    return w == World.STUDIO ? new double[] {0.87, 1.13} : new double[] {0.9, 1.1};
  }

  @ParameterizedTest
  @EnumSource(World.class)
  void stripesAreSeparateBandsAndChecksHaveLinesBothWays(World world) {
    for (int height : new int[] {64, 128}) {
      for (String gender : List.of("man", "woman")) {
        for (String colour : Attribute.UPPER_COLOUR.options()) {
          for (String pattern : Attribute.PATTERN.options()) {
            Map<Attribute, String> v = Pictures.plain();
            v.put(Attribute.GENDER, gender);
            v.put(Attribute.UPPER_COLOUR, colour);
            v.put(Attribute.LOWER_COLOUR, colour.equals("black") ? "grey" : "black");
            v.put(Attribute.PATTERN, pattern);
            for (double width : widths(world)) {
              for (Shot shot : List.of(FRONT, BACK)) {
                SynthConfig c = Pictures.config(world, shot.back() ? 8 : 7, height, height / 2);
                SyntheticDataset.PlannedImage im =
                    Pictures.image(Pictures.person(v, width), shot, colour.length());
                PatternReading r =
                    Pictures.readPattern(Pictures.photo(c, im), Pictures.mask(c, im, false));
                String where =
                    String.format(
                        "%s %dpx %s %s %s width %.2f %s: bands %s widths %s columns %s",
                        world.id(),
                        height,
                        gender,
                        colour,
                        pattern,
                        width,
                        shot.back() ? "back" : "front",
                        describe(r.bands()),
                        java.util.Arrays.toString(r.widths()),
                        describe(r.lineColumns()));
                assertPattern(r, pattern, height / 64, where);
              }
            }
          }
        }
      }
    }
  }

  /**
   * Stripes: at least two bands with garment colour between them, no vertical line, and each band
   * between two others (the first and last may be cut by the neckline or the hem) holding at least
   * 1.5 rows' worth of pattern colour per 64 pixels of image height (drawn 2.4 px: blur, JPEG and
   * the anti-aliased edges spread the rest beside it). Checks: a vertical line and at least two
   * horizontal ones. Plain: neither.
   */
  private static void assertPattern(PatternReading r, String pattern, int k, String where) {
    switch (pattern) {
      case "striped" -> {
        assertTrue(r.bands().size() >= 2, where);
        assertTrue(r.lineColumns().isEmpty(), where);
        for (int i = 1; i < r.bands().size() - 1; i++) { // the first and last may be cut
          assertTrue(r.widths()[i] >= 1.5 * k, "band " + r.widths()[i] + ", " + where);
        }
      }
      case "checked" -> {
        assertFalse(r.lineColumns().isEmpty(), "vertical lines, " + where);
        assertTrue(r.bands().size() >= 2, "horizontal lines, " + where);
      }
      default -> {
        assertTrue(r.bands().isEmpty(), where);
        assertTrue(r.lineColumns().isEmpty(), where);
      }
    }
  }

  private static String describe(List<int[]> runs) {
    StringBuilder sb = new StringBuilder("[");
    for (int[] r : runs) {
      sb.append(sb.length() > 1 ? " " : "").append(r[0]).append('+').append(r[1]);
    }
    return sb.append(']').toString();
  }

  @ParameterizedTest
  @EnumSource(World.class)
  void handbagCoversAtLeast18PixelsAt64x32AndFourTimesThatAt128x64(World world) {
    for (int height : new int[] {64, 128}) {
      int least = Integer.MAX_VALUE;
      for (String gender : List.of("man", "woman")) {
        Map<Attribute, String> v = Pictures.plain();
        v.put(Attribute.GENDER, gender);
        v.put(Attribute.BAG, "handbag");
        v.put(Attribute.BAG_COLOUR, "red");
        for (double width : widths(world)) {
          for (int seed = 0; seed < 12; seed++) {
            SynthConfig c = Pictures.config(world, seed, height, height / 2);
            Shot shot = seed % 2 == 0 ? FRONT : BACK;
            Part[][] m =
                Pictures.mask(c, Pictures.image(Pictures.person(v, width), shot, 0), false);
            least = Math.min(least, Pictures.count(m, EnumSet.of(Part.BAG)));
          }
        }
      }
      int need = 18 * (height / 64) * (height / 64);
      assertTrue(least >= need, world + " " + height + "px: handbag of " + least + " px");
    }
  }

  @ParameterizedTest
  @EnumSource(World.class)
  void strapsAndFringeKeepTheirMinimumWidth(World world) {
    for (String bag : List.of("backpack", "shoulder bag")) {
      for (String gender : List.of("man", "woman")) {
        Map<Attribute, String> v = Pictures.plain();
        v.put(Attribute.GENDER, gender);
        v.put(Attribute.BAG, bag);
        v.put(Attribute.BAG_COLOUR, "yellow");
        for (double width : widths(world)) {
          for (int seed = 0; seed < 8; seed++) {
            SynthConfig c = Pictures.config(world, seed, 64, 32);
            Part[][] m =
                Pictures.mask(c, Pictures.image(Pictures.person(v, width), FRONT, 0), false);
            // straps: runs of strap pixels in a row, at least 2 px wide, away from the strap's ends
            // (cut at an angle, or under the head or the bag drawn over them)
            int need = bag.equals("backpack") ? 2 : 1;
            int firstRow = -1;
            int lastRow = -1;
            for (int y = 0; y < m.length; y++) {
              for (Part q : m[y]) {
                if (q == Part.STRAP) {
                  firstRow = firstRow < 0 ? y : firstRow;
                  lastRow = y;
                }
              }
            }
            int rowsWithStraps = 0;
            int narrowest = Integer.MAX_VALUE;
            for (int y = firstRow + 2; y <= lastRow - 2; y++) {
              boolean[] strap = new boolean[m[y].length];
              for (int x = 0; x < strap.length; x++) {
                strap[x] = m[y][x] == Part.STRAP;
              }
              List<int[]> runs = Pictures.runs(strap);
              for (int[] r : runs) {
                boolean underSomething =
                    (r[0] > 0 && isOver(m[y][r[0] - 1]))
                        || (r[0] + r[1] < strap.length && isOver(m[y][r[0] + r[1]]));
                if (!underSomething) {
                  narrowest = Math.min(narrowest, r[1]);
                }
              }
              rowsWithStraps += runs.size() >= need ? 1 : 0;
            }
            String where = world + " " + bag + " " + gender + " width " + width + " seed " + seed;
            assertTrue(rowsWithStraps >= 5, where + ": straps cross " + rowsWithStraps + " rows");
            assertTrue(narrowest >= 2, where + ": a strap " + narrowest + " px wide");
          }
        }
      }
    }
    // the fringe: hair above the face, seen from the front
    for (double width : widths(world)) {
      for (int seed = 0; seed < 16; seed++) {
        SynthConfig c = Pictures.config(world, seed, 64, 32);
        Part[][] m =
            Pictures.mask(
                c, Pictures.image(Pictures.person(Pictures.plain(), width), FRONT, 0), false);
        int top = -1;
        int left = -1;
        int right = -1;
        for (int y = 0; y < m.length && top < 0; y++) {
          for (int x = 0; x < m[y].length; x++) {
            if (m[y][x] == Part.HAIR) {
              top = y;
              left = left < 0 ? x : left;
              right = x;
            }
          }
        }
        int cx = (left + right) / 2;
        int run = 0;
        for (int y = top; y < m.length && m[y][cx] == Part.HAIR; y++) {
          run++;
        }
        assertTrue(run >= 2, world + " seed " + seed + ": fringe " + run + " px");
        assertEquals(Part.SKIN, m[top + run][cx], "the face below the fringe");
      }
    }
  }

  /** Parts drawn over straps: the bag's body, the head and the hair. */
  private static boolean isOver(Part p) {
    return p == Part.BAG || p == Part.SKIN || p == Part.HAIR;
  }

  @ParameterizedTest
  @EnumSource(World.class)
  void genderIsDrawnByBuildBeyondTheWidthJitter(World world) {
    double manLeast = Double.MAX_VALUE;
    double womanMost = 0;
    for (String gender : List.of("man", "woman")) {
      Map<Attribute, String> v = Pictures.plain();
      v.put(Attribute.GENDER, gender);
      for (double width : widths(world)) {
        for (int seed = 0; seed < 10; seed++) {
          SynthConfig c = Pictures.config(world, seed, 64, 32);
          Shot shot = seed % 2 == 0 ? FRONT : BACK;
          Part[][] m = Pictures.mask(c, Pictures.image(Pictures.person(v, width), shot, 0), false);
          int[] sh = build(m);
          double ratio = (double) sh[0] / sh[1];
          String where =
              world
                  + " "
                  + gender
                  + " width "
                  + width
                  + " seed "
                  + seed
                  + ": shoulders "
                  + sh[0]
                  + " px, hips "
                  + sh[1]
                  + " px";
          if (gender.equals("man")) {
            assertTrue(sh[0] - sh[1] >= 3, where);
            manLeast = Math.min(manLeast, ratio);
          } else {
            assertTrue(sh[1] - sh[0] >= 2, where);
            womanMost = Math.max(womanMost, ratio);
          }
        }
      }
    }
    // the narrowest-built man and the broadest-built woman are still far apart
    assertTrue(manLeast > 1.2 * womanMost, world + ": " + manLeast + " vs " + womanMost);
  }

  /**
   * Shoulder width (garment and arms at canonical y = 25) and hip width (the lower garment's widest
   * extent between y = 50 and 57) of a mask, in pixels; rows from the figure's height.
   */
  static int[] build(Part[][] m) {
    int top = -1;
    int bottom = -1;
    for (int y = 0; y < m.length; y++) {
      for (Part p : m[y]) {
        if (p == Part.HAIR || p == Part.HAT || p == Part.SKIN) {
          top = top < 0 ? y : top;
        }
        if (p == Part.SHOE) {
          bottom = y;
        }
      }
    }
    double s = (bottom + 1 - top) / 98.6;
    Set<Part> shoulderParts = EnumSet.of(Part.UPPER, Part.PATTERN, Part.ARM_UPPER, Part.ARM_SKIN);
    int shoulderRow = (int) Math.round(top + (25 - 1.2) * s);
    int shoulders = extent(m[shoulderRow], shoulderParts);
    int hips = 0;
    for (int y = (int) Math.round(top + 54 * s); y <= Math.round(top + 57 * s); y++) {
      hips = Math.max(hips, extent(m[y], EnumSet.of(Part.LOWER)));
    }
    return new int[] {shoulders, hips};
  }

  private static int extent(Part[] row, Set<Part> parts) {
    int first = -1;
    int last = -1;
    for (int x = 0; x < row.length; x++) {
      if (parts.contains(row[x])) {
        first = first < 0 ? x : first;
        last = x;
      }
    }
    return first < 0 ? 0 : last - first + 1;
  }

  @ParameterizedTest
  @EnumSource(World.class)
  void everyMentionedAttributeIsVisibleAndOccludersHideOnlyWhatNoCaptionMentions(World world) {
    SynthConfig c = new SynthConfig(80, 2, 4, 5, 64, 32, 1, world);
    List<SyntheticDataset.PlannedImage> plan =
        SyntheticDataset.plan(c, SyntheticDataset.identities(c));
    int occluded = 0;
    int hiddenMentionsAvoided = 0;
    for (SyntheticDataset.PlannedImage im : plan) {
      Part[][] shown = Pictures.mask(c, im, true);
      Part[][] whole = Pictures.mask(c, im, false);
      if (im.shot().occluder() != Shot.Occluder.NONE) {
        occluded++;
        assertFalse(world == World.STUDIO, "the studio has no occluders");
      }
      if (im.shot().occluder() == Shot.Occluder.LOW) {
        assertEquals(
            0, Pictures.count(shown, EnumSet.of(Part.SHOE)), "a low object hides the shoes");
      }
      hiddenMentionsAvoided += im.hidden().size();
      for (CaptionGrammar.Caption cap : im.captions()) {
        for (Map.Entry<Attribute, String> e : cap.mentions().entrySet()) {
          Attribute a = e.getKey();
          assertFalse(im.hidden().contains(a), a + " is hidden in " + im.filePath());
          if (e.getValue().equals("none")
              || (a == Attribute.HAIR_LENGTH && e.getValue().equals("short"))) {
            continue; // an absence: nothing to draw
          }
          Set<Part> parts =
              a == Attribute.PATTERN && e.getValue().equals("plain")
                  ? EnumSet.of(Part.UPPER)
                  : Pictures.partsOf(a);
          int visible = Pictures.count(shown, parts);
          int all = Pictures.count(whole, parts);
          String where =
              world
                  + " "
                  + im.filePath()
                  + " "
                  + im.shot()
                  + ": "
                  + a
                  + "="
                  + e.getValue()
                  + " shows "
                  + visible
                  + " of "
                  + all
                  + " px";
          assertTrue(visible >= least(a), where);
          assertTrue(3 * visible >= all, where); // at least a third: e.g. one arm of two
        }
      }
    }
    if (world == World.STREET) {
      assertTrue(occluded > plan.size() / 4, occluded + " of " + plan.size() + " occluded");
    }
    assertTrue(hiddenMentionsAvoided > 0);
  }

  /** Fewest visible pixels of a mentioned attribute at 64×32. */
  private static int least(Attribute a) {
    return switch (a) {
      case GENDER -> 40;
      case UPPER_COLOUR -> 20;
      case LOWER_TYPE, LOWER_COLOUR -> 10;
      case SLEEVE, BAG, BAG_COLOUR -> 8;
      case HAIR_COLOUR, HAIR_LENGTH, PATTERN, HAT, HAT_COLOUR -> 6;
      case SHOE_COLOUR -> 4;
    };
  }
}
