package org.tbps4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.data.image.ImageSettings;
import org.tbps4j.data.text.CaptionEncoder;
import org.tbps4j.data.text.CaptionEncoderProvider;
import org.tbps4j.data.text.Vocabulary;
import org.tbps4j.model.ModelAttachments;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.model.layers.TokenFeatureHead;

/**
 * {@code tbps search} with a model whose captions are read by the MiniLM tower: it runs the tower
 * on the query, and refuses (exit code 2, no stack trace) an ONNX file other than the one the model
 * was trained with, a missing one, and a model without its tower attachments — each message naming
 * the file.
 */
class TowerSearchCliTest {
  @TempDir static Path dir;
  static Path model;
  static Path noText;
  static Path gallery;

  @BeforeAll
  static void setUp() throws Exception {
    Vocabulary v = Vocabulary.fromCaptions(List.of("a man in a red coat"), 1);
    ModelConfig mc =
        ModelConfig.preset("micro", 3, v.size()).toBuilder()
            .optText(ModelConfig.TextEncoder.minilm(TokenFeatureHead.Variant.CNN_ATTENTION, 8, 1))
            .optMaxLength(32)
            .build();
    model = dir.resolve("tower.zip");
    noText = dir.resolve("no-text.zip");
    try (TbpsModel m = TbpsModel.create(mc);
        CaptionEncoder enc =
            CaptionEncoderProvider.openTower(
                new CaptionEncoderProvider.Spec(
                    "minilm-l6", 32, null, null, null, null, null, 1))) {
      m.putAttachment(ModelAttachments.VOCABULARY, v.toJson());
      m.putAttachment(ModelAttachments.PREPROCESSING, ImageSettings.imagenet(16, 8).toJson());
      m.save(noText, false);
      enc.attachments().forEach(m::putAttachment);
      m.save(model, false);
    }
    gallery = Files.createDirectories(dir.resolve("gallery"));
    SearchFixture.png(gallery.resolve("red.png"), 8, 16, Color.RED);
    SearchFixture.png(gallery.resolve("blue.png"), 8, 16, Color.BLUE);
    SearchFixture.png(gallery.resolve("green.png"), 8, 16, Color.GREEN);
  }

  private static CliRun search(Path m) {
    return CliRun.of(
        "search",
        "--model",
        m.toString(),
        "--gallery",
        gallery.toString(),
        "--query",
        "a man in a red coat",
        "--top",
        "3",
        "--no-cache");
  }

  private static void assertBadInput(CliRun r, String... fragments) {
    assertEquals(2, r.exitCode(), "exit code; stderr: " + r.err());
    for (String f : fragments) {
      assertTrue(r.err().contains(f), "expected '" + f + "' in: " + r.err());
    }
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  @Test
  void searchRunsTheTowerOnTheQuery() {
    CliRun r = search(model);
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("query: a man in a red coat"), r.out());
    for (String f : List.of("red.png", "blue.png", "green.png")) {
      assertTrue(r.out().contains(f), r.out());
    }
  }

  @Test
  void anotherOnnxFileIsRefusedNamingIt() throws Exception {
    Path other = Files.write(dir.resolve("other.onnx"), new byte[] {8, 7, 18, 3, 'o', 'r', 't'});
    try {
      System.setProperty("tbps.text.onnx", other.toString());
      assertBadInput(
          search(model), other.toString(), "not the ONNX graph this model was trained with");
    } finally {
      System.clearProperty("tbps.text.onnx");
    }
  }

  @Test
  void aMissingOnnxFileIsRefusedNamingIt() {
    Path missing = dir.resolve("gone/all-minilm-l6-v2.onnx");
    try {
      System.setProperty("tbps.text.onnx", missing.toString());
      assertBadInput(search(model), missing + ": file not found");
    } finally {
      System.clearProperty("tbps.text.onnx");
    }
  }

  @Test
  void aTowerModelWithoutItsTextRecordIsRefusedNamingTheModel() {
    assertBadInput(search(noText), noText.toString(), "text.json");
  }
}
