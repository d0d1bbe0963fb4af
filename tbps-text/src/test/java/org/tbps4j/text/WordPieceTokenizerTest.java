package org.tbps4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.data.synth.CaptionGrammar;
import org.tbps4j.data.synth.Identity;
import org.tbps4j.data.synth.SynthConfig;
import org.tbps4j.data.synth.SyntheticDataset;

/**
 * Parity of our WordPiece tokenizer with the reference implementation (HuggingFace {@code
 * tokenizers}, Rust).
 *
 * <p>The committed fixture {@code tokenizer-reference.json} holds the reference ids of {@link
 * TokenizerReference#TEXTS} (captions with punctuation, accents, unknown words, digits, hyphens,
 * CJK, emoji, control characters, literal special tokens, a word over 100 characters and a text
 * over 128 tokens) at maximum lengths 128 and 16; it was written by {@link TokenizerReference#main}
 * (the command is in that class's Javadoc) with {@code ai.djl.huggingface:tokenizers:0.38.0}. The
 * reference is also a test-scope dependency (its natives are in its jar; it works offline), so
 * {@link #liveDifferentialOnSyntheticAndRandomText} compares the two on thousands of generated
 * texts.
 */
class WordPieceTokenizerTest {
  private static WordPieceTokenizer tokenizer;
  private static TowerFiles files;

  @BeforeAll
  static void load() {
    files = TowerFiles.bundled();
    tokenizer = WordPieceTokenizer.parse(files.tokenizerJson(), files.tokenizerName(), 0);
  }

  @Test
  void bundledTokenizerIsBertUncasedWithMaxLength128() {
    assertEquals(128, tokenizer.maxLength());
    assertEquals(30522, tokenizer.vocabularySize());
    assertEquals(0, tokenizer.padId());
    assertEquals("[CLS]", tokenizer.token(101));
    assertEquals("[SEP]", tokenizer.token(102));
  }

  @Test
  void committedReferenceIdsAreReproduced() throws Exception {
    JsonNode root;
    try (InputStream in = getClass().getResourceAsStream(TokenizerReference.FIXTURE)) {
      root = new ObjectMapper().readTree(in);
    }
    assertEquals(
        files.tokenizerSha256(),
        root.path("tokenizer_sha256").asText(),
        "the fixture was made from another tokenizer.json: regenerate it (TokenizerReference)");
    int checked = 0;
    int truncated = 0;
    for (JsonNode c : root.path("cases")) {
      String text = c.path("text").asText();
      int max = c.path("max_length").asInt();
      int[] expected = new int[c.path("ids").size()];
      for (int i = 0; i < expected.length; i++) {
        expected[i] = c.path("ids").get(i).asInt();
      }
      int[] actual = tokenizer.withMaxLength(max).encode(text);
      assertArrayEquals(expected, actual, "max_length " + max + ", text: " + text);
      checked++;
      if (expected.length == max) {
        truncated++;
      }
    }
    assertEquals(TokenizerReference.TEXTS.size() * TokenizerReference.MAX_LENGTHS.length, checked);
    assertTrue(truncated >= 5, "the fixture exercises truncation: " + truncated);
  }

  @Test
  void liveDifferentialOnSyntheticAndRandomText(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("tokenizer.json");
    Files.write(json, files.tokenizerJson());
    List<String> texts = new ArrayList<>();
    SynthConfig cfg = SynthConfig.of(60, 5);
    Random rnd = new Random(3);
    for (Identity person : SyntheticDataset.identities(cfg)) {
      texts.add(CaptionGrammar.caption(person, rnd).text());
    }
    SplittableRandom r = new SplittableRandom(17);
    for (int i = 0; i < 1500; i++) {
      texts.add(randomText(r));
    }
    for (int max : new int[] {128, 24}) {
      try (HuggingFaceTokenizer ref = TokenizerReference.open(json, max)) {
        WordPieceTokenizer ours = tokenizer.withMaxLength(max);
        for (String t : texts) {
          assertArrayEquals(
              TokenizerReference.ids(ref, t), ours.encode(t), "max " + max + ", text: " + t);
        }
      }
    }
  }

  /** Words, punctuation, accents, digits, CJK, emoji, controls and odd spaces, mixed. */
  private static String randomText(SplittableRandom r) {
    String[] pieces = {
      "woman",
      "Man",
      "SHIRT",
      "t-shirt",
      "backpack",
      "striped",
      "jeans",
      "caf\u00e9",
      "na\u00efve",
      "e\u0301",
      "\u00c5",
      "\u00df",
      "\u0130",
      "\u03a3",
      "12",
      "3.5",
      "100%",
      ",",
      ".",
      "!",
      "?",
      "'",
      "\u2019",
      "\u201c",
      "\u2014",
      "-",
      "(",
      ")",
      "[",
      "]",
      "[SEP]",
      "[UNK]",
      "$",
      "+",
      "=",
      "^",
      "`",
      "|",
      "~",
      "\u20ac",
      "\u00b0",
      "\u00a9",
      "\u4eba",
      "\u5973",
      "\ud83d\ude00",
      "\ud83c\udf92",
      "\u200b",
      "\u00ad",
      "\u0007",
      "\u00a0",
      "\u3000",
      "\t",
      "\n",
      "xqzv",
      "##",
      "un",
      "##able",
      "\uff21",
      "\u0645\u064e",
      "\ud55c",
      "\u0928\u094d"
    };
    StringBuilder sb = new StringBuilder();
    int n = 1 + r.nextInt(40);
    for (int i = 0; i < n; i++) {
      sb.append(pieces[r.nextInt(pieces.length)]);
      if (r.nextInt(3) > 0) {
        sb.append(' ');
      }
    }
    return sb.toString();
  }

  @Test
  void normalisationStepsByHand() {
    assertEquals("cafe creme brulee", tokenizer.normalize("Caf\u00e9 Cr\u00e8me Br\u00fbl\u00e9e"));
    assertEquals("a b", tokenizer.normalize("a\u00a0b"), "no-break space is white space");
    assertEquals("ab", tokenizer.normalize("a\u200bb"), "zero-width space (Cf) is removed");
    assertEquals(" \u4eba ", tokenizer.normalize("\u4eba"), "CJK gets spaces around it");
    assertEquals("\u03c3\u03c3", tokenizer.normalize("\u03a3\u03a3"), "no final-sigma rule");
    assertEquals(
        List.of("t", "-", "shirt", ",", "red", "$", "5"),
        WordPieceTokenizer.words("t-shirt,red $5"));
  }

  @Test
  void wordPiecesUnknownsTruncationAndPadding() {
    // greedy longest match: "handbag" is not in the vocabulary, "hand" and "##bag" are
    assertEquals(List.of("hand", "##bag"), tokenizer.tokenize("Handbag"));
    assertEquals(List.of("backpack"), tokenizer.tokenize("backpack"));
    assertEquals(List.of("[UNK]"), tokenizer.tokenize("\ud83d\ude00"));
    assertEquals(List.of("[UNK]", "a"), tokenizer.tokenize("b".repeat(101) + " a"));
    int[] ids = tokenizer.withMaxLength(5).encode("one two three four five");
    assertEquals(5, ids.length);
    assertEquals(101, ids[0]);
    assertEquals(102, ids[4]);
    assertArrayEquals(new int[] {101, 102}, tokenizer.encode(""));
    int[][] padded = tokenizer.pad(List.of(new int[] {101, 7, 102}, new int[] {101, 102}), 0);
    assertArrayEquals(new int[] {101, 102, 0}, padded[1]);
    assertEquals(4, tokenizer.pad(List.of(new int[] {101, 102}), 4)[0].length);
  }

  @Test
  void missingFileIsNamed(@TempDir Path dir) {
    Path missing = dir.resolve("nope/tokenizer.json");
    TextModelFileException e =
        assertThrows(TextModelFileException.class, () -> WordPieceTokenizer.read(missing, 0));
    assertTrue(e.getMessage().startsWith(missing.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("not found"), e.getMessage());
  }

  @Test
  void corruptFilesAreNamedWithTheProblem(@TempDir Path dir) throws Exception {
    Path truncated = dir.resolve("truncated.json");
    byte[] good = files.tokenizerJson();
    Files.write(truncated, Arrays.copyOf(good, good.length / 2));
    TextModelFileException e =
        assertThrows(TextModelFileException.class, () -> WordPieceTokenizer.read(truncated, 0));
    assertTrue(e.getMessage().startsWith(truncated.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("not a valid tokenizer.json"), e.getMessage());

    Path bpe = dir.resolve("bpe.json");
    String text = new String(good, StandardCharsets.UTF_8).replace("\"WordPiece\"", "\"BPE\"");
    Files.writeString(bpe, text);
    e = assertThrows(TextModelFileException.class, () -> WordPieceTokenizer.read(bpe, 0));
    assertTrue(e.getMessage().startsWith(bpe.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("model.type"), e.getMessage());

    Path binary = dir.resolve("binary.json");
    Files.write(binary, new byte[] {0, 1, 2, 3, (byte) 0xff});
    e = assertThrows(TextModelFileException.class, () -> WordPieceTokenizer.read(binary, 0));
    assertTrue(e.getMessage().startsWith(binary.toString()), e.getMessage());
  }
}
