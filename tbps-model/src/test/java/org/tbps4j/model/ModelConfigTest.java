package org.tbps4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ModelConfigTest {

  @Test
  void jsonRoundTripKeepsEveryField() {
    ModelConfig c =
        ModelConfig.preset("tiny", 11, 500)
            .withEsa(new ModelConfig.EsaConfig(true, 3, 0.25))
            .withUniqueTokenCapacity(64)
            .withDropFraction(0.8)
            .withSeed(7);
    ModelConfig back = ModelConfig.fromJson(c.toJson());
    assertEquals(c, back);
    assertTrue(c.toJson().contains("\"dropFraction\" : 0.8"), c.toJson());
  }

  @Test
  void presetsHaveTheDocumentedSizes() {
    assertEquals(256, ModelConfig.preset("tiny", 2, 10).embeddingDim());
    assertEquals(64, ModelConfig.preset("tiny", 2, 10).imageHeight());
    assertEquals(32, ModelConfig.preset("tiny", 2, 10).imageWidth());
    assertEquals(ModelConfig.Head.BN, ModelConfig.preset("tiny", 2, 10).head());
    assertEquals(ModelConfig.TextPath.CONV, ModelConfig.preset("tiny", 2, 10).textPath());
    assertEquals(0.0, ModelConfig.preset("tiny", 2, 10).dropFraction());
    assertEquals(32, ModelConfig.preset("tiny", 2, 10).maxLength());
    assertEquals(2048, ModelConfig.preset("resnet50", 2, 10).embeddingDim());
    assertEquals(56, ModelConfig.preset("resnet50", 2, 10).maxLength());
    assertEquals(300, ModelConfig.preset("resnet18", 2, 10).textEmbeddingSize());
  }

  @Test
  void headAndTextPathUseTheirConfigNamesAndOldSavedConfigsGetTheFirstDesign() {
    ModelConfig c =
        ModelConfig.preset("tiny", 11, 500)
            .withHead(ModelConfig.Head.PROJECTION)
            .withTextPath(ModelConfig.TextPath.BOTTLENECK);
    assertTrue(c.toJson().contains("\"head\" : \"projection\""), c.toJson());
    assertTrue(c.toJson().contains("\"textPath\" : \"bottleneck\""), c.toJson());
    assertEquals(c, ModelConfig.fromJson(c.toJson()));
    // a config saved before the two fields existed describes the first design
    String old =
        ModelConfig.preset("tiny", 11, 500)
            .toJson()
            .replaceAll(",\\s*\"head\" : \"bn\"", "")
            .replaceAll(",\\s*\"textPath\" : \"conv\"", "")
            // nor the text encoder, which came later still
            .replaceAll("(?s),\\s*\"text\" : \\{[^}]*\\}", "");
    assertTrue(!old.contains("head") && !old.contains("textPath"), old);
    ModelConfig back = ModelConfig.fromJson(old);
    assertEquals(ModelConfig.Head.PROJECTION, back.head());
    assertEquals(ModelConfig.TextPath.BOTTLENECK, back.textPath());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModelConfig.fromJson(c.toJson().replace("\"projection\"", "\"mlp\"")));
    assertTrue(
        e.getMessage().contains("head: unknown head 'mlp' (valid: bn, projection)"),
        e.getMessage());
  }

  @Test
  void badValuesNameTheFieldAndTheValidValues() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.preset("resnet34", 2, 10));
    assertEquals(
        "preset: unknown preset 'resnet34' (valid: micro, tiny, resnet18, resnet50)",
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModelConfig.preset("tiny", 2, 10).withDropFraction(1.0));
    assertEquals("dropFraction (fraction dropped) must be in [0, 1), got 1.0", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModelConfig.preset("tiny", 2, 10).withUniqueTokenCapacity(1));
    assertEquals("uniqueTokenCapacity must be 0 (one-hot lookup) or >= 2, got 1", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new ModelConfig.EsaConfig(true, 0, 1));
    assertEquals(
        "esa.sets must be >= 2 (one set is the global embedding again), got 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.preset("tiny", 0, 10));
    assertEquals("numClasses must be >= 1, got 0", e.getMessage());
  }

  @Test
  void jsonRejectsUnknownAndMissingKeysAndBadValues() {
    String json = ModelConfig.preset("micro", 2, 10).toJson();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModelConfig.fromJson(json.replace("\"seed\"", "\"sead\" : 1,\n  \"seed\"")));
    assertTrue(e.getMessage().contains("sead"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModelConfig.fromJson(
                    json.replace("\"preset\" : \"micro\"", "\"preset\" : \"big\"")));
    assertTrue(e.getMessage().contains("unknown preset 'big'"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModelConfig.fromJson(json.replace(",\n  \"seed\" : 42", "")));
    assertTrue(e.getMessage().startsWith("model config:"), e.getMessage());
    assertTrue(e.getMessage().contains("seed"), e.getMessage());
  }

  @Test
  void imagePaddingIsTorchvisionForTheResnetsAndSameForOldSavedConfigs() {
    assertEquals(
        ModelConfig.ImagePadding.TORCHVISION, ModelConfig.preset("resnet18", 2, 10).imagePadding());
    assertEquals(
        ModelConfig.ImagePadding.TORCHVISION, ModelConfig.preset("resnet50", 2, 10).imagePadding());
    assertEquals(ModelConfig.ImagePadding.SAME, ModelConfig.preset("tiny", 2, 10).imagePadding());
    ModelConfig r = ModelConfig.preset("resnet18", 2, 10);
    assertEquals(r, ModelConfig.fromJson(r.toJson()));
    // a config saved before the field existed computes what it computed then
    String old = r.toJson().replaceAll("\\s*\"imagePadding\"\\s*:\\s*\"torchvision\"\\s*,", "");
    assertFalse(old.contains("imagePadding"), old);
    assertEquals(ModelConfig.ImagePadding.SAME, ModelConfig.fromJson(old).imagePadding());
  }
}
