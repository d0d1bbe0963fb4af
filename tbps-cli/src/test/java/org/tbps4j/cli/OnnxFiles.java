package org.tbps4j.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import onnx.Onnx;
import org.nd4j.shade.protobuf.ByteString;
import org.tbps4j.model.pretrained.TorchvisionLayout;

/** Writes small ONNX files for the import tests with the ONNX protobuf classes. */
final class OnnxFiles {
  private final Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder().setName("test");
  private final Random rng;

  OnnxFiles(long seed) {
    rng = new Random(seed);
  }

  /** Adds a float32 initialiser of {@code scale·N(0,1) + offset} (or {@code offset + U(0,1)}). */
  OnnxFiles tensor(String name, long[] shape, double scale, double offset, boolean uniform) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(4 * n)).order(ByteOrder.LITTLE_ENDIAN);
    for (long i = 0; i < n; i++) {
      b.putFloat((float) (offset + (uniform ? rng.nextDouble() : scale * rng.nextGaussian())));
    }
    Onnx.TensorProto.Builder t =
        Onnx.TensorProto.newBuilder()
            .setName(name)
            .setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE)
            .setRawData(ByteString.copyFrom(b.array()));
    for (long d : shape) {
      t.addDims(d);
    }
    graph.addInitializer(t);
    return this;
  }

  /** Adds a node. */
  OnnxFiles node(String op, String[] inputs, String[] outputs) {
    Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(op);
    for (String i : inputs) {
      n.addInput(i);
    }
    for (String o : outputs) {
      n.addOutput(o);
    }
    graph.addNode(n);
    return this;
  }

  /** Adds a node with integer-list attributes (strides, pads, ...). */
  OnnxFiles node(String op, String[] inputs, String[] outputs, Map<String, long[]> ints) {
    Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(op);
    for (String i : inputs) {
      n.addInput(i);
    }
    for (String o : outputs) {
      n.addOutput(o);
    }
    ints.forEach(
        (name, v) -> {
          Onnx.AttributeProto.Builder a =
              Onnx.AttributeProto.newBuilder()
                  .setName(name)
                  .setType(Onnx.AttributeProto.AttributeType.INTS);
          for (long x : v) {
            a.addInts(x);
          }
          n.addAttribute(a);
        });
    graph.addNode(n);
    return this;
  }

  /** Writes the model. */
  Path write(Path file) throws IOException {
    Onnx.ModelProto m =
        Onnx.ModelProto.newBuilder()
            .setIrVersion(7)
            .setProducerName("tbps4j-test")
            .setGraph(graph)
            .build();
    try (OutputStream out = Files.newOutputStream(file)) {
      m.writeTo(out);
    }
    return file;
  }

  /**
   * A torchvision-named ResNet of a preset's layout with random weights and batch-norm statistics
   * (initialisers only), less the tensors in {@code omit}, with the shapes in {@code reshape}
   * replaced.
   */
  static Path torchvision(
      Path file, String preset, long seed, Set<String> omit, Map<String, long[]> reshape)
      throws IOException {
    return torchvisionFiles(preset, seed, "", omit, reshape).write(file);
  }

  /** {@link #torchvision} before writing, the names behind a prefix. */
  static OnnxFiles torchvisionFiles(
      String preset, long seed, String prefix, Set<String> omit, Map<String, long[]> reshape) {
    OnnxFiles f = new OnnxFiles(seed);
    for (TorchvisionLayout.ConvBn l : TorchvisionLayout.of(preset).layers()) {
      String[] names = {
        l.torchConv(),
        l.torchBn() + ".weight",
        l.torchBn() + ".bias",
        l.torchBn() + ".running_mean",
        l.torchBn() + ".running_var"
      };
      for (int i = 0; i < names.length; i++) {
        if (omit.contains(names[i])) {
          continue;
        }
        long[] shape = i == 0 ? l.torchShape() : new long[] {l.out()};
        shape = reshape.getOrDefault(names[i], shape);
        String name = prefix + names[i];
        switch (i) {
          case 0 -> f.tensor(name, shape, Math.sqrt(2.0 / (l.in() * l.k() * l.k())), 0, false);
          case 1 -> f.tensor(name, shape, 0, 0.5, true);
          case 2, 3 -> f.tensor(name, shape, 0.1, 0, false);
          default -> f.tensor(name, shape, 0, 0.5, true);
        }
      }
    }
    f.tensor(
        "fc.weight",
        new long[] {10, TorchvisionLayout.of(preset).bottleneck() ? 2048 : 512},
        0.01,
        0,
        false);
    return f;
  }
}
