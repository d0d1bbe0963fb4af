package org.tbps4j.data.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocabularyTest {
  @TempDir Path dir;

  // counts: a 8, man 4, in 3, red 3, shirt 3, blue 2, woman 2, bag 1
  static final List<String> CAPTIONS =
      List.of(
          "A man in a red shirt.",
          "A man in a red shirt, a blue bag.",
          "a woman in red",
          "A man, a shirt",
          "woman blue man");

  @Test
  void idsArePadUnkThenDescendingCountThenAlphabetical() {
    Vocabulary v = Vocabulary.fromCaptions(CAPTIONS, 3);
    assertEquals(List.of("<pad>", "<unk>", "a", "man", "in", "red", "shirt"), v.words());
    assertEquals(7, v.size());
    assertEquals(8, v.count(2));
    assertEquals(4, v.count(3));
    assertEquals(3, v.count(6));
    assertEquals(3, v.minCount());
    Vocabulary all = Vocabulary.fromCaptions(CAPTIONS, 1);
    assertEquals(
        List.of("<pad>", "<unk>", "a", "man", "in", "red", "shirt", "blue", "woman", "bag"),
        all.words());
  }

  @Test
  void theTableDoesNotDependOnCaptionOrder() {
    List<String> shuffled = new ArrayList<>(CAPTIONS);
    Collections.shuffle(shuffled, new Random(3));
    assertEquals(Vocabulary.fromCaptions(CAPTIONS, 1), Vocabulary.fromCaptions(shuffled, 1));
  }

  @Test
  void encodePadsTruncatesAndMapsUnknownWordsToUnk() {
    Vocabulary v = Vocabulary.fromCaptions(CAPTIONS, 3);
    // a=2 man=3 in=4 red=5 shirt=6
    assertArrayEquals(new int[] {2, 3, 4, 5, 6, 0, 0}, v.encode("A man in red shirt", 7));
    assertArrayEquals(new int[] {2, 1, 5}, v.encode("a purple red zebra", 3));
    assertArrayEquals(new int[] {1, 1}, v.encode(List.of("<pad>", "<unk>"), 2));
    assertEquals(Vocabulary.UNK, v.id("blue"));
    assertFalse(v.contains("blue"));
    assertTrue(v.contains("shirt"));
  }

  @Test
  void encodeDetailedReportsTruncationAndUnknownWords() {
    Vocabulary v = Vocabulary.fromCaptions(CAPTIONS, 3);
    Vocabulary.Encoding e = v.encodeDetailed("a zebra man in a red shirt", 4);
    assertArrayEquals(new int[] {2, 1, 3, 4}, e.ids());
    assertEquals(7, e.tokenCount());
    assertEquals(1, e.unknownCount());
    assertTrue(e.truncated());
    assertFalse(v.encodeDetailed("a man", 4).truncated());
  }

  @Test
  void saveAndLoadRoundTrip() throws Exception {
    Vocabulary v = Vocabulary.fromCaptions(CAPTIONS, 1);
    Path f = dir.resolve("vocab.json");
    v.save(f);
    Vocabulary back = Vocabulary.load(f);
    assertEquals(v, back);
    assertEquals(v.words(), back.words());
    assertArrayEquals(
        v.encode("woman with a blue bag", 6), back.encode("woman with a blue bag", 6));
  }

  @Test
  void loadRejectsForeignOrBrokenFiles() throws Exception {
    Path f = dir.resolve("v.json");
    Files.writeString(f, Vocabulary.fromCaptions(CAPTIONS, 3).toJson().replace("/v1", "/v9"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.load(f));
    assertTrue(
        e.getMessage().contains("v.json: vocabulary was built with tokenizer"), e.getMessage());
    Files.writeString(
        f,
        "{\"format\": \"tbps-vocabulary\", \"version\": 1, \"tokenizer\": \""
            + Tokenizer.NAME
            + "\", \"words\": [\"<unk>\", \"<pad>\", \"a\"]}");
    e = assertThrows(IllegalArgumentException.class, () -> Vocabulary.load(f));
    assertTrue(
        e.getMessage().contains("words[0] and words[1] must be <pad> and <unk>"), e.getMessage());
    Files.writeString(f, "{\"format\": \n  nope}");
    e = assertThrows(IllegalArgumentException.class, () -> Vocabulary.load(f));
    assertTrue(e.getMessage().startsWith(f + ":2:"), e.getMessage());
  }

  @Test
  void badArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Vocabulary.fromCaptions(CAPTIONS, 0));
    Vocabulary v = Vocabulary.fromCaptions(CAPTIONS, 3);
    assertThrows(IllegalArgumentException.class, () -> v.encode("a", 0));
    assertThrows(IllegalArgumentException.class, () -> v.word(7));
  }
}
