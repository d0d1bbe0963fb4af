package org.tbps4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real all-MiniLM-L6-v2 tower from the Maven artifact, through ONNX Runtime. */
class TextTowerTest {
  private static TowerFiles files;
  private static TextTower tower;

  static final List<String> CAPTIONS =
      List.of(
          "A woman in a long red dress with a black handbag.",
          "The man wears a grey hoodie, dark jeans and white sneakers; he carries a blue backpack.",
          "Girl, striped shirt.",
          "A young man with short hair, wearing a white t-shirt with a logo, black shorts and"
              + " sandals, holding a phone in his right hand while walking past a shop window.");

  @BeforeAll
  static void open() {
    files = TowerFiles.bundled();
    tower = TextTower.open(files, 64, 1);
  }

  @AfterAll
  static void close() {
    tower.close();
  }

  @Test
  void bundledFilesAreTheExpectedModel() {
    assertEquals(
        "759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e", tower.modelHash());
    assertEquals(90_387_606, files.onnx().length);
    assertEquals(64, tower.tokenizer().maxLength());
  }

  @Test
  void featuresHaveTheTokenizersLengthsAndZeroPadding() {
    TokenFeatures f = tower.encode(CAPTIONS);
    assertEquals(4, f.count());
    assertEquals(TextTower.HIDDEN, f.dim());
    int longest = 0;
    for (int i = 0; i < 4; i++) {
      int len = tower.tokenizer().encode(CAPTIONS.get(i)).length;
      assertEquals(len, f.lengths()[i]);
      longest = Math.max(longest, len);
    }
    assertEquals(longest, f.length());
    for (int i = 0; i < 4; i++) {
      int base = i * f.length() * f.dim();
      for (int k = f.lengths()[i] * f.dim(); k < f.length() * f.dim(); k++) {
        assertEquals(0f, f.values()[base + k]);
      }
      float[] real = f.row(i);
      double energy = 0;
      for (float v : real) {
        assertTrue(Float.isFinite(v));
        energy += v * v;
      }
      assertTrue(energy / real.length > 0.01, "real tokens carry features");
    }
    float[] mask = f.mask();
    assertEquals(
        f.lengths()[2], (int) sum(Arrays.copyOfRange(mask, 2 * f.length(), 3 * f.length())));
  }

  private static double sum(float[] a) {
    double s = 0;
    for (float v : a) {
      s += v;
    }
    return s;
  }

  /** The mask keeps padding out: a caption's features do not depend on its batch. */
  @Test
  void aCaptionsFeaturesDoNotDependOnItsBatch() {
    TokenFeatures batch = tower.encode(CAPTIONS);
    double worst = 0;
    for (int i = 0; i < CAPTIONS.size(); i++) {
      TokenFeatures alone = tower.encode(List.of(CAPTIONS.get(i)));
      float[] a = alone.row(0);
      float[] b = batch.row(i);
      assertEquals(a.length, b.length);
      for (int k = 0; k < a.length; k++) {
        worst = Math.max(worst, Math.abs(a[k] - b[k]));
      }
    }
    assertTrue(worst < 1e-4, "max |alone - in batch| = " + worst);
  }

  /**
   * Sanity of the pretrained model: the sentence embedding (masked mean, L2 norm, as
   * sentence-transformers computes it) places paraphrases closer than different descriptions.
   */
  @Test
  void sentenceEmbeddingsRankParaphrasesFirst() {
    List<String> s =
        List.of(
            "A woman wearing a red dress.",
            "A lady in a red gown.",
            "A man carrying a black backpack.",
            "A guy with a dark rucksack on his back.");
    float[][] e = tower.encode(s).sentenceEmbeddings();
    for (float[] v : e) {
      double n = 0;
      for (float x : v) {
        n += x * x;
      }
      assertEquals(1.0, n, 1e-5);
    }
    assertTrue(cos(e[0], e[1]) > cos(e[0], e[2]) + 0.2, cos(e[0], e[1]) + " vs " + cos(e[0], e[2]));
    assertTrue(cos(e[2], e[3]) > cos(e[2], e[1]) + 0.2, cos(e[2], e[3]) + " vs " + cos(e[2], e[1]));
  }

  private static double cos(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  @Test
  void truncatesAtTheMaximumLength() {
    try (TextTower short16 = TextTower.open(files, 16, 1)) {
      TokenFeatures f = short16.encode(List.of(CAPTIONS.get(3)));
      assertEquals(16, f.lengths()[0]);
    }
  }

  /** Float32 rows are bit-exact with a fresh forward; float16 rows are its rounding. */
  @Test
  void cachedFeaturesEqualAFreshForward(@TempDir Path root) throws Exception {
    List<String> texts = new ArrayList<>(CAPTIONS);
    texts.add("Another caption, with a hyphenated knee-length skirt.");
    FeatureCache f32 =
        FeatureCache.open(
            root.resolve("f32"), FeatureCache.Key.of(tower, FeatureCache.Storage.FLOAT32));
    FeatureCache.UpdateReport r = f32.update(texts, tower, 1, null);
    assertEquals(texts.size(), r.computed());
    FeatureCache f16 =
        FeatureCache.open(
            root.resolve("f16"), FeatureCache.Key.of(tower, FeatureCache.Storage.FLOAT16));
    f16.update(texts, tower, 3, null);
    TokenFeatures c32 = f32.get(texts, 0);
    TokenFeatures c16 = f16.get(texts, 0);
    for (int i = 0; i < texts.size(); i++) {
      float[] fresh = tower.encode(List.of(texts.get(i))).row(0);
      assertArrayEquals(fresh, c32.row(i), "float32 cache, text " + i);
      float[] half = c16.row(i);
      for (int k = 0; k < fresh.length; k++) {
        // a batch of 3 instead of 1 (≤ 1e-4, see above), then binary16 rounding (≤ 2^-11 relative)
        double tol = Math.abs(fresh[k]) * Math.pow(2, -11) + 1e-4;
        assertEquals(fresh[k], half[k], tol, "float16 cache, text " + i + ", value " + k);
      }
    }
  }

  @Test
  void aMissingOnnxFileIsNamed(@TempDir Path dir) throws Exception {
    Path tok = dir.resolve("tokenizer.json");
    Files.write(tok, files.tokenizerJson());
    Path missing = dir.resolve("model.onnx");
    TextModelFileException e =
        assertThrows(TextModelFileException.class, () -> TowerFiles.of(missing, tok));
    assertTrue(e.getMessage().startsWith(missing.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("not found"), e.getMessage());
  }

  @Test
  void aCorruptOnnxFileIsNamed(@TempDir Path dir) throws Exception {
    Path tok = dir.resolve("tokenizer.json");
    Files.write(tok, files.tokenizerJson());
    Path truncated = dir.resolve("truncated.onnx");
    Files.write(truncated, Arrays.copyOf(files.onnx(), 1 << 20));
    Path garbage = dir.resolve("garbage.onnx");
    Files.writeString(garbage, "this is not a model");
    for (Path bad : List.of(truncated, garbage)) {
      TextModelFileException e =
          assertThrows(
              TextModelFileException.class, () -> TextTower.open(TowerFiles.of(bad, tok), 0, 1));
      assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
      assertTrue(e.getMessage().contains("not a loadable ONNX model"), e.getMessage());
    }
  }

  @Test
  void aCorruptTokenizerIsNamedBeforeTheModelLoads(@TempDir Path dir) throws Exception {
    Path onnx = dir.resolve("model.onnx");
    Files.write(onnx, "not read".getBytes());
    Path tok = dir.resolve("tokenizer.json");
    Files.writeString(tok, "{\"model\": {\"type\": \"WordPiece\"");
    TextModelFileException e =
        assertThrows(
            TextModelFileException.class, () -> TextTower.open(TowerFiles.of(onnx, tok), 0, 1));
    assertTrue(e.getMessage().startsWith(tok.toString()), e.getMessage());
  }

  @Test
  void aMissingResourceNamesTheArtifact() {
    TextModelFileException e =
        assertThrows(TextModelFileException.class, () -> TowerFiles.resource("no-such.onnx"));
    assertTrue(e.getMessage().contains("no-such.onnx"), e.getMessage());
    assertTrue(e.getMessage().contains(TowerFiles.CARRIER), e.getMessage());
  }
}
