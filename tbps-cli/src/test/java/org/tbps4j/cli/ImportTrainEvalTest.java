package org.tbps4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.data.synth.SynthConfig;
import org.tbps4j.data.synth.SyntheticDataset;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.model.pretrained.PretrainedBackbone;

/**
 * Import → train → eval with an imported (random-weight) ResNet-18 backbone on 16 synthetic people
 * at 32×16 pixels: the Dual-Path stage I (image backbone frozen) keeps the imported kernels
 * exactly, the saved model records where its backbone came from, eval runs on it; a backbone that
 * does not fit the run is exit 2 naming {@code model.image.pretrained}.
 */
class ImportTrainEvalTest {
  @TempDir static Path dir;
  static Path data;
  static Path config;
  static Path backbone;

  static final String CONFIG =
      """
      name: pretrained
      seed: 3
      data: {root: %s, image_height: 32, image_width: 16, max_length: 8, min_word_count: 1,
             p: 4, k: 2, workers: 1}
      model: {preset: resnet18, embedding_dim: 16, text_embedding_dim: 8, text_path: conv,
              head: bn, drop_fraction: 0, text_shift: false}
      optimizer: {lr: 0.001}
      stages: [{name: stage1, epochs: 1, freeze_image: true, loss: [{name: instance, weight: 1}]}]
      eval: {batch_size: 16}
      """;

  @BeforeAll
  static void setUp() throws Exception {
    data = dir.resolve("synthetic");
    SyntheticDataset.generate(new SynthConfig(16, 2, 2, 9, 32, 16, 1), data);
    config = dir.resolve("r18.yaml");
    Files.writeString(config, CONFIG.formatted(data.toString().replace('\\', '/')));
    Path onnx = OnnxFiles.torchvision(dir.resolve("r18.onnx"), "resnet18", 11, Set.of(), Map.of());
    backbone = dir.resolve("r18-backbone.zip");
    CliRun r =
        CliRun.of(
            "import-backbone",
            "--onnx",
            onnx.toString(),
            "--preset",
            "resnet18",
            "--out",
            backbone.toString());
    assertEquals(0, r.exitCode(), r.err());
    Files.delete(onnx);
  }

  @Test
  void importTrainEvalWithAFrozenImportedBackbone() throws Exception {
    Path run = dir.resolve("run");
    CliRun t =
        CliRun.of(
            "train",
            "--config",
            config.toString(),
            "--set",
            "model.image.pretrained=" + backbone,
            "--out",
            run.toString(),
            "--no-test");
    assertEquals(0, t.exitCode(), t.err());
    Path model = run.resolve("model.zip");
    PretrainedBackbone bb = PretrainedBackbone.load(backbone);
    try (TbpsModel m = TbpsModel.load(model, false)) {
      for (String name :
          new String[] {
            "image/backbone/stem/conv/W",
            "image/backbone/stage4/block2/conv2/W",
            "image/backbone/stage2/block1/shortcut/bn/gamma"
          }) {
        float[] want = bb.tensors().get(name).data();
        float[] got = m.sameDiff().getArrForVarName(name).dup('c').data().asFloat();
        assertArrayEquals(want, got, name + ": imported and frozen in stage I");
      }
      JsonNode rec = Json.MAPPER.readTree(m.attachmentText("image-backbone.json").orElseThrow());
      assertEquals("resnet18", rec.get("preset").asText());
      assertEquals("r18.onnx", rec.get("source").asText());
      assertEquals(0.485, rec.get("normalisation").get("mean").get(0).asDouble(), 1e-6);
    }
    CliRun e = CliRun.of("eval", "--model", model.toString(), "--data", data.toString(), "--json");
    assertEquals(0, e.exitCode(), e.err());
    JsonNode j = Json.MAPPER.readTree(e.out());
    double r1 = j.get("R@1").asDouble();
    assertTrue(r1 >= 0 && r1 <= 100, e.out());
    assertTrue(j.get("queries").asInt() > 0, e.out());
  }

  private static void assertBadInput(CliRun r, String fragment) {
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains(fragment), "expected '" + fragment + "' in: " + r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  @Test
  void aBackboneThatDoesNotFitIsExit2() {
    Path out = dir.resolve("bad");
    assertBadInput(
        CliRun.of(
            "train",
            "--config",
            config.toString(),
            "--set",
            "model.preset=resnet50",
            "--set",
            "model.image.pretrained=" + backbone,
            "--out",
            out.resolve("a").toString()),
        "model.image.pretrained: "
            + backbone
            + " holds a resnet18 backbone, model.preset is resnet50");
    assertBadInput(
        CliRun.of(
            "train",
            "--config",
            config.toString(),
            "--set",
            "model.image.pretrained=" + dir.resolve("nope.zip"),
            "--out",
            out.resolve("b").toString()),
        "model.image.pretrained: no such file '" + dir.resolve("nope.zip") + "'");
    assertBadInput(
        CliRun.of(
            "train",
            "--config",
            config.toString(),
            "--set",
            "model.preset=tiny",
            "--set",
            "model.image.pretrained=" + backbone,
            "--out",
            out.resolve("c").toString()),
        "model.image.pretrained needs preset resnet18 or resnet50");
  }
}
