package org.tbps4j.model.pretrained;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tbps4j.model.GraphNames;
import org.tbps4j.model.ManifestZip;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.TbpsModel;

/**
 * An image backbone's weights in our variable names and layouts, ready to be copied into a model of
 * the same preset: convolution kernels {@code [kH, kW, in, out]}, batch-norm {@code gamma}, {@code
 * beta}, running mean and running variance {@code [C]}; plus the input normalisation the weights
 * were trained with and where they came from.
 *
 * <p><b>File</b> ({@code BACKBONE.zip}, written atomically): {@code backbone.json} ({@code
 * {"format": "tbps4j-backbone", "version": 1, "preset", "source", "mapping", "normalisation":
 * {"mean": [r,g,b], "std": [r,g,b]}, "tensors": [{"name", "shape", "entry"}]}}) and one entry per
 * tensor with its float32 values, little-endian, row-major.
 */
public final class PretrainedBackbone {
  /** The {@code format} value of {@code backbone.json}. */
  public static final String FORMAT = "tbps4j-backbone";

  /** The file format version written. */
  public static final int VERSION = 1;

  /** The metadata entry. */
  public static final String META_ENTRY = "backbone.json";

  /** ImageNet channel means (RGB, 0–1 scale): what torchvision's weights expect. */
  public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};

  /** ImageNet channel standard deviations (RGB). */
  public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A tensor: shape and row-major values.
   *
   * @param shape the shape
   * @param data the values, length = product of the shape
   */
  public record Tensor(long[] shape, float[] data) {
    /** Checks that the values fill the shape. */
    public Tensor {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      if (n != data.length) {
        throw new IllegalArgumentException(
            "tensor of shape "
                + Arrays.toString(shape)
                + " needs "
                + n
                + " values, has "
                + data.length);
      }
    }
  }

  private final String preset;
  private final String source;
  private final String mapping;
  private final float[] mean;
  private final float[] std;
  private final Map<String, Tensor> tensors;

  /**
   * Creates a backbone.
   *
   * @param preset {@code resnet18} or {@code resnet50}
   * @param source where the weights came from (a file name)
   * @param mapping how the tensors were found: {@code by-name} or {@code by-position}
   * @param mean RGB means of the input normalisation (0–1 scale)
   * @param std RGB standard deviations of the input normalisation
   * @param tensors our variable name → tensor, in graph order
   */
  public PretrainedBackbone(
      String preset,
      String source,
      String mapping,
      float[] mean,
      float[] std,
      Map<String, Tensor> tensors) {
    this.preset = preset;
    this.source = source;
    this.mapping = mapping;
    this.mean = mean.clone();
    this.std = std.clone();
    this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
  }

  /**
   * The preset the weights fit.
   *
   * @return {@code resnet18} or {@code resnet50}
   */
  public String preset() {
    return preset;
  }

  /**
   * Where the weights came from.
   *
   * @return the source file's name
   */
  public String source() {
    return source;
  }

  /**
   * How the tensors were found in the source.
   *
   * @return {@code by-name} or {@code by-position}
   */
  public String mapping() {
    return mapping;
  }

  /**
   * RGB means of the input normalisation the weights expect.
   *
   * @return a copy, length 3
   */
  public float[] mean() {
    return mean.clone();
  }

  /**
   * RGB standard deviations of the input normalisation the weights expect.
   *
   * @return a copy, length 3
   */
  public float[] std() {
    return std.clone();
  }

  /**
   * The tensors by our variable name.
   *
   * @return unmodifiable map in graph order
   */
  public Map<String, Tensor> tensors() {
    return tensors;
  }

  /**
   * Number of values.
   *
   * @return the sum of the tensors' sizes
   */
  public long parameterCount() {
    long n = 0;
    for (Tensor t : tensors.values()) {
      n += t.data().length;
    }
    return n;
  }

  /**
   * The metadata as JSON (also what a trained model records about its starting point, without the
   * tensor list).
   *
   * @param withTensors whether to list the tensors
   * @return the JSON object
   */
  public ObjectNode metadata(boolean withTensors) {
    ObjectNode n = JSON.createObjectNode();
    n.put("format", FORMAT);
    n.put("version", VERSION);
    n.put("preset", preset);
    n.put("source", source);
    n.put("mapping", mapping);
    ObjectNode norm = n.putObject("normalisation");
    ArrayNode m = norm.putArray("mean");
    ArrayNode s = norm.putArray("std");
    for (int c = 0; c < 3; c++) {
      m.add(mean[c]);
      s.add(std[c]);
    }
    n.put("parameters", parameterCount());
    if (withTensors) {
      ArrayNode list = n.putArray("tensors");
      int i = 0;
      for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
        ObjectNode t = list.addObject();
        t.put("name", e.getKey());
        ArrayNode shape = t.putArray("shape");
        for (long d : e.getValue().shape()) {
          shape.add(d);
        }
        t.put("entry", "tensors/" + i++ + ".f32");
      }
    }
    return n;
  }

  /**
   * Writes the backbone file atomically.
   *
   * @param file the target ({@code .zip})
   * @throws IOException on write failure (the target is then unchanged)
   */
  public void save(Path file) throws IOException {
    ObjectNode meta = metadata(true);
    ManifestZip.write(
        file,
        META_ENTRY,
        meta,
        zip -> {
          int i = 0;
          for (Tensor t : tensors.values()) {
            ByteBuffer b = ByteBuffer.allocate(4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(t.data());
            zip.put("tensors/" + i++ + ".f32", b.array());
          }
        });
  }

  /**
   * Reads a backbone file.
   *
   * @param file the file written by {@link #save}
   * @return the backbone
   * @throws IllegalArgumentException naming the file and the entry or field when it is not a
   *     backbone file or is inconsistent
   * @throws IOException on read failure ({@link NoSuchFileException} when it does not exist)
   */
  public static PretrainedBackbone load(Path file) throws IOException {
    if (!Files.exists(file)) {
      throw new NoSuchFileException(file.toString(), null, "no such backbone file");
    }
    return ManifestZip.read(file, META_ENTRY, "zip file", PretrainedBackbone::read);
  }

  private static PretrainedBackbone read(ManifestZip.Opened zip) throws IOException {
    Path file = zip.file();
    JsonNode meta = zip.manifest();
    if (!FORMAT.equals(meta.path("format").asText())) {
      throw new IllegalArgumentException(
          file + ": not a backbone file (" + META_ENTRY + " has no format '" + FORMAT + "')");
    }
    if (meta.path("version").asInt(-1) != VERSION) {
      throw new IllegalArgumentException(
          file
              + ": backbone file version "
              + meta.path("version")
              + ", this build reads "
              + VERSION);
    }
    float[] mean = floats(meta.path("normalisation").path("mean"), file, "normalisation.mean");
    float[] std = floats(meta.path("normalisation").path("std"), file, "normalisation.std");
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (JsonNode t : meta.path("tensors")) {
      String name = t.path("name").asText();
      long[] shape = new long[t.path("shape").size()];
      for (int d = 0; d < shape.length; d++) {
        shape[d] = t.path("shape").get(d).asLong();
      }
      byte[] bytes = zip.entry(t.path("entry").asText());
      float[] data = new float[bytes.length / 4];
      ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
      try {
        tensors.put(name, new Tensor(shape, data));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ": tensor '" + name + "': " + e.getMessage(), e);
      }
    }
    String preset = meta.path("preset").asText();
    TorchvisionLayout.of(preset); // a preset with a torchvision counterpart
    return new PretrainedBackbone(
        preset, meta.path("source").asText(), meta.path("mapping").asText(), mean, std, tensors);
  }

  private static float[] floats(JsonNode a, Path file, String field) {
    if (!a.isArray() || a.size() != 3) {
      throw new IllegalArgumentException(file + ": " + field + " must be 3 numbers (R, G, B)");
    }
    return new float[] {
      (float) a.get(0).asDouble(), (float) a.get(1).asDouble(), (float) a.get(2).asDouble()
    };
  }

  /**
   * Copies the weights into a model's image backbone: every kernel, gamma, beta, running mean and
   * running variance. The model must be of the same preset and pad as torchvision does, and every
   * parameter and running statistic of its backbone must receive a value.
   *
   * @param model the model (its graph's arrays are overwritten)
   * @param what a name for messages (the file, or the config key)
   * @return number of arrays copied
   * @throws IllegalArgumentException naming the tensor or the setting that does not fit
   */
  public int applyTo(TbpsModel model, String what) {
    return copyInto(model, what, true);
  }

  /** {@link #applyTo}, optionally without the padding check (tests' negative control). */
  int copyInto(TbpsModel model, String what, boolean checkPadding) {
    ModelConfig c = model.config();
    if (!preset.equals(c.preset())) {
      throw new IllegalArgumentException(
          what + ": the backbone is a " + preset + ", the model's preset is " + c.preset());
    }
    if (checkPadding && c.imagePadding() != ModelConfig.ImagePadding.TORCHVISION) {
      throw new IllegalArgumentException(
          what
              + ": the model pads its image convolutions as '"
              + c.imagePadding().json()
              + "', imported weights need 'torchvision'");
    }
    SameDiff sd = model.sameDiff();
    TreeSet<String> unset = new TreeSet<>();
    for (SDVariable v : sd.variables()) {
      VariableType t = v.getVariableType();
      if (v.name().startsWith(GraphNames.IMAGE_BACKBONE_PREFIX)
          && (t == VariableType.VARIABLE || t == VariableType.CONSTANT)
          && v.getArr() != null) {
        unset.add(v.name());
      }
    }
    int n = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      String name = e.getKey();
      if (!sd.hasVariable(name) || sd.getVariable(name).getArr() == null) {
        throw new IllegalArgumentException(
            what
                + ": tensor '"
                + name
                + "' has no variable of that name in the "
                + c.preset()
                + " graph");
      }
      INDArray dst = sd.getVariable(name).getArr();
      Tensor src = e.getValue();
      if (dst.length() != src.data().length) {
        throw new IllegalArgumentException(
            what
                + ": tensor '"
                + name
                + "' has shape "
                + Arrays.toString(src.shape())
                + ", the model's variable "
                + Arrays.toString(dst.shape()));
      }
      INDArray a = Nd4j.create(src.data(), src.shape(), 'c').castTo(dst.dataType());
      dst.assign(a.reshape(dst.shape()));
      unset.remove(name);
      n++;
    }
    if (!unset.isEmpty()) {
      throw new IllegalArgumentException(
          what
              + ": the backbone has no value for '"
              + unset.first()
              + "' ("
              + unset.size()
              + " missing)");
    }
    return n;
  }

  /**
   * Whether the input normalisation matches.
   *
   * @param otherMean RGB means
   * @param otherStd RGB standard deviations
   * @return true when both agree within 1e-6
   */
  public boolean normalisationMatches(float[] otherMean, float[] otherStd) {
    for (int c = 0; c < 3; c++) {
      if (Math.abs(mean[c] - otherMean[c]) > 1e-6 || Math.abs(std[c] - otherStd[c]) > 1e-6) {
        return false;
      }
    }
    return true;
  }
}
