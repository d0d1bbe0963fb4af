package org.tbps4j.train.listeners;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tbps4j.model.AtomicFiles;

/**
 * The run's {@code metrics.json}: loss terms and learning rate every {@code every} steps, every
 * validation, and the final test metrics. Rewritten atomically at epoch ends and after validations;
 * reloaded on resume so curves continue.
 */
public final class MetricsHistory implements TrainingListener {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path file;
  private final int every;
  private final List<Map<String, Object>> iterations = new ArrayList<>();
  private final List<Map<String, Object>> validations = new ArrayList<>();
  private Map<String, Object> test;

  /**
   * Opens the history of a run, loading what an earlier (interrupted) process wrote.
   *
   * @param file {@code RUN_DIR/metrics.json}
   * @param every record loss terms every this many steps
   * @param resumeIteration drop entries at or after this step (they will be redone), or -1 to keep
   *     all
   */
  @SuppressWarnings("unchecked")
  public MetricsHistory(Path file, int every, long resumeIteration) {
    this.file = file;
    this.every = Math.max(1, every);
    if (Files.isRegularFile(file)) {
      try {
        Map<String, Object> m = JSON.readValue(file.toFile(), Map.class);
        for (Map<String, Object> e :
            (List<Map<String, Object>>) m.getOrDefault("iterations", List.of())) {
          if (resumeIteration < 0 || ((Number) e.get("iteration")).longValue() < resumeIteration) {
            iterations.add(e);
          }
        }
        for (Map<String, Object> e :
            (List<Map<String, Object>>) m.getOrDefault("validation", List.of())) {
          if (resumeIteration < 0 || ((Number) e.get("iteration")).longValue() <= resumeIteration) {
            validations.add(e);
          }
        }
      } catch (IOException e) {
        throw new IllegalArgumentException(
            file + ": unreadable metrics history: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public void iterationDone(IterationReport r) {
    if (r.iteration() % every == 0) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("iteration", r.iteration());
      e.put("epoch", r.epoch());
      e.put("stage", r.stageName());
      e.put("lr", r.learningRate());
      e.put("seconds", r.seconds());
      e.putAll(r.terms());
      iterations.add(e);
    }
  }

  @Override
  public void epochDone(int epoch, long iteration) {
    write();
  }

  @Override
  public void validationDone(int epoch, long iteration, Map<String, Double> metrics, boolean best) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("epoch", epoch);
    e.put("iteration", iteration);
    e.putAll(metrics);
    e.put("best", best);
    validations.add(e);
    write();
  }

  /**
   * Records the final test metrics and writes the file.
   *
   * @param metrics metric name to value (percent)
   */
  public void testDone(Map<String, Object> metrics) {
    test = new LinkedHashMap<>(metrics);
    write();
  }

  /**
   * The recorded validations (for reports).
   *
   * @return validation entries in order
   */
  public List<Map<String, Object>> validations() {
    return List.copyOf(validations);
  }

  /** Writes {@code metrics.json} atomically. */
  public void write() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("iterations", iterations);
    m.put("validation", validations);
    if (test != null) {
      m.put("test", test);
    }
    try {
      AtomicFiles.writeString(file, JSON.writeValueAsString(m));
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }
}
