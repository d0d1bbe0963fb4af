package org.tbps4j.data.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
import org.tbps4j.data.DatasetFormat;
import org.tbps4j.data.ImageCheck;
import org.tbps4j.data.ImageRecord;
import org.tbps4j.data.PedesDataset;
import org.tbps4j.data.ReadOptions;
import org.tbps4j.data.Split;

class SyntheticDatasetTest {
  @TempDir static Path dir;
  static SynthConfig config = new SynthConfig(20, 2, 4, 11, 64, 32, 1);
  static SyntheticDataset.Summary summary;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void generate() throws Exception {
    summary = SyntheticDataset.generate(config, dir.resolve("a"));
  }

  private static List<Path> files(Path root) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
    }
  }

  @Test
  void sameSeedGivesByteIdenticalOutputWhateverTheThreads() throws Exception {
    Path b = dir.resolve("b");
    SyntheticDataset.generate(new SynthConfig(20, 2, 4, 11, 64, 32, 3), b); // other thread count
    List<Path> fa = files(dir.resolve("a"));
    List<Path> fb = files(b);
    assertEquals(fa, fb);
    assertTrue(fa.size() > 40);
    for (Path f : fa) {
      assertArrayEquals(
          Files.readAllBytes(dir.resolve("a").resolve(f)),
          Files.readAllBytes(b.resolve(f)),
          f.toString());
    }
    Path c = dir.resolve("c");
    SyntheticDataset.generate(new SynthConfig(20, 2, 4, 12, 64, 32, 2), c);
    assertFalse(
        java.util.Arrays.equals(
            Files.readAllBytes(dir.resolve("a/reid_raw.json")),
            Files.readAllBytes(c.resolve("reid_raw.json"))));
  }

  @Test
  void theCuhkReaderGetsBackTheGeneratedCounts() throws Exception {
    PedesDataset ds =
        PedesDataset.load(
            DatasetFormat.CUHK_PEDES,
            dir.resolve("a"),
            null,
            ReadOptions.defaults().withImageCheck(ImageCheck.DECODE));
    assertTrue(ds.usable());
    assertTrue(ds.problems().isEmpty(), ds.problems().toString());
    for (Split s : Split.values()) {
      assertEquals(summary.splits().get(s), ds.stats(s), s.toString());
    }
    assertEquals(
        new PedesDataset.SplitStats(
            16, ds.images(Split.TRAIN).size(), 2 * ds.images(Split.TRAIN).size()),
        ds.stats(Split.TRAIN));
    assertEquals(2, ds.stats(Split.VAL).ids());
    assertEquals(2, ds.stats(Split.TEST).ids());
    // 1-based ids, splits by identity in id order
    for (ImageRecord r : ds.images(Split.TRAIN)) {
      assertTrue(r.personId() >= 1 && r.personId() <= 16);
    }
    for (ImageRecord r : ds.images(Split.TEST)) {
      assertTrue(r.personId() >= 19 && r.personId() <= 20);
    }
    Map<Long, Integer> perId = new HashMap<>();
    for (Split s : Split.values()) {
      ds.images(s).forEach(r -> perId.merge(r.personId(), 1, Integer::sum));
    }
    assertEquals(20, perId.size());
    assertTrue(perId.values().stream().allMatch(n -> n >= 2 && n <= 4));
    BufferedImage img = ImageIO.read(ds.resolve(ds.images(Split.VAL).get(0).imagePath()).toFile());
    assertEquals(64, img.getHeight());
    assertEquals(32, img.getWidth());
  }

  @Test
  void attributesAreUniquePerIdentityAndCaptionsMentionTrueValues() throws Exception {
    JsonNode attrs = JSON.readTree(dir.resolve("a/attributes.json").toFile());
    JsonNode raw = JSON.readTree(dir.resolve("a/reid_raw.json").toFile());
    Map<Integer, Map<String, String>> byId = new HashMap<>();
    Set<Map<String, String>> distinct = new HashSet<>();
    for (JsonNode p : attrs.get("identities")) {
      Map<String, String> v = new HashMap<>();
      p.fields()
          .forEachRemaining(
              e -> {
                if (!e.getKey().equals("id") && !e.getKey().equals("split")) {
                  v.put(e.getKey(), e.getValue().asText());
                }
              });
      byId.put(p.get("id").asInt(), v);
      distinct.add(v);
    }
    assertEquals(20, distinct.size());
    JsonNode images = attrs.get("images");
    assertEquals(raw.size(), images.size());
    for (int i = 0; i < images.size(); i++) {
      JsonNode im = images.get(i);
      assertEquals(raw.get(i).get("file_path").asText(), im.get("file_path").asText());
      Map<String, String> truth = byId.get(im.get("id").asInt());
      for (JsonNode m : im.get("mentions")) {
        assertTrue(m.size() >= 2);
        m.fields()
            .forEachRemaining(e -> assertEquals(truth.get(e.getKey()), e.getValue().asText()));
      }
    }
  }

  @Test
  void attributesFileLoadsBackAsThePlan() throws Exception {
    SynthAttributes a = SynthAttributes.load(dir.resolve("a"));
    List<Identity> people = SyntheticDataset.identities(config);
    List<SyntheticDataset.PlannedImage> plan = SyntheticDataset.plan(config, people);
    assertEquals(20, a.identities().size());
    for (Identity p : people) {
      assertEquals(p.values(), a.identities().get((long) p.id()));
    }
    assertEquals(plan.size(), a.mentions().size());
    for (SyntheticDataset.PlannedImage im : plan) {
      List<Map<Attribute, String>> m = a.mentions().get("imgs/" + im.filePath());
      assertEquals(2, m.size());
      for (int c = 0; c < 2; c++) {
        assertEquals(im.captions().get(c).mentions(), m.get(c));
      }
    }
  }

  @Test
  void oracleJsonHoldsTheSummaryMetrics() throws Exception {
    JsonNode o = JSON.readTree(dir.resolve("a/oracle.json").toFile());
    assertEquals("test", o.get("split").asText());
    assertEquals(100 * summary.oracle().metrics().recallAt1(), o.get("R@1").asDouble(), 1e-9);
    assertEquals(summary.oracle().queries(), o.get("queries").asInt());
    assertEquals(2 * summary.oracle().gallery(), o.get("queries").asInt());
    assertTrue(o.get("R@1").asDouble() > 0 && o.get("R@1").asDouble() <= 100);
    assertTrue(o.get("R@5").asDouble() >= o.get("R@1").asDouble());
    assertTrue(o.get("val").get("R@1").asDouble() > 0);
  }

  @Test
  void contactSheetShowsRowsOfPeople() throws Exception {
    Path png = dir.resolve("sheet.png");
    int[] wh = ContactSheet.write(dir.resolve("a"), png, 3, 2);
    BufferedImage b = ImageIO.read(png.toFile());
    assertEquals(wh[0], b.getWidth());
    assertEquals(wh[1], b.getHeight());
    assertEquals(6 + 3 * (64 + 6), b.getHeight());
  }

  @Test
  void existingNonEmptyOutputIsRefused() throws Exception {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SyntheticDataset.generate(config, dir.resolve("a")));
    assertTrue(e.getMessage().endsWith("is not empty; give a new or empty directory"));
  }

  @Test
  void configValidatesAndSplitsByIdentity() {
    assertEquals(List.of(16, 2, 2), List.of(config.trainIds(), config.valIds(), config.testIds()));
    SynthConfig thousand = SynthConfig.of(1000, 1);
    assertEquals(
        List.of(800, 100, 100),
        List.of(thousand.trainIds(), thousand.valIds(), thousand.testIds()));
    SynthConfig three = SynthConfig.of(3, 1);
    assertEquals(List.of(1, 1, 1), List.of(three.trainIds(), three.valIds(), three.testIds()));
    assertArrayEquals(new int[] {2, 5}, SynthConfig.parseRange("2..5"));
    assertArrayEquals(new int[] {3, 3}, SynthConfig.parseRange("3"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new SynthConfig(2, 2, 5, 1, 128, 64, 1));
    assertTrue(e.getMessage().startsWith("--ids must be >= 3"));
    e = assertThrows(IllegalArgumentException.class, () -> new SynthConfig(9, 4, 2, 1, 128, 64, 1));
    assertEquals("--images-per-id must be a..b with 1 <= a <= b <= 50, got 4..2", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SynthConfig.parseRange("2-5"));
  }

  @Test
  void identitiesArePureFunctionsOfTheSeed() {
    List<Identity> a = SyntheticDataset.identities(config);
    List<Identity> b = SyntheticDataset.identities(config);
    List<Map<Attribute, String>> va = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i).values(), b.get(i).values());
      va.add(a.get(i).values());
      assertEquals(i + 1, a.get(i).id());
      // bag and cap colours exist exactly when there is a bag / cap
      assertEquals(
          !a.get(i).get(Attribute.BAG).equals("none"), a.get(i).get(Attribute.BAG_COLOUR) != null);
      assertEquals(
          a.get(i).get(Attribute.HAT).equals("cap"), a.get(i).get(Attribute.HAT_COLOUR) != null);
      if (a.get(i).get(Attribute.LOWER_TYPE).equals("skirt")) {
        assertEquals("woman", a.get(i).get(Attribute.GENDER));
      }
    }
    assertEquals(va.size(), new HashSet<>(va).size());
  }
}
