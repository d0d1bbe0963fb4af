package org.tbps4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.tbps4j.model.layers.DualPathGraph;

/**
 * A dual-path network: the SameDiff graph with its weights, its {@link ModelConfig} and named
 * opaque attachments (e.g. {@code vocabulary.json}, {@code ids.json}, {@code preprocessing.json},
 * {@code run.json}) that travel with it in one saved file.
 *
 * <p><b>Training and inference outputs.</b> The training outputs ({@link
 * GraphNames#IMAGE_EMBEDDING}, ...) normalise with batch statistics and apply dropout; the
 * inference outputs ({@link GraphNames#IMAGE_EMBEDDING_INFERENCE}, ...) share the weights, use the
 * batch-norm running statistics ({@link BatchNormStatistics}) and no dropout, so an embedding never
 * depends on the other samples of its batch. There is no mode to switch.
 *
 * <p><b>Stages.</b> {@link #freezeImageBackbone()} turns the image backbone's parameters into
 * constants (stage I: no gradient, no update, no backward pass through the ResNet); {@link
 * #unfreezeImageBackbone()} turns them back into variables (stage II). The optimiser state of every
 * other variable is untouched, and the backbone's own state is kept aside while frozen and put back
 * on unfreezing (in memory; a model saved while frozen restarts the backbone's optimiser state).
 *
 * <p><b>Saved file</b> (a zip, written atomically): {@code manifest.json} (format, version, data
 * type, flags, attachment names), {@code config.json}, {@code graph.fb} (SameDiff FlatBuffers with
 * weights, batch-norm running statistics and optionally the updater state) and {@code
 * attachments/<name>}.
 *
 * <p>Not thread-safe: one thread trains or embeds at a time. {@link #close()} frees the native
 * memory of the graph's arrays at once (SameDiff M2.1 frees it only when the garbage collector
 * runs, see docs/samediff-m2.1.md, note 8); the model cannot be used afterwards.
 */
public final class TbpsModel implements AutoCloseable {
  /** Value of {@code manifest.json}'s {@code format} field. */
  public static final String FORMAT = "tbps4j-model";

  /** Version of the saved format this code writes and reads. */
  public static final int FORMAT_VERSION = 1;

  static final String MANIFEST = "manifest.json";
  static final String CONFIG = "config.json";
  static final String GRAPH = "graph.fb";
  static final String ATTACHMENTS = "attachments/";

  private static final Pattern ATTACHMENT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SameDiff sd;
  private final ModelConfig config;
  private final DataType dataType;
  private final Map<String, byte[]> attachments = new LinkedHashMap<>();
  private final Map<String, Map<String, INDArray>> frozenUpdaterState = new HashMap<>();
  private boolean closed;

  private TbpsModel(SameDiff sd, ModelConfig config, DataType dataType) {
    this.sd = sd;
    this.config = config;
    this.dataType = dataType;
  }

  /**
   * Builds a new FLOAT model with freshly initialised weights.
   *
   * @param config the configuration
   * @return the model
   */
  public static TbpsModel create(ModelConfig config) {
    return create(config, DataType.FLOAT);
  }

  /**
   * Builds a new model of a given floating-point type.
   *
   * @param config the configuration
   * @param dataType FLOAT, or DOUBLE for gradient checks
   * @return the model
   */
  public static TbpsModel create(ModelConfig config, DataType dataType) {
    if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
      throw new IllegalArgumentException("dataType must be FLOAT or DOUBLE, got " + dataType);
    }
    return new TbpsModel(DualPathGraph.build(config, dataType), config, dataType);
  }

  /**
   * Builds a model with a chosen batch-norm form (differential tests of the fused batch-norm).
   *
   * @param config the configuration
   * @param dataType FLOAT or DOUBLE
   * @param fusedBatchNorm libnd4j's fused op, or the form composed from basic ops
   * @return the model
   */
  static TbpsModel create(ModelConfig config, DataType dataType, boolean fusedBatchNorm) {
    return new TbpsModel(DualPathGraph.build(config, dataType, fusedBatchNorm), config, dataType);
  }

  /**
   * Builds a model whose inference pass keeps the one-hot word lookup (differential tests of the
   * inference gather).
   *
   * @param config the configuration
   * @return the model, FLOAT, fused batch-norm
   */
  static TbpsModel createWithOneHotInference(ModelConfig config) {
    return new TbpsModel(
        DualPathGraph.build(config, DataType.FLOAT, true, true), config, DataType.FLOAT);
  }

  /**
   * Builds a model whose training pass keeps the one-hot word lookup and whose inference pass
   * gathers (the form before the trainable gather; differential tests and benchmarks).
   *
   * @param config the configuration
   * @param dataType FLOAT or DOUBLE
   * @return the model, fused batch-norm
   */
  static TbpsModel createWithOneHotTraining(ModelConfig config, DataType dataType) {
    return new TbpsModel(
        DualPathGraph.build(config, dataType, true, false, true), config, dataType);
  }

  /**
   * Builds a model with chosen layer forms (differential tests and benchmarks of a form against the
   * older one it replaced).
   *
   * @param config the configuration
   * @param dataType FLOAT or DOUBLE
   * @param forms the layer forms
   * @return the model
   */
  static TbpsModel create(ModelConfig config, DataType dataType, DualPathGraph.Forms forms) {
    return new TbpsModel(DualPathGraph.build(config, dataType, forms), config, dataType);
  }

  /**
   * The SameDiff graph (for training: set its {@code TrainingConfig}, add the loss, call {@code
   * fit}).
   *
   * @return the graph
   */
  public SameDiff sameDiff() {
    return sd;
  }

  /**
   * The configuration.
   *
   * @return the config the graph was built from
   */
  public ModelConfig config() {
    return config;
  }

  /**
   * The floating-point type of parameters and activations.
   *
   * @return FLOAT or DOUBLE
   */
  public DataType dataType() {
    return dataType;
  }

  // ---------------------------------------------------------------- inputs

  /**
   * The image placeholder for a batch.
   *
   * @param images normalised images {@code [N, 3, H, W]}
   * @return {@code {images: array in the model's type}}
   * @throws IllegalArgumentException on a wrong shape or a non-floating type
   */
  public Map<String, INDArray> imageInputs(INDArray images) {
    checkOpen();
    long[] want = {3, config.imageHeight(), config.imageWidth()};
    if (images.rank() != 4
        || !Arrays.equals(Arrays.copyOfRange(images.shape(), 1, 4), want)
        || !images.dataType().isFPType()) {
      throw new IllegalArgumentException(
          "images must be floating-point [N, 3, "
              + config.imageHeight()
              + ", "
              + config.imageWidth()
              + "], got "
              + images.dataType()
              + " "
              + Arrays.toString(images.shape()));
    }
    Map<String, INDArray> m = new LinkedHashMap<>();
    m.put(GraphNames.IMAGES, images.dataType() == dataType ? images : images.castTo(dataType));
    return m;
  }

  /**
   * The text placeholders for a batch (see {@link TokenInputs} for the two lookup variants, {@link
   * TowerInputs} for a tower's packed token features).
   *
   * @param tokens token ids {@code [N, L]} (word path), or the tower's features and mask packed as
   *     {@code [N, L, F + 1]}
   * @return placeholder name → INT array
   */
  public Map<String, INDArray> textInputs(INDArray tokens) {
    checkOpen();
    if (config.text().tower()) {
      return TowerInputs.of(tokens, config, dataType);
    }
    return TokenInputs.of(tokens, config);
  }

  /**
   * All placeholders of a paired training batch.
   *
   * @param images {@code [N, 3, H, W]}
   * @param tokens {@code [N, L]}
   * @param labels class indices {@code [N]} in {@code [0, C)}
   * @return placeholder name → array
   */
  public Map<String, INDArray> inputs(INDArray images, INDArray tokens, INDArray labels) {
    if (images.size(0) != tokens.size(0) || labels.length() != images.size(0)) {
      throw new IllegalArgumentException(
          "batch sizes differ: images "
              + images.size(0)
              + ", tokens "
              + tokens.size(0)
              + ", labels "
              + labels.length());
    }
    Map<String, INDArray> m = imageInputs(images);
    m.putAll(textInputs(tokens));
    m.put(GraphNames.LABELS, labels(labels));
    return m;
  }

  private INDArray labels(INDArray labels) {
    int[] y = labels.castTo(DataType.INT).dup('c').data().asInt();
    for (int i = 0; i < y.length; i++) {
      if (y[i] < 0 || y[i] >= config.numClasses()) {
        throw new IllegalArgumentException(
            "label "
                + y[i]
                + " at index "
                + i
                + " is outside [0, "
                + config.numClasses()
                + ") (numClasses)");
      }
    }
    return org.nd4j.linalg.factory.Nd4j.createFromArray(y);
  }

  /**
   * The placeholder names of {@link #trainingBatch}'s features, for {@code
   * TrainingConfig.dataSetFeatureMapping}.
   *
   * @return {@code [images, tokens]} or {@code [images, tokens/unique, tokens/slots]}
   */
  public List<String> featureNames() {
    List<String> names = new ArrayList<>();
    names.add(GraphNames.IMAGES);
    names.addAll(
        Arrays.asList(config.text().tower() ? TowerInputs.names() : TokenInputs.names(config)));
    return names;
  }

  /**
   * The placeholder names of {@link #trainingBatch}'s labels, for {@code
   * TrainingConfig.dataSetLabelMapping}.
   *
   * @return {@code [labels]}
   */
  public List<String> labelNames() {
    return List.of(GraphNames.LABELS);
  }

  /**
   * A training configuration for {@link #trainingBatch} batches: the updater, and the feature and
   * label placeholders mapped to {@link #featureNames()} and {@link #labelNames()}; add
   * regularisation on the builder if wanted.
   *
   * @param updater the optimiser
   * @return the builder, ready to {@code build()}
   */
  public TrainingConfig.Builder trainingConfig(IUpdater updater) {
    return TrainingConfig.builder()
        .updater(updater)
        .dataSetFeatureMapping(featureNames())
        .dataSetLabelMapping(labelNames());
  }

  /**
   * A paired batch as a MultiDataSet whose features follow {@link #featureNames()} and labels
   * {@link #labelNames()}: the one place where named arrays (a training batch's images, tokens and
   * labels, already augmented) become the positional form {@code SameDiff.fit} and {@code
   * FastExecution.fit} need, matching {@link #trainingConfig}'s mapping.
   *
   * @param images {@code [N, 3, H, W]}
   * @param tokens {@code [N, L]} (or a tower's packed features, see {@link #textInputs})
   * @param labels {@code [N]}
   * @return the batch for {@code SameDiff.fit}
   */
  public MultiDataSet trainingBatch(INDArray images, INDArray tokens, INDArray labels) {
    Map<String, INDArray> m = inputs(images, tokens, labels);
    INDArray[] features = featureNames().stream().map(m::get).toArray(INDArray[]::new);
    return new org.nd4j.linalg.dataset.MultiDataSet(
        features, new INDArray[] {m.get(GraphNames.LABELS)});
  }

  // ---------------------------------------------------------------- parameters and stages

  /**
   * Names of the trainable variables (VARIABLE type), in graph order.
   *
   * @return the names
   */
  public List<String> trainableVariables() {
    List<String> names = new ArrayList<>();
    for (SDVariable v : sd.variables()) {
      if (v.getVariableType() == VariableType.VARIABLE) {
        names.add(v.name());
      }
    }
    return names;
  }

  /**
   * Number of parameters (trainable and frozen; batch-norm running statistics excluded).
   *
   * @return the count
   */
  public long parameterCount() {
    long n = 0;
    for (SDVariable v : sd.variables()) {
      if (isParameter(v)) {
        n += v.getArr().length();
      }
    }
    return n;
  }

  private static boolean isParameter(SDVariable v) {
    String name = v.name();
    if (v.getVariableType() == VariableType.VARIABLE) {
      return true;
    }
    return v.getVariableType() == VariableType.CONSTANT
        && name.startsWith(GraphNames.IMAGE_BACKBONE_PREFIX)
        && !name.endsWith(GraphNames.BN_RUNNING_MEAN)
        && !name.endsWith(GraphNames.BN_RUNNING_VAR);
  }

  private List<SDVariable> backboneParameters(VariableType type) {
    List<SDVariable> out = new ArrayList<>();
    for (SDVariable v : sd.variables()) {
      if (v.getVariableType() == type
          && v.name().startsWith(GraphNames.IMAGE_BACKBONE_PREFIX)
          && isParameter(v)) {
        out.add(v);
      }
    }
    return out;
  }

  /**
   * Stage I: the image backbone's parameters become constants (no gradient, no update). The image
   * head, the text path, ESA and the classifier stay trainable. No-op when already frozen.
   */
  public void freezeImageBackbone() {
    List<SDVariable> vars = backboneParameters(VariableType.VARIABLE);
    Map<String, GradientUpdater> updaters = sd.getUpdaterMap();
    if (updaters != null) {
      for (SDVariable v : vars) {
        GradientUpdater u = updaters.get(v.name());
        Map<String, INDArray> state = u == null ? null : u.getState();
        if (state != null && !state.isEmpty()) {
          Map<String, INDArray> copy = new LinkedHashMap<>();
          state.forEach((k, a) -> copy.put(k, a.dup()));
          frozenUpdaterState.put(v.name(), copy);
        }
      }
    }
    sd.convertToConstants(vars);
  }

  /**
   * Stage II: the image backbone's parameters become trainable again, with the optimiser state they
   * had when frozen (when it is still in memory). No-op when not frozen.
   */
  public void unfreezeImageBackbone() {
    List<SDVariable> vars = backboneParameters(VariableType.CONSTANT);
    sd.convertToVariables(vars);
    Map<String, GradientUpdater> updaters = sd.getUpdaterMap();
    if (updaters != null) {
      for (SDVariable v : vars) {
        Map<String, INDArray> saved = frozenUpdaterState.get(v.name());
        GradientUpdater u = updaters.get(v.name());
        Map<String, INDArray> state = u == null ? null : u.getState();
        if (saved != null && state != null) {
          saved.forEach(
              (k, a) -> {
                INDArray target = state.get(k);
                if (target != null && Arrays.equals(target.shape(), a.shape())) {
                  target.assign(a);
                }
              });
        }
      }
    }
    frozenUpdaterState.clear();
  }

  /**
   * Whether the image backbone is frozen.
   *
   * @return true after {@link #freezeImageBackbone()} (or when loaded frozen)
   */
  public boolean isImageBackboneFrozen() {
    return backboneParameters(VariableType.VARIABLE).isEmpty();
  }

  // ---------------------------------------------------------------- attachments

  /**
   * Stores an attachment (replacing one of the same name).
   *
   * @param name file-like name, e.g. {@code vocabulary.json} ({@code [A-Za-z0-9][A-Za-z0-9._-]*})
   * @param content the bytes (copied)
   */
  public void putAttachment(String name, byte[] content) {
    if (name == null || !ATTACHMENT_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "attachment name '" + name + "' must match [A-Za-z0-9][A-Za-z0-9._-]*");
    }
    attachments.put(name, content.clone());
  }

  /**
   * Stores a text attachment as UTF-8.
   *
   * @param name the name
   * @param text the content
   */
  public void putAttachment(String name, String text) {
    putAttachment(name, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * An attachment's bytes.
   *
   * @param name the name
   * @return a copy of the content, or empty
   */
  public Optional<byte[]> attachment(String name) {
    byte[] b = attachments.get(name);
    return b == null ? Optional.empty() : Optional.of(b.clone());
  }

  /**
   * An attachment as UTF-8 text.
   *
   * @param name the name
   * @return the text, or empty
   */
  public Optional<String> attachmentText(String name) {
    byte[] b = attachments.get(name);
    return b == null ? Optional.empty() : Optional.of(new String(b, StandardCharsets.UTF_8));
  }

  /**
   * Removes an attachment.
   *
   * @param name the name
   * @return whether it existed
   */
  public boolean removeAttachment(String name) {
    return attachments.remove(name) != null;
  }

  /**
   * The attachment names in insertion order.
   *
   * @return unmodifiable set
   */
  public Set<String> attachmentNames() {
    return Collections.unmodifiableSet(attachments.keySet());
  }

  // ---------------------------------------------------------------- closing

  /**
   * Frees the native memory of the graph's parameters, constants and optimiser state now. The model
   * cannot be used afterwards. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    org.tbps4j.model.exec.FastExecution.forget(sd);
    java.util.Set<INDArray> seen =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (SDVariable v : sd.variables()) {
      VariableType t = v.getVariableType();
      if (t == VariableType.VARIABLE || t == VariableType.CONSTANT) {
        release(sd.getArrForVarName(v.name()), seen);
      }
    }
    Map<String, GradientUpdater> updaters = sd.getUpdaterMap();
    if (updaters != null) {
      for (GradientUpdater u : updaters.values()) {
        Map<String, INDArray> state = u == null ? null : u.getState();
        if (state != null) {
          state.values().forEach(a -> release(a, seen));
        }
      }
    }
    frozenUpdaterState.values().forEach(m -> m.values().forEach(a -> release(a, seen)));
  }

  private static void release(INDArray a, java.util.Set<INDArray> seen) {
    if (a != null && seen.add(a) && !a.wasClosed() && a.closeable()) {
      a.close();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this model was closed");
    }
  }

  // ---------------------------------------------------------------- save / load

  /**
   * Saves the model to one zip file, atomically (temporary file + rename).
   *
   * @param file target file (parent directories are created)
   * @param withUpdaterState keep the optimiser state (for resuming training); false for a release
   * @throws IOException on write errors
   */
  public void save(Path file, boolean withUpdaterState) throws IOException {
    checkOpen();
    // SameDiff writes the graph to a file: stage it beside the target (the run directory), not in
    // java.io.tmpdir, so a kill leaves it where the next run cleans up and a small /tmp cannot
    // fail a checkpoint
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path graphTmp = AtomicFiles.createTemporary(dir, file.getFileName() + ".graph");
    try {
      sd.save(graphTmp.toFile(), withUpdaterState);
      ObjectNode manifest = JSON.createObjectNode();
      manifest.put("format", FORMAT);
      manifest.put("formatVersion", FORMAT_VERSION);
      manifest.put("dataType", dataType.name());
      manifest.put("updaterState", withUpdaterState);
      manifest.put("imageBackboneFrozen", isImageBackboneFrozen());
      manifest.putPOJO("attachments", new ArrayList<>(attachments.keySet()));
      ManifestZip.write(
          file,
          MANIFEST,
          manifest,
          zip -> {
            zip.put(CONFIG, config.toJson().getBytes(StandardCharsets.UTF_8));
            zip.put(GRAPH, graphTmp);
            for (Map.Entry<String, byte[]> e : attachments.entrySet()) {
              zip.put(ATTACHMENTS + e.getKey(), e.getValue());
            }
          });
    } finally {
      Files.deleteIfExists(graphTmp);
    }
  }

  /**
   * Loads a saved model with its updater state (if it was saved).
   *
   * @param file the saved file
   * @return the model
   * @throws IOException on read errors
   * @throws NoSuchFileException if the file does not exist
   * @throws IllegalArgumentException if the file is not a TBPS4J model (message names the file and
   *     the missing or wrong entry)
   */
  public static TbpsModel load(Path file) throws IOException {
    return load(file, true);
  }

  /**
   * Loads a saved model.
   *
   * @param file the saved file
   * @param loadUpdaterState whether to restore the optimiser state (when present)
   * @return the model
   * @throws IOException on read errors
   */
  public static TbpsModel load(Path file, boolean loadUpdaterState) throws IOException {
    if (!Files.exists(file)) {
      throw new NoSuchFileException(file.toString(), null, "model file not found");
    }
    return ManifestZip.read(
        file, MANIFEST, "TBPS4J model file", zip -> read(zip, loadUpdaterState));
  }

  private static TbpsModel read(ManifestZip.Opened zip, boolean loadUpdaterState)
      throws IOException {
    Path file = zip.file();
    JsonNode manifest = zip.manifest();
    if (!FORMAT.equals(manifest.path("format").asText())) {
      throw new IllegalArgumentException(
          file
              + ": "
              + MANIFEST
              + " has format '"
              + manifest.path("format").asText()
              + "', expected '"
              + FORMAT
              + "'");
    }
    int version = manifest.path("formatVersion").asInt(-1);
    if (version != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          file
              + ": model format version "
              + version
              + " is not supported (this code reads "
              + FORMAT_VERSION
              + ")");
    }
    ModelConfig config;
    try {
      config = ModelConfig.fromJson(new String(zip.entry(CONFIG), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + CONFIG + ": " + e.getMessage(), e);
    }
    DataType type = DataType.valueOf(manifest.path("dataType").asText("FLOAT"));
    // a loaded batchnorm op must be the trainable class, also in a JVM that has not built a
    // graph yet (resuming from a checkpoint); see docs/samediff-m2.1.md, note 1
    org.tbps4j.model.layers.FusedBatchNorm.install();
    org.tbps4j.model.layers.TrainableGather.install();
    // what SameDiff.load(File) does, from memory: no temporary file anywhere
    SameDiff sd =
        SameDiff.fromFlatBuffers(java.nio.ByteBuffer.wrap(zip.entry(GRAPH)), loadUpdaterState);
    for (String required :
        List.of(
            GraphNames.IMAGE_EMBEDDING,
            GraphNames.TEXT_EMBEDDING,
            GraphNames.IMAGE_EMBEDDING_INFERENCE,
            GraphNames.TEXT_EMBEDDING_INFERENCE)) {
      if (!sd.hasVariable(required)) {
        throw new IllegalArgumentException(
            file + ": " + GRAPH + " has no variable '" + required + "'");
      }
    }
    TbpsModel model = new TbpsModel(sd, config, type);
    for (JsonNode n : manifest.path("attachments")) {
      String name = n.asText();
      model.putAttachment(name, zip.entry(ATTACHMENTS + name));
    }
    return model;
  }
}
