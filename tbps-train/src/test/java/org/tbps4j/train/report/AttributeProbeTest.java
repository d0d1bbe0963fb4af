package org.tbps4j.train.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tbps4j.data.CaptionRecord;
import org.tbps4j.data.Split;
import org.tbps4j.data.synth.Attribute;
import org.tbps4j.data.synth.SynthAttributes;

/**
 * The probe on hand-made embeddings: images encode the upper colour only, captions the cap only
 * (and only when they mention it), so exactly those two rows read perfectly.
 */
class AttributeProbeTest {
  private static final int PEOPLE = 400;

  private final Map<Long, Map<Attribute, String>> identities = new HashMap<>();
  private final Map<String, List<Map<Attribute, String>>> mentions = new HashMap<>();

  private AttributeProbe.Embedded split(Random r, long firstId) {
    List<String> paths = new ArrayList<>();
    long[] ids = new long[PEOPLE];
    double[][] images = new double[PEOPLE][12];
    List<CaptionRecord> captions = new ArrayList<>();
    List<double[]> texts = new ArrayList<>();
    for (int i = 0; i < PEOPLE; i++) {
      long id = firstId + i;
      Map<Attribute, String> p = new EnumMap<>(Attribute.class);
      for (Attribute a :
          new Attribute[] {Attribute.GENDER, Attribute.UPPER_COLOUR, Attribute.HAT}) {
        p.put(a, a.options().get(r.nextInt(a.options().size())));
      }
      if (p.get(Attribute.HAT).equals("cap")) {
        p.put(Attribute.HAT_COLOUR, "red");
      }
      identities.put(id, p);
      String path = "imgs/synth/" + id + "_0.jpg";
      paths.add(path);
      ids[i] = id;
      for (int j = 0; j < 12; j++) {
        images[i][j] = 0.1 * r.nextGaussian();
      }
      images[i][Attribute.UPPER_COLOUR.options().indexOf(p.get(Attribute.UPPER_COLOUR))] += 1;
      // caption 0 mentions the cap and the gender, caption 1 only the gender
      Map<Attribute, String> m0 = new EnumMap<>(Attribute.class);
      m0.put(Attribute.HAT, p.get(Attribute.HAT));
      m0.put(Attribute.GENDER, p.get(Attribute.GENDER));
      Map<Attribute, String> m1 = new EnumMap<>(Attribute.class);
      m1.put(Attribute.GENDER, p.get(Attribute.GENDER));
      mentions.put(path, List.of(m0, m1));
      for (int c = 0; c < 2; c++) {
        captions.add(new CaptionRecord(Split.TRAIN, id, path, i, c, "caption"));
        double[] t = new double[12];
        for (int j = 0; j < 12; j++) {
          t[j] = 0.1 * r.nextGaussian();
        }
        t[11] += p.get(Attribute.HAT).equals("cap") ? 1 : -1;
        texts.add(t);
      }
    }
    return new AttributeProbe.Embedded(
        paths, ids, images, captions, texts.toArray(new double[0][]));
  }

  private static AttributeProbe.Row row(
      List<AttributeProbe.Row> rows, Attribute a, AttributeProbe.Side side) {
    return rows.stream()
        .filter(x -> x.attribute() == a && x.side() == side)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row for " + a + "/" + side));
  }

  @Test
  void readsWhatEachSideEncodesAndNothingElse() {
    Random r = new Random(1);
    AttributeProbe.Embedded fit = split(r, 1);
    AttributeProbe.Embedded eval = split(r, 10_001);
    SynthAttributes attrs = new SynthAttributes(identities, mentions);
    List<AttributeProbe.Row> rows = AttributeProbe.probe(attrs, fit, eval, 0.1);

    assertEquals(
        1.0, row(rows, Attribute.UPPER_COLOUR, AttributeProbe.Side.IMAGE).result().accuracy());
    AttributeProbe.Row hatText = row(rows, Attribute.HAT, AttributeProbe.Side.TEXT);
    assertEquals(1.0, hatText.result().accuracy());
    assertEquals(PEOPLE, hatText.result().evaluated(), "only the captions that mention the cap");
    assertEquals(
        2 * PEOPLE, row(rows, Attribute.GENDER, AttributeProbe.Side.TEXT).result().evaluated());
    for (AttributeProbe.Row x :
        List.of(
            row(rows, Attribute.GENDER, AttributeProbe.Side.IMAGE),
            row(rows, Attribute.HAT, AttributeProbe.Side.IMAGE),
            row(rows, Attribute.GENDER, AttributeProbe.Side.TEXT))) {
      assertTrue(
          x.result().accuracy() < x.result().majority() + 0.1,
          x + ": not encoded, so about the majority baseline");
    }
    // never mentioned by a caption: no text row; a single value (all caps red): no row at all
    assertTrue(
        rows.stream()
            .noneMatch(
                x ->
                    x.attribute() == Attribute.UPPER_COLOUR
                        && x.side() == AttributeProbe.Side.TEXT));
    assertTrue(rows.stream().noneMatch(x -> x.attribute() == Attribute.HAT_COLOUR));
    assertTrue(rows.stream().noneMatch(x -> x.attribute() == Attribute.SHOE_COLOUR));
  }

  @Test
  void namesWhatTheAttributeTableLacks() {
    Random r = new Random(2);
    AttributeProbe.Embedded fit = split(r, 1);
    AttributeProbe.Embedded eval = split(r, 10_001);
    identities.remove(10_005L);
    SynthAttributes attrs = new SynthAttributes(identities, mentions);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> AttributeProbe.probe(attrs, fit, eval, 0.1));
    assertEquals("person 10005 (imgs/synth/10005_0.jpg) is not in attributes.json", e.getMessage());

    identities.put(10_005L, Map.of(Attribute.GENDER, "robot"));
    IllegalArgumentException v =
        assertThrows(
            IllegalArgumentException.class,
            () -> AttributeProbe.probe(new SynthAttributes(identities, mentions), fit, eval, 0.1));
    assertEquals(
        "attributes.json: imgs/synth/10005_0.jpg: gender 'robot' is not one of [man, woman]",
        v.getMessage());
  }
}
