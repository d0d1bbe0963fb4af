package org.tbps4j.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.data.image.ImageSettings;
import org.tbps4j.data.text.Vocabulary;
import org.tbps4j.model.ModelAttachments;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.TbpsModel;

/** Opening a model file as a bundle: what it reads back, and a file that lacks an attachment. */
class ModelBundleTest {
  @TempDir Path dir;

  private static Vocabulary vocab() {
    return Vocabulary.fromCaptions(List.of("a man in a red coat", "a woman in a blue skirt"), 1);
  }

  /** The micro preset at 32×16 pixels and 8 tokens: the size the tests' preprocessing states. */
  private static ModelConfig microAt32x16(Vocabulary v) {
    return ModelConfig.preset("micro", 4, v.size()).toBuilder()
        .optImageSize(32, 16)
        .optMaxLength(8)
        .build();
  }

  private static Path save(Path file, String... attachments) throws Exception {
    Vocabulary v = vocab();
    try (TbpsModel m = TbpsModel.create(microAt32x16(v))) {
      for (String a : attachments) {
        switch (a) {
          case ModelAttachments.VOCABULARY -> m.putAttachment(a, v.toJson());
          case ModelAttachments.PREPROCESSING ->
              m.putAttachment(a, ImageSettings.imagenet(32, 16).toJson());
          default -> m.putAttachment(a, "{}");
        }
      }
      m.save(file, false);
    }
    return file;
  }

  @Test
  void theBundleReadsBackTheAttachmentsTheFileWasSavedWith() throws Exception {
    Path f =
        save(dir.resolve("m.zip"), ModelAttachments.VOCABULARY, ModelAttachments.PREPROCESSING);
    try (ModelBundle b = ModelBundle.open(f)) {
      assertEquals(vocab(), b.vocabulary());
      assertEquals(ImageSettings.imagenet(32, 16), b.images());
      assertEquals(8, b.maxLength());
      assertFalse(b.configText().isPresent());
      assertEquals(ModelBundle.sha256(f), b.contentHash());
      assertTrue(b.contentHash().matches("[0-9a-f]{64}"));
    }
  }

  @Test
  void aFileWithoutPreprocessingIsRefusedNamingTheFileAndTheMissingEntry() throws Exception {
    Path f = save(dir.resolve("novocab.zip"), ModelAttachments.PREPROCESSING);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ModelBundle.open(f));
    assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
    assertTrue(e.getMessage().contains("no " + ModelAttachments.VOCABULARY), e.getMessage());

    Path g = save(dir.resolve("nopre.zip"), ModelAttachments.VOCABULARY);
    e = assertThrows(IllegalArgumentException.class, () -> ModelBundle.open(g));
    assertTrue(e.getMessage().startsWith(g + ": "), e.getMessage());
    assertTrue(e.getMessage().contains("no " + ModelAttachments.PREPROCESSING), e.getMessage());
    assertTrue(e.getMessage().contains(ModelAttachments.VOCABULARY), "lists what is inside");
  }

  @Test
  void aPreprocessingSizeThatDisagreesWithTheModelConfigIsRefusedNamingTheFileAndTheField()
      throws Exception {
    Vocabulary v = vocab();
    String[][] cases = {
      {"40", "16", "height", "imageHeight is 32"}, {"32", "8", "width", "imageWidth is 16"}
    };
    for (String[] c : cases) {
      Path f = dir.resolve("size-" + c[2] + ".zip");
      try (TbpsModel m = TbpsModel.create(microAt32x16(v))) {
        m.putAttachment(ModelAttachments.VOCABULARY, v.toJson());
        m.putAttachment(
            ModelAttachments.PREPROCESSING,
            ImageSettings.imagenet(Integer.parseInt(c[0]), Integer.parseInt(c[1])).toJson());
        m.save(f, false);
      }
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> ModelBundle.open(f));
      assertTrue(
          e.getMessage()
              .startsWith(
                  f + "!" + ModelAttachments.PREPROCESSING + ": field \"" + c[2] + "\" is "),
          e.getMessage());
      assertTrue(e.getMessage().contains(c[3]), e.getMessage());
    }
  }
}
