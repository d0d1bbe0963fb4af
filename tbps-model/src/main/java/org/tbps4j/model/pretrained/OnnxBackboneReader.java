package org.tbps4j.model.pretrained;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx;
import org.tbps4j.model.pretrained.PretrainedBackbone.Tensor;
import org.tbps4j.model.pretrained.TorchvisionLayout.ConvBn;

/**
 * Reads a torchvision ResNet's weights from an ONNX file's initialisers (no graph import: the nodes
 * are only read to find which tensor feeds which convolution or batch-norm) and maps them onto a
 * preset's image backbone ({@link TorchvisionLayout}).
 *
 * <p><b>By name</b> when the file has torchvision's names ({@code conv1.weight}, {@code
 * layer1.0.bn1.running_mean}, …, possibly behind a common prefix such as {@code model.}); <b>by
 * position</b> otherwise: the {@code Conv} nodes in graph order, each with the {@code
 * BatchNormalization} node that reads its output, are matched block by block to torchvision's
 * forward order, each by its kernel shape. Either way every kernel and batch-norm tensor is checked
 * against the preset's shape; the strides and paddings of the convolutions (when the nodes are
 * there) and the batch-norm epsilons must be torchvision's. The classifier is dropped.
 *
 * <p>Every mismatch is an {@link IllegalArgumentException} naming the file and the tensor.
 */
public final class OnnxBackboneReader {
  /** Batch-norm epsilon of our graph and of torchvision. */
  private static final double EPSILON = 1e-5;

  private final Path file;
  private final TorchvisionLayout layout;
  private final Map<String, Onnx.TensorProto> tensors = new HashMap<>();
  private final Map<String, String> alias = new HashMap<>();
  private final List<Onnx.NodeProto> nodes = new ArrayList<>();

  private OnnxBackboneReader(Path file, TorchvisionLayout layout) {
    this.file = file;
    this.layout = layout;
  }

  /**
   * Reads the backbone of a preset from an ONNX file.
   *
   * @param file the ONNX model (a single file: weights stored outside it are refused)
   * @param preset {@code resnet18} or {@code resnet50}
   * @param mean RGB means the weights were trained with (ImageNet's for torchvision)
   * @param std RGB standard deviations
   * @return the backbone in our names and layouts
   * @throws IllegalArgumentException naming the file and the tensor on any mismatch
   * @throws IOException when the file cannot be read
   */
  public static PretrainedBackbone read(Path file, String preset, float[] mean, float[] std)
      throws IOException {
    OnnxBackboneReader r = new OnnxBackboneReader(file, TorchvisionLayout.of(preset));
    r.parse();
    return r.map(mean, std);
  }

  private void parse() throws IOException {
    Onnx.ModelProto model;
    try (InputStream in = Files.newInputStream(file)) {
      model = Onnx.ModelProto.parseFrom(in);
    } catch (org.nd4j.shade.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(file + ": not an ONNX model (" + e.getMessage() + ")", e);
    }
    Onnx.GraphProto g = model.getGraph();
    if (g.getInitializerCount() == 0 && g.getNodeCount() == 0) {
      throw new IllegalArgumentException(file + ": not an ONNX model (no graph, no initialisers)");
    }
    for (Onnx.TensorProto t : g.getInitializerList()) {
      tensors.put(t.getName(), t);
    }
    for (Onnx.NodeProto n : g.getNodeList()) {
      nodes.add(n);
      if ("Constant".equals(n.getOpType()) && n.getOutputCount() == 1) {
        for (Onnx.AttributeProto a : n.getAttributeList()) {
          if ("value".equals(a.getName()) && a.hasT()) {
            tensors.put(n.getOutput(0), a.getT());
          }
        }
      }
      if ("Identity".equals(n.getOpType()) && n.getInputCount() == 1) {
        alias.put(n.getOutput(0), n.getInput(0));
      }
    }
  }

  /** A name through any chain of Identity nodes. */
  private String resolve(String name) {
    String n = name;
    for (int i = 0; i < 1000 && alias.containsKey(n) && !tensors.containsKey(n); i++) {
      n = alias.get(n);
    }
    return n;
  }

  private PretrainedBackbone map(float[] mean, float[] std) {
    String prefix = torchvisionPrefix();
    Map<String, Tensor> out = new LinkedHashMap<>();
    String mapping;
    if (prefix != null) {
      mapping = "by-name";
      checkPresetByName(prefix);
      for (ConvBn l : layout.layers()) {
        String w = prefix + l.torchConv();
        String[] bn = new String[4];
        for (int i = 0; i < 4; i++) {
          bn[i] = prefix + l.torchBn() + "." + TorchvisionLayout.BN_TORCH.get(i);
        }
        put(out, l, w, bn, l.torchConv());
        checkNodes(l, w, bn[0]);
      }
      checkNoExtraBlocks(prefix);
    } else {
      mapping = "by-position";
      byPosition(out);
    }
    return new PretrainedBackbone(
        layout.preset(), file.getFileName().toString(), mapping, mean, std, out);
  }

  /** The prefix before torchvision's names, or null when the file does not use them. */
  private String torchvisionPrefix() {
    for (String name : tensors.keySet()) {
      if (name.endsWith("layer1.0.conv1.weight")) {
        String p = name.substring(0, name.length() - "layer1.0.conv1.weight".length());
        if (tensors.containsKey(p + "conv1.weight") || tensors.containsKey(p + "bn1.weight")) {
          return p;
        }
      }
    }
    return null;
  }

  private void checkPresetByName(String p) {
    String probe = p + "layer1.0.conv3.weight";
    boolean fileBottleneck = tensors.containsKey(probe);
    if (fileBottleneck != layout.bottleneck()) {
      throw new IllegalArgumentException(
          file
              + ": tensor '"
              + probe
              + "' is "
              + (fileBottleneck ? "present" : "absent")
              + ": the file holds a "
              + (fileBottleneck
                  ? "bottleneck ResNet (resnet50 layout)"
                  : "basic-block ResNet (resnet18 layout)")
              + ", not the "
              + layout.preset()
              + " preset's backbone (use --preset "
              + (fileBottleneck ? "resnet50" : "resnet18")
              + ")");
    }
  }

  private void checkNoExtraBlocks(String p) {
    List<String> wanted = layout.torchNames();
    for (String name : tensors.keySet()) {
      if (name.startsWith(p + "layer")
          && !wanted.contains(name.substring(p.length()))
          && !name.endsWith("num_batches_tracked")) {
        throw new IllegalArgumentException(
            file
                + ": unexpected tensor '"
                + name
                + "': the "
                + layout.preset()
                + " preset has no such layer (a deeper ResNet than "
                + layout.preset()
                + "?)");
      }
    }
  }

  /** Converts and stores one convolution and its batch-norm. */
  private void put(Map<String, Tensor> out, ConvBn l, String w, String[] bn, String label) {
    Onnx.TensorProto kernel = tensor(w, l.torchConv());
    long[] want = l.torchShape();
    checkShape(kernel, w, l.torchConv(), want);
    float[] v = values(kernel, w);
    int o = l.out();
    int in = l.in();
    int k = l.k();
    // [out, in, kH, kW] → [kH, kW, in, out]
    float[] perm = new float[v.length];
    for (int a = 0; a < o; a++) {
      for (int b = 0; b < in; b++) {
        for (int y = 0; y < k; y++) {
          for (int x = 0; x < k; x++) {
            perm[((y * k + x) * in + b) * o + a] = v[((a * in + b) * k + y) * k + x];
          }
        }
      }
    }
    out.put(l.ourConv() + "/W", new Tensor(new long[] {k, k, in, o}, perm));
    for (int i = 0; i < 4; i++) {
      String torchName = l.torchBn() + "." + TorchvisionLayout.BN_TORCH.get(i);
      Onnx.TensorProto t = tensor(bn[i], torchName);
      checkShape(t, bn[i], torchName, new long[] {o});
      float[] vals = values(t, bn[i]);
      if (i == 3) {
        for (float f : vals) {
          if (!(f >= 0) || Float.isInfinite(f)) {
            throw new IllegalArgumentException(
                file + ": tensor '" + bn[i] + "' (running variance) has the value " + f);
          }
        }
      }
      out.put(l.ourBn() + TorchvisionLayout.BN_OURS.get(i), new Tensor(new long[] {o}, vals));
    }
  }

  private Onnx.TensorProto tensor(String name, String torchName) {
    Onnx.TensorProto t = tensors.get(resolve(name));
    if (t == null) {
      throw new IllegalArgumentException(
          file
              + ": missing tensor '"
              + name
              + "'"
              + (name.equals(torchName) ? "" : " (torchvision's " + torchName + ")")
              + " of the "
              + layout.preset()
              + " backbone");
    }
    return t;
  }

  private void checkShape(Onnx.TensorProto t, String name, String torchName, long[] want) {
    long[] got = new long[t.getDimsCount()];
    for (int i = 0; i < got.length; i++) {
      got[i] = t.getDims(i);
    }
    if (!Arrays.equals(got, want)) {
      throw new IllegalArgumentException(
          file
              + ": tensor '"
              + name
              + "'"
              + (name.equals(torchName) ? "" : " (in the place of torchvision's " + torchName + ")")
              + " has shape "
              + Arrays.toString(got)
              + ", the "
              + layout.preset()
              + " preset needs "
              + Arrays.toString(want));
    }
  }

  private float[] values(Onnx.TensorProto t, String name) {
    if (t.getDataLocation() == Onnx.TensorProto.DataLocation.EXTERNAL) {
      throw new IllegalArgumentException(
          file + ": tensor '" + name + "' is stored outside the file; export into a single file");
    }
    long n = 1;
    for (long d : t.getDimsList()) {
      n *= d;
    }
    float[] v = new float[Math.toIntExact(n)];
    int type = t.getDataType();
    if (type == Onnx.TensorProto.DataType.FLOAT_VALUE) {
      if (!t.getRawData().isEmpty()) {
        checkBytes(t.getRawData().size(), 4L * n, name);
        t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
      } else {
        checkBytes(4L * t.getFloatDataCount(), 4L * n, name);
        for (int i = 0; i < v.length; i++) {
          v[i] = t.getFloatData(i);
        }
      }
    } else if (type == Onnx.TensorProto.DataType.DOUBLE_VALUE) {
      if (!t.getRawData().isEmpty()) {
        checkBytes(t.getRawData().size(), 8L * n, name);
        ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) b.getDouble(8 * i);
        }
      } else {
        checkBytes(8L * t.getDoubleDataCount(), 8L * n, name);
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) t.getDoubleData(i);
        }
      }
    } else {
      throw new IllegalArgumentException(
          file
              + ": tensor '"
              + name
              + "' has ONNX data type "
              + type
              + "; float32 (1) or float64 (11) is read (export in float32)");
    }
    return v;
  }

  private void checkBytes(long got, long want, String name) {
    if (got != want) {
      throw new IllegalArgumentException(
          file
              + ": tensor '"
              + name
              + "' holds "
              + got
              + " bytes of values, its shape needs "
              + want);
    }
  }

  /** The node whose given input (after Identity chains) is the named tensor. */
  private Onnx.NodeProto consumer(String op, int input, String tensorName) {
    for (Onnx.NodeProto n : nodes) {
      if (op.equals(n.getOpType())
          && n.getInputCount() > input
          && resolve(n.getInput(input)).equals(resolve(tensorName))) {
        return n;
      }
    }
    return null;
  }

  /** Checks stride, padding and epsilon of the nodes using a layer's tensors, when present. */
  private void checkNodes(ConvBn l, String kernelName, String gammaName) {
    Onnx.NodeProto conv = consumer("Conv", 1, kernelName);
    if (conv != null) {
      checkConv(conv, l, kernelName);
    }
    Onnx.NodeProto bn = consumer("BatchNormalization", 1, gammaName);
    if (bn != null) {
      checkEpsilon(bn, gammaName);
    }
  }

  private void checkConv(Onnx.NodeProto conv, ConvBn l, String kernelName) {
    long[] strides = {1, 1};
    long[] pads = {0, 0, 0, 0};
    long group = 1;
    for (Onnx.AttributeProto a : conv.getAttributeList()) {
      switch (a.getName()) {
        case "strides" -> strides = a.getIntsList().stream().mapToLong(Long::longValue).toArray();
        case "pads" -> pads = a.getIntsList().stream().mapToLong(Long::longValue).toArray();
        case "group" -> group = a.getI();
        case "auto_pad" -> {
          String s = a.getS().toStringUtf8();
          if (!s.isEmpty() && !"NOTSET".equals(s)) {
            throw new IllegalArgumentException(
                file
                    + ": the convolution of tensor '"
                    + kernelName
                    + "' pads as "
                    + s
                    + "; torchvision's explicit padding is expected");
          }
        }
        default -> {}
      }
    }
    long p = (l.k() - 1) / 2;
    boolean ok =
        group == 1 && strides.length == 2 && strides[0] == l.stride() && strides[1] == l.stride();
    for (long x : pads) {
      ok &= x == p;
    }
    if (!ok) {
      throw new IllegalArgumentException(
          file
              + ": the convolution of tensor '"
              + kernelName
              + "' has strides "
              + Arrays.toString(strides)
              + ", pads "
              + Arrays.toString(pads)
              + ", group "
              + group
              + "; the "
              + layout.preset()
              + " preset (torchvision's ResNet, stride on the 3x3) needs stride "
              + l.stride()
              + ", padding "
              + p);
    }
  }

  private void checkEpsilon(Onnx.NodeProto bn, String gammaName) {
    for (Onnx.AttributeProto a : bn.getAttributeList()) {
      if ("epsilon".equals(a.getName()) && Math.abs(a.getF() - EPSILON) > 1e-9) {
        throw new IllegalArgumentException(
            file
                + ": the batch-norm of tensor '"
                + gammaName
                + "' has epsilon "
                + a.getF()
                + "; the presets use "
                + EPSILON);
      }
    }
  }

  /** A Conv node and the batch-norm reading its output, as found in the graph. */
  private record Found(Onnx.NodeProto conv, Onnx.NodeProto bn) {
    long[] kernelShape(OnnxBackboneReader r) {
      Onnx.TensorProto t = r.tensors.get(r.resolve(conv.getInput(1)));
      return t == null
          ? new long[0]
          : t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }
  }

  private void byPosition(Map<String, Tensor> out) {
    List<Found> found = new ArrayList<>();
    for (Onnx.NodeProto n : nodes) {
      if (!"Conv".equals(n.getOpType())) {
        continue;
      }
      String kernel = n.getInputCount() > 1 ? n.getInput(1) : "?";
      Onnx.NodeProto bn = consumer("BatchNormalization", 0, n.getOutput(0));
      if (bn == null || bn.getInputCount() < 5) {
        throw new IllegalArgumentException(
            file
                + ": the convolution of tensor '"
                + kernel
                + "' feeds no BatchNormalization"
                + (n.getInputCount() > 2
                    ? " and has a bias: the exporter folded batch-norm into the convolutions"
                        + " (export in training mode, as bench/export_backbone.py does)"
                    : "")
                + "; torchvision's names are not in the file either, so it cannot be mapped");
      }
      found.add(new Found(n, bn));
    }
    List<ConvBn> want = layout.layers();
    if (found.size() != want.size()) {
      throw new IllegalArgumentException(
          file
              + ": "
              + found.size()
              + " convolutions with batch-norm in the graph, the "
              + layout.preset()
              + " preset has "
              + want.size()
              + " (no torchvision names in the file, so it was read by graph position)");
    }
    // block by block: the block's layers in graph order, each to the first unused one of its
    // kernel shape (a shortcut that an exporter placed first still finds its own)
    int i = 0;
    while (i < want.size()) {
      String block = want.get(i).block();
      int j = i;
      while (j < want.size() && want.get(j).block().equals(block)) {
        j++;
      }
      boolean[] used = new boolean[j - i];
      for (int w = i; w < j; w++) {
        ConvBn l = want.get(w);
        int pick = -1;
        for (int f = i; f < j && pick < 0; f++) {
          if (!used[f - i] && Arrays.equals(found.get(f).kernelShape(this), l.torchShape())) {
            pick = f;
          }
        }
        if (pick < 0) {
          Found f = found.get(w);
          String kernel = f.conv().getInput(1);
          checkShape(tensor(kernel, l.torchConv()), kernel, l.torchConv(), l.torchShape());
        }
        used[pick - i] = true;
        Found f = found.get(pick);
        String[] bn = new String[4];
        for (int b = 0; b < 4; b++) {
          bn[b] = f.bn().getInput(b + 1);
        }
        String kernel = f.conv().getInput(1);
        put(out, l, kernel, bn, l.torchConv());
        checkConv(f.conv(), l, kernel);
        checkEpsilon(f.bn(), bn[0]);
      }
      i = j;
    }
  }
}
