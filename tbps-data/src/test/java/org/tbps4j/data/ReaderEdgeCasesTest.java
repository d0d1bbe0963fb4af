package org.tbps4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Annotation entries a hostile or broken file can hold: an id beyond {@code long} is one bad entry,
 * not a broken file; a key repeated inside one entry is reported; control characters in the text
 * never reach a terminal raw.
 */
class ReaderEdgeCasesTest {
  @TempDir Path dir;

  private PedesDataset load(String json, boolean lenient) throws Exception {
    Path root = Files.createDirectories(dir.resolve("ds" + json.hashCode() + lenient));
    Files.writeString(root.resolve("reid_raw.json"), json);
    return PedesDataset.load(
        DatasetFormat.CUHK_PEDES,
        root,
        null,
        ReadOptions.defaults().withImageCheck(ImageCheck.NONE).withLenient(lenient));
  }

  private static List<Problem> of(PedesDataset ds, ProblemKind kind) {
    return ds.problems().stream().filter(p -> p.kind() == kind).toList();
  }

  @Test
  void anIdBeyondLongIsOneBadEntry() throws Exception {
    String json =
        """
        [{"id": 1, "split": "train", "file_path": "a.jpg", "captions": ["a man"]},
         {"id": 99999999999999999999999, "split": "train", "file_path": "b.jpg", "captions": ["x"]},
         {"id": 2, "split": "train", "file_path": "c.jpg", "captions": ["a woman"]}]
        """;
    PedesDataset strict = load(json, false);
    assertTrue(of(strict, ProblemKind.MALFORMED_JSON).isEmpty(), strict.problems().toString());
    List<Problem> bad = of(strict, ProblemKind.BAD_VALUE);
    assertEquals(1, bad.size(), strict.problems().toString());
    assertEquals(1, bad.get(0).entry());
    assertTrue(bad.get(0).message().contains("\"id\""), bad.get(0).message());
    assertFalse(strict.usable());
    PedesDataset lenient = load(json, true);
    assertEquals(2, lenient.images(Split.TRAIN).size());
    assertEquals(1, lenient.skipped().entries());
  }

  @Test
  void aKeyRepeatedInOneEntryIsReported() throws Exception {
    String json =
        """
        [{"id": 1, "split": "train", "file_path": "a.jpg", "file_path": "b.jpg", "captions": ["x"]},
         {"id": 2, "split": "train", "file_path": "c.jpg", "captions": ["a woman"]}]
        """;
    PedesDataset strict = load(json, false);
    List<Problem> dup =
        strict.problems().stream()
            .filter(p -> p.kind().jsonName().equals("duplicate_key"))
            .toList();
    assertEquals(1, dup.size(), strict.problems().toString());
    assertEquals(0, dup.get(0).entry());
    assertTrue(dup.get(0).message().contains("\"file_path\""), dup.get(0).message());
    assertFalse(strict.usable());
    PedesDataset lenient = load(json, true);
    assertEquals(1, lenient.images(Split.TRAIN).size(), "the ambiguous entry is skipped");
  }

  @Test
  void controlCharactersNeverReachMessagesRaw() throws Exception {
    String json =
        """
        [{"id": 1, "split": "tr\\u001b[2Jain", "file_path": "a\\u001b]0;pwned\\u0007.jpg",
          "captions": ["x"]},
         {"id": 2, "split": "train", "file_path": "/abs/\\u001b[31mred.jpg", "captions": ["y"]}]
        """;
    PedesDataset ds = load(json, false);
    assertFalse(ds.problems().isEmpty());
    for (Problem p : ds.problems()) {
      String d = p.describe();
      assertTrue(d.chars().noneMatch(c -> c < 0x20 || c == 0x7f), "raw control character: " + d);
    }
    String all = ds.problems().toString();
    assertTrue(all.contains("\\u001b"), all);
  }
}
