package org.tbps4j.model.pretrained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code bench/export_backbone.py} with Debian's {@code /usr/bin/python3}. */
final class ExportScript {
  static final Path PYTHON = Path.of("/usr/bin/python3");
  static final Path SCRIPT = Path.of("../bench/export_backbone.py");

  private ExportScript() {}

  /** Whether python3 with torch, torchvision and onnx is there (CI installs them). */
  static boolean available() throws Exception {
    if (!Files.isExecutable(PYTHON)) {
      return false;
    }
    Process p =
        new ProcessBuilder(PYTHON.toString(), "-c", "import torch, torchvision, onnx").start();
    return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
  }

  /**
   * Exports a random-weight torchvision network and its reference features.
   *
   * @param dir output folder
   * @param arch resnet18 or resnet50
   * @param h input height
   * @param w input width
   * @param anonymise rename the initialisers
   * @return the ONNX file (the reference arrays are {@code dir/ref.images.f32}, {@code
   *     dir/ref.features.f32})
   */
  static Path export(Path dir, String arch, int h, int w, boolean anonymise) throws Exception {
    Path onnx = dir.resolve(arch + ".onnx");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                PYTHON.toString(),
                SCRIPT.toString(),
                "--arch",
                arch,
                "--weights",
                "random",
                "--seed",
                "7",
                "--height",
                Integer.toString(h),
                "--width",
                Integer.toString(w),
                "--out",
                onnx.toString(),
                "--check-out",
                dir.resolve("ref").toString()));
    if (anonymise) {
      cmd.add("--anonymise");
    }
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("OMP_NUM_THREADS", "1");
    pb.environment().put("OPENBLAS_NUM_THREADS", "1");
    Path err = dir.resolve("export.err");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "export_backbone.py timed out");
    assertEquals(0, p.exitValue(), "export_backbone.py: " + out + Files.readString(err));
    return onnx;
  }

  /** Reads a little-endian float32 file. */
  static float[] floats(Path file) throws IOException {
    byte[] b = Files.readAllBytes(file);
    float[] v = new float[b.length / 4];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    return v;
  }
}
