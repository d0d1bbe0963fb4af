package org.tbps4j.data.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tbps4j.data.DatasetFormat;
import org.tbps4j.data.ImageCheck;
import org.tbps4j.data.PedesDataset;
import org.tbps4j.data.ReadOptions;
import org.tbps4j.data.Split;
import org.tbps4j.data.text.Tokenizer;

/**
 * The two worlds: each one's oracle against a slow computation from the files, determinism, the
 * reader on both, and how they differ (format, split, captions, backgrounds, scale and position,
 * light).
 */
class WorldsTest {
  @TempDir static Path dir;
  static final ObjectMapper JSON = new ObjectMapper();
  static final Map<World, SynthConfig> CONFIGS = new EnumMap<>(World.class);
  static final Map<World, SyntheticDataset.Summary> SUMMARIES = new EnumMap<>(World.class);

  @BeforeAll
  static void generate() throws Exception {
    for (World w : World.values()) {
      SynthConfig c = new SynthConfig(40, 2, 4, 21, 64, 32, 2, w);
      CONFIGS.put(w, c);
      SUMMARIES.put(w, SyntheticDataset.generate(c, dir.resolve(w.id())));
    }
  }

  private static List<Path> files(Path root) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
    }
  }

  /**
   * The oracle's expected R@1 recomputed from reid_raw.json and attributes.json with plain loops:
   * for each test caption, the share of its person's images among the test images whose person
   * matches the most mentioned values. R@1 of oracle.json (random tie order, mean of its repeats)
   * must lie within 5 standard deviations of it.
   */
  @ParameterizedTest
  @EnumSource(World.class)
  void theOracleAgreesWithASlowComputationFromTheFiles(World world) throws Exception {
    Path root = dir.resolve(world.id());
    JsonNode attrs = JSON.readTree(root.resolve("attributes.json").toFile());
    JsonNode raw = JSON.readTree(root.resolve("reid_raw.json").toFile());
    JsonNode oracle = JSON.readTree(root.resolve("oracle.json").toFile());
    Map<Long, JsonNode> person = new HashMap<>();
    for (JsonNode p : attrs.get("identities")) {
      person.put(p.get("id").asLong(), p);
    }
    Map<String, JsonNode> mentionsOf = new HashMap<>();
    for (JsonNode im : attrs.get("images")) {
      mentionsOf.put(im.get("file_path").asText(), im.get("mentions"));
    }
    List<Long> gallery = new ArrayList<>();
    List<long[]> queryIds = new ArrayList<>();
    List<JsonNode> queries = new ArrayList<>();
    for (JsonNode e : raw) {
      if (!e.get("split").asText().equals("test")) {
        continue;
      }
      long id = e.get("id").asLong();
      gallery.add(id);
      JsonNode ms = mentionsOf.get(e.get("file_path").asText());
      assertEquals(e.get("captions").size(), ms.size());
      for (JsonNode m : ms) {
        queries.add(m);
        queryIds.add(new long[] {id});
      }
    }
    double sum = 0;
    double variance = 0;
    for (int q = 0; q < queries.size(); q++) {
      int best = -1;
      int tied = 0;
      int relevant = 0;
      for (long g : gallery) {
        int score = 0;
        for (var it = queries.get(q).fields(); it.hasNext(); ) {
          var f = it.next();
          JsonNode v = person.get(g).get(f.getKey());
          score += v != null && v.asText().equals(f.getValue().asText()) ? 1 : 0;
        }
        if (score > best) {
          best = score;
          tied = 0;
          relevant = 0;
        }
        if (score == best) {
          tied++;
          relevant += g == queryIds.get(q)[0] ? 1 : 0;
        }
      }
      double p = (double) relevant / tied;
      sum += p;
      variance += p * (1 - p);
    }
    int n = queries.size();
    double exact = 100 * sum / n;
    assertEquals(exact, oracle.get("expected_R@1_exact").asDouble(), 1e-9, world.id());
    double sd = 100 * Math.sqrt(variance / Oracle.REPEATS) / n;
    double r1 = oracle.get("R@1").asDouble();
    assertTrue(Math.abs(r1 - exact) <= 5 * sd + 1e-9, r1 + " vs " + exact + " ± " + sd);
    assertEquals(n, oracle.get("queries").asInt());
    assertEquals(world.id(), oracle.get("world").asText());
  }

  @Test
  void theStreetWorldIsByteIdenticalWhateverTheThreads() throws Exception {
    Path b = dir.resolve("street-1-thread");
    SyntheticDataset.generate(new SynthConfig(40, 2, 4, 21, 64, 32, 1, World.STREET), b);
    Path a = dir.resolve("street");
    List<Path> fa = files(a);
    assertEquals(fa, files(b));
    for (Path f : fa) {
      assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f + "");
    }
  }

  @ParameterizedTest
  @EnumSource(World.class)
  void theReaderAndTheAttributeTableReadBothWorlds(World world) throws Exception {
    Path root = dir.resolve(world.id());
    PedesDataset ds =
        PedesDataset.load(
            DatasetFormat.CUHK_PEDES,
            root,
            null,
            ReadOptions.defaults().withImageCheck(ImageCheck.DECODE));
    assertTrue(ds.problems().isEmpty(), ds.problems().toString());
    for (Split s : Split.values()) {
      assertEquals(SUMMARIES.get(world).splits().get(s), ds.stats(s), s + "");
    }
    SynthAttributes attrs = SynthAttributes.load(root);
    assertEquals(40, attrs.identities().size());
    assertEquals(
        ds.images(Split.TRAIN).size() + ds.images(Split.VAL).size() + ds.images(Split.TEST).size(),
        attrs.mentions().size());
    BufferedImage img = ImageIO.read(ds.resolve(ds.images(Split.TEST).get(0).imagePath()).toFile());
    assertEquals(64, img.getHeight());
    assertEquals(32, img.getWidth());
  }

  @Test
  void theWorldsDifferInFormatSplitAndCaptionVocabulary() throws Exception {
    // format: JPEG in the studio, PNG in the street
    byte[] jpg = Files.readAllBytes(dir.resolve("studio/imgs/synth/00001_0.jpg"));
    byte[] png = Files.readAllBytes(dir.resolve("street/imgs/synth/00001_0.png"));
    assertEquals(0xFF, jpg[0] & 0xFF);
    assertEquals(0xD8, jpg[1] & 0xFF);
    assertEquals(0x89, png[0] & 0xFF);
    assertEquals('P', png[1]);
    // split by identity: 80/10/10 and 70/15/15
    assertEquals(32, SUMMARIES.get(World.STUDIO).splits().get(Split.TRAIN).ids());
    assertEquals(4, SUMMARIES.get(World.STUDIO).splits().get(Split.TEST).ids());
    assertEquals(28, SUMMARIES.get(World.STREET).splits().get(Split.TRAIN).ids());
    assertEquals(6, SUMMARIES.get(World.STREET).splits().get(Split.VAL).ids());
    assertEquals(6, SUMMARIES.get(World.STREET).splits().get(Split.TEST).ids());
    // caption words, the colour names (the shared vocabulary of values) left out
    Set<String> colours = new HashSet<>(List.of("gray", "violet"));
    for (Attribute a : Attribute.values()) {
      if (a.name().endsWith("COLOUR")) {
        colours.addAll(a.options());
      }
    }
    Map<World, Set<String>> words = new EnumMap<>(World.class);
    for (World w : World.values()) {
      Set<String> v = new HashSet<>();
      for (JsonNode e : JSON.readTree(dir.resolve(w.id() + "/reid_raw.json").toFile())) {
        for (JsonNode c : e.get("captions")) {
          Tokenizer.tokenize(c.asText()).stream().filter(t -> !colours.contains(t)).forEach(v::add);
        }
      }
      words.put(w, v);
    }
    Set<String> both = new HashSet<>(words.get(World.STUDIO));
    both.retainAll(words.get(World.STREET));
    Set<String> either = new HashSet<>(words.get(World.STUDIO));
    either.addAll(words.get(World.STREET));
    double jaccard = (double) both.size() / either.size();
    assertTrue(jaccard < 0.3, "caption words shared: " + jaccard + " " + both);
  }

  /** Mean |difference| of horizontally adjacent background pixels (texture and clutter). */
  private static double backgroundTexture(World w) {
    SynthConfig c = CONFIGS.get(w);
    double sum = 0;
    int n = 0;
    for (SyntheticDataset.PlannedImage im :
        SyntheticDataset.plan(c, SyntheticDataset.identities(c)).subList(0, 40)) {
      BufferedImage photo = SyntheticDataset.render(c, im);
      Part[][] m = Pictures.mask(c, im, true);
      for (int y = 0; y < m.length; y++) {
        for (int x = 1; x < m[y].length; x++) {
          if (m[y][x] == Part.BACKGROUND && m[y][x - 1] == Part.BACKGROUND) {
            int[] a = Pictures.rgb(photo, x, y);
            int[] b = Pictures.rgb(photo, x - 1, y);
            sum += Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]);
            n++;
          }
        }
      }
    }
    return sum / n;
  }

  @Test
  void streetBackgroundsAreBusierAndPeopleVaryMoreInScaleAndPosition() {
    double studio = backgroundTexture(World.STUDIO);
    double street = backgroundTexture(World.STREET);
    assertTrue(street > 2 * studio, "background texture: street " + street + ", studio " + studio);
    for (World w : World.values()) {
      SynthConfig c = CONFIGS.get(w);
      double lo = 1;
      double hi = 0;
      double left = 1;
      double right = 0;
      for (SyntheticDataset.PlannedImage im :
          SyntheticDataset.plan(c, SyntheticDataset.identities(c))) {
        Part[][] m = Pictures.mask(c, im, false);
        int top = m.length;
        int bottom = -1;
        double cx = 0;
        int count = 0;
        for (int y = 0; y < m.length; y++) {
          for (int x = 0; x < m[y].length; x++) {
            if (m[y][x] != Part.BACKGROUND && m[y][x] != Part.OCCLUDER) {
              top = Math.min(top, y);
              bottom = y;
              cx += x + 0.5;
              count++;
            }
          }
        }
        double share = (bottom + 1.0 - top) / m.length;
        lo = Math.min(lo, share);
        hi = Math.max(hi, share);
        left = Math.min(left, cx / count / m[0].length);
        right = Math.max(right, cx / count / m[0].length);
      }
      String where = w + ": height " + lo + ".." + hi + ", centre " + left + ".." + right;
      if (w == World.STREET) {
        assertTrue(lo < 0.68 && hi > 0.92, where);
        assertTrue(right - left > 0.35, where);
      } else {
        assertTrue(lo > 0.7 && hi < 0.99, where);
        assertTrue(right - left < 0.3, where);
      }
    }
  }

  /**
   * The street's light keeps colour names: (a) the global light alone (every corner of brightness,
   * contrast and colour temperature) leaves each garment colour nearest to its own name's colour;
   * (b) under any global light, the local effects (shadow, garment shading, the identity's shade
   * jitter, at their extremes) leave it nearest to its own name's colour under that light, the
   * reference a viewer has in the same picture.
   */
  @Test
  void theStreetLightKeepsColourNames() {
    List<String> names = Attribute.LOWER_COLOUR.options(); // with the upper colours: all twelve
    Set<String> all = new HashSet<>(names);
    all.addAll(Attribute.UPPER_COLOUR.options());
    List<String> palette = new ArrayList<>(all);
    double[] bs = {StreetRenderer.BRIGHT_MIN, 1, StreetRenderer.BRIGHT_MAX};
    double[] cs = {StreetRenderer.CONTRAST_MIN, 1, StreetRenderer.CONTRAST_MAX};
    double[] ts = {-StreetRenderer.TEMP_MAX, 0, StreetRenderer.TEMP_MAX};
    for (double b : bs) {
      for (double c : cs) {
        for (double t : ts) {
          StreetRenderer.Light light = new StreetRenderer.Light(b, c, t, 0, 0, 0);
          Map<String, double[]> lit = new HashMap<>();
          for (String n : palette) {
            lit.put(n, lit(light, Palette.garment(World.STREET, n), 1, 1, new int[3]));
          }
          for (String n : palette) {
            double[] global = lit.get(n);
            assertEquals(n, nearest(global, palette, null), "global light " + light + " on " + n);
            for (double shadow : new double[] {1, 1 - StreetRenderer.SHADOW_MAX}) {
              for (double shading :
                  new double[] {1 - StreetRenderer.SHADING, 1 + StreetRenderer.SHADING}) {
                for (int corner = 0; corner < 8; corner++) {
                  int j = Palette.STREET_SHADE;
                  int[] jitter = {
                    (corner & 1) == 0 ? -j : j,
                    (corner & 2) == 0 ? -j : j,
                    (corner & 4) == 0 ? -j : j
                  };
                  double[] local =
                      lit(light, Palette.garment(World.STREET, n), shadow, shading, jitter);
                  assertEquals(
                      n,
                      nearest(local, palette, lit),
                      n
                          + " under "
                          + light
                          + ", shadow "
                          + shadow
                          + ", shading "
                          + shading
                          + ", shade "
                          + java.util.Arrays.toString(jitter));
                }
              }
            }
          }
        }
      }
    }
  }

  private static double[] lit(
      StreetRenderer.Light l, Color c, double shadow, double shading, int[] jitter) {
    int[] rgb = {c.getRed(), c.getGreen(), c.getBlue()};
    double[] out = new double[3];
    for (int k = 0; k < 3; k++) {
      double v = Palette.clamp((int) Math.round(Palette.clamp(rgb[k] + jitter[k]) * shading));
      out[k] = Math.max(0, Math.min(255, l.apply(v, k, shadow)));
    }
    return out;
  }

  /** The name whose colour (unlit, or lit as in {@code lit}) is nearest. */
  private static String nearest(double[] c, List<String> names, Map<String, double[]> lit) {
    String best = null;
    double bestD = Double.MAX_VALUE;
    for (String n : names) {
      double[] ref;
      if (lit == null) {
        Color p = Palette.garment(World.STREET, n);
        ref = new double[] {p.getRed(), p.getGreen(), p.getBlue()};
      } else {
        ref = lit.get(n);
      }
      double d = 0;
      for (int k = 0; k < 3; k++) {
        d += (c[k] - ref[k]) * (c[k] - ref[k]);
      }
      if (d < bestD) {
        bestD = d;
        best = n;
      }
    }
    return best;
  }
}
