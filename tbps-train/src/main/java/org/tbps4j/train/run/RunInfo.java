package org.tbps4j.train.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.factory.Nd4j;
import org.tbps4j.data.Split;
import org.tbps4j.data.sample.Seeds;
import org.tbps4j.model.AtomicFiles;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.train.TrainingData;
import org.tbps4j.train.config.ConfigLoader;
import org.tbps4j.train.config.TrainConfig;

/**
 * Provenance of a run ({@code run.json}, also stored inside every saved model): the resolved
 * config, the seeds, versions, backend, data type, Java/OS, the dataset's annotation hash and split
 * sizes, the model configuration, the git commit when known, and start/end times.
 */
public final class RunInfo {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunInfo.class);

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private final Map<String, Object> fields;

  private RunInfo(Map<String, Object> fields) {
    this.fields = fields;
  }

  /**
   * Collects the provenance of a run at its start.
   *
   * @param config the resolved config
   * @param data the loaded data
   * @param model the network configuration
   * @param runDir the run directory
   * @return the provenance
   * @throws IOException if the annotation file cannot be hashed
   */
  public static RunInfo create(
      TrainConfig config, TrainingData data, ModelConfig model, Path runDir) throws IOException {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("name", config.name());
    f.put("run_dir", runDir.toAbsolutePath().toString());
    f.put("started", Instant.now().toString());
    Map<String, Object> seeds = new LinkedHashMap<>();
    seeds.put("master", config.seed());
    for (String c : new String[] {"sampler", "init", "step", "shift", "calibration"}) {
      seeds.put(c, Seeds.derive(config.seed(), c));
    }
    f.put("seeds", seeds);
    f.put("config", ConfigLoader.mapper().convertValue(config, Map.class));
    f.put("model", JSON.readValue(model.toJson(), Map.class));
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("format", data.dataset().format().toString());
    d.put("root", data.dataset().root().toAbsolutePath().toString());
    d.put("annotations", data.dataset().annotationFile().toString());
    d.put("annotations_sha256", data.dataset().annotationSha256());
    Map<String, Object> splits = new LinkedHashMap<>();
    for (Split s : Split.values()) {
      var st = data.stats(s);
      splits.put(
          s.jsonName(), Map.of("ids", st.ids(), "images", st.images(), "captions", st.captions()));
    }
    d.put("splits", splits);
    d.put("vocabulary_size", data.vocabulary().size());
    d.put("classes", data.classes().size());
    d.put("skipped", data.dataset().skipped());
    f.put("data", d);
    f.put("environment", environment());
    String commit = gitCommit();
    if (commit != null) {
      f.put("git_commit", commit);
    }
    return new RunInfo(f);
  }

  /**
   * Versions, backend and machine.
   *
   * @return a map for JSON
   */
  public static Map<String, Object> environment() {
    Map<String, Object> e = new LinkedHashMap<>();
    Package p = RunInfo.class.getPackage();
    e.put(
        "tbps4j",
        p.getImplementationVersion() == null ? "development" : p.getImplementationVersion());
    Package nd4j = Nd4j.class.getPackage();
    e.put(
        "nd4j",
        nd4j.getImplementationVersion() == null ? "1.0.0-M2.1" : nd4j.getImplementationVersion());
    e.put("backend", Nd4j.getBackend().getClass().getSimpleName());
    e.put("data_type", Nd4j.dataType().toString());
    e.put(
        "java",
        System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
    e.put(
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    e.put("cores", Runtime.getRuntime().availableProcessors());
    String omp = System.getenv("OMP_NUM_THREADS");
    e.put("omp_num_threads", omp == null ? "unset (ND4J uses one thread per core)" : omp);
    e.put("max_heap_mib", Runtime.getRuntime().maxMemory() >> 20);
    try {
      Object blas = Nd4j.factory().blas().getBlasVendor();
      e.put("blas", String.valueOf(blas));
    } catch (RuntimeException ex) {
      e.put("blas", "unknown");
    }
    return e;
  }

  private static String gitCommit() {
    try {
      Process pr = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
      if (!pr.waitFor(3, TimeUnit.SECONDS)) {
        pr.destroyForcibly();
        return null;
      }
      String out = new String(pr.getInputStream().readAllBytes()).trim();
      return pr.exitValue() == 0 && out.matches("[0-9a-f]{40}") ? out : null;
    } catch (IOException | InterruptedException | RuntimeException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return null;
    }
  }

  /**
   * Records the images that could not be decoded during training (skipped, see {@code
   * PkTrainingIterator}) under {@code data.decode_failures}: their count and the first 100 paths.
   *
   * @param files the distinct image paths, sorted
   */
  @SuppressWarnings("unchecked")
  public void decodeFailures(java.util.List<String> files) {
    Object d = fields.get("data");
    if (d instanceof Map<?, ?> m) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("count", files.size());
      f.put("files", files.subList(0, Math.min(100, files.size())));
      ((Map<String, Object>) m).put("decode_failures", f);
    }
  }

  /**
   * Adds or replaces a top-level field (e.g. {@code resumed_from}).
   *
   * @param key the field
   * @param value a JSON-serialisable value
   */
  public void put(String key, Object value) {
    fields.put(key, value);
  }

  /** Records the end time. */
  public void finished() {
    fields.put("finished", Instant.now().toString());
  }

  /**
   * The provenance as JSON.
   *
   * @return pretty-printed JSON
   */
  public String json() {
    try {
      return JSON.writeValueAsString(fields);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Writes the provenance atomically.
   *
   * @param file the target ({@code RUN_DIR/run.json})
   */
  public void write(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      AtomicFiles.writeString(file, json());
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The fields (read-only view).
   *
   * @return the map
   */
  public Map<String, Object> fields() {
    return java.util.Collections.unmodifiableMap(fields);
  }

  /**
   * The images an earlier process of a run recorded as undecodable (resume), or none when the file
   * is missing or unreadable.
   *
   * @param runJson a run's {@code run.json}
   * @return the recorded files, in order
   */
  public static List<String> decodeFailuresIn(Path runJson) {
    if (!Files.isRegularFile(runJson)) {
      return List.of();
    }
    try {
      com.fasterxml.jackson.databind.JsonNode files =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(runJson.toFile())
              .path("data")
              .path("decode_failures")
              .path("files");
      List<String> out = new ArrayList<>();
      files.forEach(f -> out.add(f.asText()));
      return out;
    } catch (IOException e) {
      LOG.debug("cannot read {}: {}", runJson, e.toString());
      return List.of();
    }
  }
}
