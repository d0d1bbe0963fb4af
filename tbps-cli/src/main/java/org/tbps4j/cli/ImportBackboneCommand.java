package org.tbps4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tbps4j.model.pretrained.OnnxBackboneReader;
import org.tbps4j.model.pretrained.PretrainedBackbone;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tbps import-backbone}: torchvision ResNet weights from an ONNX file into a backbone file
 * for {@code model.image.pretrained} (docs/models.md, "Pretrained image backbones").
 */
@Command(
    name = "import-backbone",
    mixinStandardHelpOptions = true,
    description = {
      "Import a torchvision ResNet-18 / ResNet-50 (e.g. ImageNet weights written by"
          + " bench/export_backbone.py) from an ONNX file into a backbone file that training starts"
          + " from (model.image.pretrained in the config).",
      "Reads the file's initialisers: every convolution kernel and every batch-norm's scale,"
          + " shift, running mean and running variance, by torchvision's names or, when the"
          + " exporter renamed them, by graph position and shape. The classifier is dropped."
          + " Inputs are expected normalised with ImageNet's mean and std (recorded in the file)."
          + " Any mismatch is exit 2 naming the tensor. OUT is written atomically."
    })
public final class ImportBackboneCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--onnx",
      required = true,
      paramLabel = "FILE",
      description = "The ONNX model (one file; float32 weights; batch-norm not folded).")
  Path onnx;

  @Option(
      names = "--preset",
      required = true,
      paramLabel = "NAME",
      description = "The preset whose image backbone the weights fill: resnet18 or resnet50.")
  String preset;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "BACKBONE.zip",
      description = "The backbone file to write.")
  Path out;

  @Option(names = "--json", description = "Print a JSON summary instead of a line.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(onnx)) {
      throw new IllegalArgumentException("--onnx: no such file '" + onnx + "'");
    }
    long t0 = System.nanoTime();
    PretrainedBackbone bb =
        OnnxBackboneReader.read(
            onnx, preset, PretrainedBackbone.IMAGENET_MEAN, PretrainedBackbone.IMAGENET_STD);
    bb.save(out);
    double seconds = (System.nanoTime() - t0) / 1e9;
    PrintWriter w = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("out", out.toString());
      m.put("preset", bb.preset());
      m.put("mapping", bb.mapping());
      m.put("tensors", bb.tensors().size());
      m.put("parameters", bb.parameterCount());
      m.put("seconds", Math.round(seconds * 100) / 100.0);
      w.println(Json.write(m));
    } else {
      w.printf(
          "imported %d tensors (%d values, %s) of a %s backbone from %s into %s in %.1f s%n",
          bb.tensors().size(), bb.parameterCount(), bb.mapping(), bb.preset(), onnx, out, seconds);
    }
    w.flush();
    return CliErrors.EXIT_OK;
  }
}
