package org.tbps4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tbps import-backbone}: a good file, and every kind of bad one as exit 2 naming it. */
class ImportBackboneCommandTest {
  @TempDir Path dir;

  private CliRun importBackbone(Path onnx, String preset) {
    return CliRun.of(
        "import-backbone",
        "--onnx",
        onnx.toString(),
        "--preset",
        preset,
        "--out",
        dir.resolve("out.zip").toString());
  }

  private void assertBadInput(CliRun r, String fragment) {
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains(fragment), "expected '" + fragment + "' in: " + r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    assertFalse(Files.exists(dir.resolve("out.zip")), "nothing written");
  }

  @Test
  void importsATorchvisionNamedResnet18() throws Exception {
    Path onnx = OnnxFiles.torchvision(dir.resolve("r18.onnx"), "resnet18", 1, Set.of(), Map.of());
    CliRun r =
        CliRun.of(
            "import-backbone",
            "--onnx",
            onnx.toString(),
            "--preset",
            "resnet18",
            "--out",
            dir.resolve("b.zip").toString(),
            "--json");
    assertEquals(0, r.exitCode(), r.err());
    JsonNode j = Json.MAPPER.readTree(r.out());
    assertEquals("by-name", j.get("mapping").asText());
    assertEquals(20 * 5, j.get("tensors").asInt()); // 20 convolutions, each with its batch-norm
    // resnet18 without the classifier: 11,689,512 − 513,000 parameters, + 2 × 9,600 statistics
    assertEquals(11_689_512L - 513_000L + 2 * 4_800L, j.get("parameters").asLong());
    assertTrue(Files.isRegularFile(dir.resolve("b.zip")));
  }

  @Test
  void missingTensorIsNamed() throws Exception {
    Path onnx =
        OnnxFiles.torchvision(
            dir.resolve("m.onnx"), "resnet18", 2, Set.of("layer2.0.bn1.running_var"), Map.of());
    assertBadInput(
        importBackbone(onnx, "resnet18"),
        "m.onnx: missing tensor 'layer2.0.bn1.running_var' of the resnet18 backbone");
  }

  @Test
  void wrongShapeIsNamed() throws Exception {
    Path onnx =
        OnnxFiles.torchvision(
            dir.resolve("s.onnx"),
            "resnet18",
            3,
            Set.of(),
            Map.of("layer3.1.conv2.weight", new long[] {256, 256, 1, 1}));
    assertBadInput(
        importBackbone(onnx, "resnet18"),
        "s.onnx: tensor 'layer3.1.conv2.weight' has shape [256, 256, 1, 1], the resnet18 preset"
            + " needs [256, 256, 3, 3]");
  }

  @Test
  void wrongPresetIsNamedBothWays() throws Exception {
    Path r18 = OnnxFiles.torchvision(dir.resolve("a.onnx"), "resnet18", 4, Set.of(), Map.of());
    assertBadInput(
        importBackbone(r18, "resnet50"),
        "a.onnx: tensor 'layer1.0.conv3.weight' is absent: the file holds a basic-block ResNet"
            + " (resnet18 layout), not the resnet50 preset's backbone (use --preset resnet18)");
    Path bottleneck =
        new OnnxFiles(5)
            .tensor("conv1.weight", new long[] {64, 3, 7, 7}, 0.1, 0, false)
            .tensor("layer1.0.conv1.weight", new long[] {64, 64, 1, 1}, 0.1, 0, false)
            .tensor("layer1.0.conv3.weight", new long[] {256, 64, 1, 1}, 0.1, 0, false)
            .write(dir.resolve("b.onnx"));
    assertBadInput(
        importBackbone(bottleneck, "resnet18"),
        "b.onnx: tensor 'layer1.0.conv3.weight' is present: the file holds a bottleneck ResNet"
            + " (resnet50 layout), not the resnet18 preset's backbone (use --preset resnet50)");
    assertBadInput(
        importBackbone(r18, "tiny"),
        "preset: 'tiny' has no torchvision counterpart (valid: resnet18, resnet50)");
  }

  @Test
  void foldedBatchNormAndNonOnnxFilesAreRefused() throws Exception {
    // no torchvision names: read by position; a convolution with a bias and no batch-norm
    Path folded =
        new OnnxFiles(6)
            .tensor("onnx::Conv_1", new long[] {64, 3, 7, 7}, 0.1, 0, false)
            .tensor("onnx::Conv_2", new long[] {64}, 0.1, 0, false)
            .node(
                "Conv",
                new String[] {"images", "onnx::Conv_1", "onnx::Conv_2"},
                new String[] {"c1"})
            .write(dir.resolve("folded.onnx"));
    assertBadInput(
        importBackbone(folded, "resnet18"),
        "folded.onnx: the convolution of tensor 'onnx::Conv_1' feeds no BatchNormalization and has"
            + " a bias: the exporter folded batch-norm into the convolutions");
    Path text = Files.writeString(dir.resolve("notes.onnx"), "not a model\n");
    assertBadInput(importBackbone(text, "resnet18"), "notes.onnx: not an ONNX model");
    assertBadInput(importBackbone(dir.resolve("absent.onnx"), "resnet18"), "--onnx: no such file");
  }

  @Test
  void prefixedNamesAreFoundAndDeeperNetworksOrWrongStridesAreRefused() throws Exception {
    Path prefixed =
        OnnxFiles.torchvisionFiles("resnet18", 7, "model.", Set.of(), Map.of())
            .write(dir.resolve("p.onnx"));
    CliRun ok =
        CliRun.of(
            "import-backbone",
            "--onnx",
            prefixed.toString(),
            "--preset",
            "resnet18",
            "--out",
            dir.resolve("p.zip").toString());
    assertEquals(0, ok.exitCode(), ok.err());
    assertTrue(ok.out().contains("by-name"), ok.out());

    Path deeper =
        OnnxFiles.torchvisionFiles("resnet18", 8, "", Set.of(), Map.of())
            .tensor("layer1.2.conv1.weight", new long[] {64, 64, 3, 3}, 0.1, 0, false)
            .write(dir.resolve("deeper.onnx"));
    assertBadInput(
        importBackbone(deeper, "resnet18"),
        "deeper.onnx: unexpected tensor 'layer1.2.conv1.weight': the resnet18 preset has no such"
            + " layer");

    // a ResNet whose first block of stage 2 strides in its second convolution, not its first
    Path strides =
        OnnxFiles.torchvisionFiles("resnet18", 9, "", Set.of(), Map.of())
            .node(
                "Conv",
                new String[] {"x", "layer2.0.conv1.weight"},
                new String[] {"y"},
                Map.of("strides", new long[] {1, 1}, "pads", new long[] {1, 1, 1, 1}))
            .write(dir.resolve("strides.onnx"));
    assertBadInput(
        importBackbone(strides, "resnet18"),
        "strides.onnx: the convolution of tensor 'layer2.0.conv1.weight' has strides [1, 1], pads"
            + " [1, 1, 1, 1], group 1; the resnet18 preset (torchvision's ResNet, stride on the 3x3)"
            + " needs stride 2, padding 1");
  }
}
