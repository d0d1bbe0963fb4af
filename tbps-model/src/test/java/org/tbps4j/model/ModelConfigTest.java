package org.tbps4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelConfigTest {

  @Test
  void jsonRoundTripKeepsEveryField() {
    ModelConfig c =
        ModelConfig.preset("tiny", 11, 500).toBuilder()
            .optEsa(new ModelConfig.EsaConfig(true, 3, 0.25))
            .optUniqueTokenCapacity(64)
            .optDropFraction(0.8)
            .optSeed(7)
            .build();
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
        ModelConfig.preset("tiny", 11, 500).toBuilder()
            .optHead(ModelConfig.Head.PROJECTION)
            .optTextPath(ModelConfig.TextPath.BOTTLENECK)
            .build();
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
            () -> ModelConfig.preset("tiny", 2, 10).toBuilder().optDropFraction(1.0).build());
    assertEquals("dropFraction (fraction dropped) must be in [0, 1), got 1.0", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModelConfig.preset("tiny", 2, 10).toBuilder().optUniqueTokenCapacity(1).build());
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

  @Test
  void everyPresetHasTheValuesItHadAsPositionalArguments() {
    // the four presets as they were written before the builder (canonical constructor, in order)
    ModelConfig.EsaConfig off = ModelConfig.EsaConfig.disabled();
    ModelConfig.TextEncoder words = ModelConfig.TextEncoder.words();
    assertEquals(
        new ModelConfig(
            "micro",
            16,
            8,
            8,
            5,
            30,
            8,
            6,
            0,
            off,
            false,
            0,
            ModelConfig.Head.BN,
            ModelConfig.TextPath.CONV,
            ModelConfig.ImagePadding.SAME,
            words,
            42),
        ModelConfig.preset("micro", 5, 30));
    assertEquals(
        new ModelConfig(
            "tiny",
            64,
            32,
            256,
            5,
            30,
            32,
            128,
            0,
            off,
            false,
            0,
            ModelConfig.Head.BN,
            ModelConfig.TextPath.CONV,
            ModelConfig.ImagePadding.SAME,
            words,
            42),
        ModelConfig.preset("tiny", 5, 30));
    assertEquals(
        new ModelConfig(
            "resnet18",
            384,
            128,
            512,
            5,
            30,
            56,
            300,
            0.5,
            off,
            true,
            0,
            ModelConfig.Head.PROJECTION,
            ModelConfig.TextPath.BOTTLENECK,
            ModelConfig.ImagePadding.TORCHVISION,
            words,
            42),
        ModelConfig.preset("resnet18", 5, 30));
    assertEquals(
        new ModelConfig(
            "resnet50",
            384,
            128,
            2048,
            5,
            30,
            56,
            300,
            0.8,
            off,
            true,
            0,
            ModelConfig.Head.PROJECTION,
            ModelConfig.TextPath.BOTTLENECK,
            ModelConfig.ImagePadding.TORCHVISION,
            words,
            42),
        ModelConfig.preset("resnet50", 5, 30));
    for (ModelConfig.Preset p : ModelConfig.Preset.values()) {
      assertEquals(p, ModelConfig.Preset.of(p.json()));
      assertEquals(p.json(), p.toString());
      assertEquals(p.json(), p.config(3, 9).preset());
    }
    assertEquals(List.of("micro", "tiny", "resnet18", "resnet50"), ModelConfig.PRESETS);
  }

  @Test
  void theBuilderCopiesEveryFieldAndChangesOnlyWhatItIsTold() {
    ModelConfig c =
        ModelConfig.preset("resnet18", 11, 500).toBuilder()
            .optEsa(new ModelConfig.EsaConfig(true, 3, 0.25))
            .optSeed(9)
            .build();
    assertEquals(c, c.toBuilder().build());
    ModelConfig d = c.toBuilder().optImageSize(96, 48).optMaxLength(20).build();
    assertEquals(96, d.imageHeight());
    assertEquals(48, d.imageWidth());
    assertEquals(20, d.maxLength());
    assertEquals(
        c,
        d.toBuilder()
            .optImageSize(c.imageHeight(), c.imageWidth())
            .optMaxLength(c.maxLength())
            .build());
    // the required sizes of a preset builder are validated with the record's messages
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModelConfig.builder(ModelConfig.Preset.TINY).setVocabularySize(10).build());
    assertEquals("numClasses must be >= 1, got 0", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModelConfig.builder(ModelConfig.Preset.TINY).setNumClasses(2).build());
    assertEquals("vocabularySize must be >= 2, got 0", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> c.toBuilder().optImageSize(4, 48).build());
    assertEquals("imageHeight must be >= 8, got 4", e.getMessage());
  }
}
