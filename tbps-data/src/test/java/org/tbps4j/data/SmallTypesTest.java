package org.tbps4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image paths, split rules, split/format names, the class mapping. */
class SmallTypesTest {
  @TempDir Path dir;

  @Test
  void imagePathsThatAreAbsoluteOrLeaveTheRootAreUnsafe() {
    assertNull(ImagePaths.unsafeReason("CUHK01/0001.png"));
    assertNull(ImagePaths.unsafeReason("a/../b.jpg")); // stays inside
    assertNull(ImagePaths.unsafeReason("./a//b.jpg"));
    assertTrue(ImagePaths.unsafeReason("/etc/passwd").startsWith("is absolute"));
    assertTrue(ImagePaths.unsafeReason("\\\\server\\x.jpg").startsWith("is absolute"));
    assertTrue(ImagePaths.unsafeReason("C:\\data\\x.jpg").startsWith("is absolute"));
    assertTrue(ImagePaths.unsafeReason("c:/x.jpg").startsWith("is absolute"));
    assertTrue(ImagePaths.unsafeReason("~/x.jpg").startsWith("is absolute"));
    assertTrue(ImagePaths.unsafeReason("../x.jpg").startsWith("leaves the dataset root"));
    assertTrue(ImagePaths.unsafeReason("a/../../x.jpg").startsWith("leaves the dataset root"));
    assertTrue(ImagePaths.unsafeReason("a\\..\\..\\x.jpg").startsWith("leaves the dataset root"));
    assertEquals("is empty", ImagePaths.unsafeReason("  "));
    assertEquals("a/b.jpg", ImagePaths.normalise("./a//x/../b.jpg"));
    assertEquals("a/b.jpg", ImagePaths.normalise("a\\b.jpg"));
  }

  @Test
  void splitRulesParseAndAssignByPosition() {
    SplitRule r = SplitRule.parse(" 2, 1,3 ");
    assertEquals(new SplitRule(2, 1, 3), r);
    assertEquals(Split.TRAIN, r.splitOf(1));
    assertEquals(Split.VAL, r.splitOf(2));
    assertEquals(Split.TEST, r.splitOf(5));
    assertNull(r.splitOf(6));
    assertEquals(SplitRule.CUHK_PEDES, SplitRule.parse("CUHK-PEDES"));
    assertEquals(40_206, SplitRule.CUHK_PEDES.total());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SplitRule.parse("1,2"));
    assertTrue(e.getMessage().contains("TRAIN,VAL,TEST"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SplitRule(-1, 0, 1));
  }

  @Test
  void namesAreParsedAndUnknownOnesListTheValidOnes() {
    assertEquals(Split.VAL, Split.fromName("Val"));
    assertEquals(DatasetFormat.RSTPREID, DatasetFormat.fromName("rstpreid"));
    assertEquals(DatasetFormat.ICFG_PEDES, DatasetFormat.fromName("ICFG-PEDES"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DatasetFormat.fromName("market"));
    assertEquals(
        "unknown dataset format \"market\" (valid: cuhk-pedes, icfg-pedes, rstpreid)",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Split.fromName("dev"));
    assertEquals("unknown split \"dev\" (valid: train, val, test)", e.getMessage());
  }

  @Test
  void classMappingSortsIdsAndRoundTrips() throws Exception {
    ClassMapping m = ClassMapping.of(List.of(17L, 3L, 9L, 3L, 100L));
    assertEquals(4, m.size());
    assertArrayEquals(new long[] {3, 9, 17, 100}, m.personIds());
    assertEquals(0, m.classOf(3));
    assertEquals(2, m.classOf(17));
    assertEquals(100, m.personId(3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.classOf(5));
    assertEquals("person id 5 is not one of the 4 train ids", e.getMessage());
    Path f = dir.resolve("classes.json");
    m.save(f);
    assertEquals(m, ClassMapping.load(f));
    Files.writeString(f, "{\"format\": \"tbps-class-mapping\", \"ids\": [1, 5, 5]}");
    e = assertThrows(IllegalArgumentException.class, () -> ClassMapping.load(f));
    assertTrue(
        e.getMessage().endsWith("ids must be strictly ascending, ids[2] = 5"), e.getMessage());
  }

  @Test
  void malformedJsonNamesSourceLineAndColumnForEverySmallFile() {
    String bad = "{\n  \"height\": 4,\n  oops\n}";
    List<Runnable> readers =
        List.of(
            () -> ClassMapping.fromJson(bad, "m.json"),
            () -> org.tbps4j.data.text.Vocabulary.fromJson(bad, "m.json"),
            () -> org.tbps4j.data.image.ImageSettings.fromJson(bad, "m.json"));
    for (Runnable r : readers) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
      assertTrue(e.getMessage().startsWith("m.json:3:3: malformed JSON: "), e.getMessage());
    }
    assertEquals("{ }\n", JsonText.write(JsonText.MAPPER.createObjectNode()));
  }
}
