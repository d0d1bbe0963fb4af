package org.tbps4j.model.pretrained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tbps4j.model.GraphNames;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.TbpsModel;

/**
 * The imported backbone computes what torchvision's network computes: a ResNet-18 and a ResNet-50
 * with random weights and random, non-trivial batch-norm statistics are exported by PyTorch to ONNX
 * ({@code bench/export_backbone.py}), imported, saved and loaded as a backbone file, copied into a
 * model of the preset, and the pooled features of the inference pass are compared with PyTorch's
 * (eval mode) on the same random images: max |ours − torch| ≤ 1e-4 · max |torch|. The ResNet-50
 * file has its initialisers renamed, so it is mapped by graph position.
 */
class ImportExactnessTest {

  @Test
  void resnet18ByNameMatchesTorchvision(@TempDir Path dir) throws Exception {
    assumeTrue(ExportScript.available(), "python3 with torch, torchvision, onnx");
    check(dir, "resnet18", 64, 48, false, 512, "by-name");
  }

  @Test
  void resnet50ByPositionMatchesTorchvisionAtSmallInput(@TempDir Path dir) throws Exception {
    assumeTrue(ExportScript.available(), "python3 with torch, torchvision, onnx");
    check(dir, "resnet50", 64, 64, true, 2048, "by-position");
  }

  private static void check(
      Path dir, String arch, int h, int w, boolean anonymise, int channels, String mapping)
      throws Exception {
    Path onnx = ExportScript.export(dir, arch, h, w, anonymise);
    PretrainedBackbone read =
        OnnxBackboneReader.read(
            onnx, arch, PretrainedBackbone.IMAGENET_MEAN, PretrainedBackbone.IMAGENET_STD);
    assertEquals(mapping, read.mapping());
    Path file = dir.resolve("backbone.zip");
    read.save(file);
    PretrainedBackbone bb = PretrainedBackbone.load(file);
    assertEquals(read.tensors().keySet(), bb.tensors().keySet());

    float[] images = ExportScript.floats(dir.resolve("ref.images.f32"));
    float[] ref = ExportScript.floats(dir.resolve("ref.features.f32"));
    int n = images.length / (3 * h * w);
    assertEquals(n * channels, ref.length);

    ModelConfig mc =
        ModelConfig.preset(arch, 3, 20).toBuilder()
            .optImageSize(h, w)
            .optMaxLength(4)
            .optTextEmbeddingSize(4)
            .optEmbeddingDim(8)
            .build();
    INDArray x = Nd4j.create(images, new long[] {n, 3, h, w}, 'c');
    double scale = 0;
    for (float r : ref) {
      scale = Math.max(scale, Math.abs(r));
    }
    assertTrue(scale > 1e-3, "features are not trivially small: " + scale);
    try (TbpsModel model = TbpsModel.create(mc)) {
      int copied = bb.applyTo(model, file.toString());
      assertEquals(TorchvisionLayout.of(arch).layers().size() * 5, copied);
      double diff = maxDiff(model, x, ref);
      assertTrue(
          diff <= 1e-4 * scale,
          arch + ": max abs difference " + diff + " at feature scale " + scale);
    }
    if (arch.equals("resnet18")) {
      // negative control: the same weights under SAME padding (windows shifted by one pixel on
      // even sizes) are refused by applyTo, and forced in they compute something else
      try (TbpsModel same =
          TbpsModel.create(mc.toBuilder().optImagePadding(ModelConfig.ImagePadding.SAME).build())) {
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> bb.applyTo(same, "b.zip"));
        assertEquals(
            "b.zip: the model pads its image convolutions as 'same', imported weights need"
                + " 'torchvision'",
            e.getMessage());
        bb.copyInto(same, "b.zip", false);
        double diff = maxDiff(same, x, ref);
        assertTrue(diff > 1e-2 * scale, "SAME padding differs: " + diff + " at " + scale);
      }
    }
  }

  private static double maxDiff(TbpsModel model, INDArray x, float[] ref) {
    Map<String, INDArray> out =
        model.sameDiff().output(model.imageInputs(x), GraphNames.IMAGE_FEATURES_INFERENCE);
    float[] ours = out.get(GraphNames.IMAGE_FEATURES_INFERENCE).dup('c').data().asFloat();
    assertEquals(ref.length, ours.length);
    double diff = 0;
    for (int i = 0; i < ref.length; i++) {
      diff = Math.max(diff, Math.abs(ref[i] - ours[i]));
    }
    return diff;
  }
}
