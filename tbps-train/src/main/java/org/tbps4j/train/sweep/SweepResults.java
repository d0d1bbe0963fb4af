package org.tbps4j.train.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.tbps4j.model.AtomicFiles;

/**
 * The results table of a sweep: one row per candidate, kept in {@code results.json} and {@code
 * results.csv} in the sweep folder. Both files are rewritten atomically whenever a row changes, so
 * a sweep killed at any point leaves complete files holding every candidate it finished (and, as
 * {@code running}, the one it was training). {@code results.json} is what {@code --resume} reads.
 *
 * <p>Thread-safe: candidates trained in parallel record their rows concurrently.
 */
public final class SweepResults {
  /** File names in the sweep folder. */
  public static final String JSON_FILE = "results.json", CSV_FILE = "results.csv";

  /** Row states. */
  public static final String COMPLETE = "complete", FAILED = "failed", RUNNING = "running";

  /** What the score is, written into the files. */
  public static final String SCORE_MEANING =
      "best validation R@1 of the candidate's run, percent (the test split is never evaluated)";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * One candidate.
   *
   * @param index candidate number, from 0 (the generator's order)
   * @param status {@link #COMPLETE}, {@link #FAILED} or {@link #RUNNING}
   * @param parameters searched path → value
   * @param score best validation R@1 (percent), or null unless complete
   * @param seconds wall time of the candidate (training and validation)
   * @param runDir the candidate's run directory, relative to the sweep folder
   * @param error what went wrong (failed rows), else null
   */
  public record Row(
      int index,
      String status,
      Map<String, Double> parameters,
      Double score,
      double seconds,
      String runDir,
      String error) {
    /** Copies the parameters (order kept). */
    public Row {
      parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /**
     * The row's candidate.
     *
     * @return the searched values
     */
    public SweepPoint point() {
      return SweepPoint.of(parameters);
    }

    /**
     * Whether the candidate finished training and has a score.
     *
     * @return true for complete rows
     */
    public boolean complete() {
      return COMPLETE.equals(status) && score != null;
    }
  }

  private final Path dir;
  private final String name;
  private final List<String> paths;
  private final TreeMap<Integer, Row> rows = new TreeMap<>();

  /**
   * An empty table.
   *
   * @param dir the sweep folder
   * @param name the sweep name
   * @param paths the searched paths (CSV columns)
   */
  public SweepResults(Path dir, String name, List<String> paths) {
    this.dir = dir;
    this.name = name;
    this.paths = List.copyOf(paths);
  }

  /**
   * Reads the table of an earlier run of the sweep, or an empty one when there is none.
   *
   * @param dir the sweep folder
   * @param name the sweep name
   * @param paths the searched paths; every row must hold exactly these
   * @return the table
   * @throws IllegalArgumentException when the file is malformed or holds other paths
   * @throws IOException on read failures
   */
  public static SweepResults load(Path dir, String name, List<String> paths) throws IOException {
    SweepResults r = new SweepResults(dir, name, paths);
    Path f = dir.resolve(JSON_FILE);
    if (!Files.isRegularFile(f)) {
      return r;
    }
    JsonNode root;
    try {
      root = JSON.readTree(f.toFile());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(f + ": malformed JSON: " + e.getOriginalMessage(), e);
    }
    JsonNode cands = root == null ? null : root.get("candidates");
    if (cands == null || !cands.isArray()) {
      throw new IllegalArgumentException(f + ": no 'candidates' array");
    }
    for (JsonNode c : cands) {
      int index = c.path("index").asInt(-1);
      String where = f + ": candidate " + index + ": ";
      if (index < 0) {
        throw new IllegalArgumentException(f + ": a candidate has no valid 'index'");
      }
      Map<String, Double> params = new LinkedHashMap<>();
      JsonNode p = c.get("parameters");
      if (p == null || !p.isObject()) {
        throw new IllegalArgumentException(where + "no 'parameters' object");
      }
      for (Map.Entry<String, JsonNode> e : p.properties()) {
        if (!e.getValue().isNumber()) {
          throw new IllegalArgumentException(
              where + "parameter " + e.getKey() + " is not a number");
        }
        params.put(e.getKey(), e.getValue().doubleValue());
      }
      if (!new ArrayList<>(params.keySet()).equals(paths)) {
        throw new IllegalArgumentException(
            where
                + "its parameters "
                + params.keySet()
                + " are not the sweep's searched paths "
                + paths
                + ": the sweep changed since these results were written; use another output"
                + " folder");
      }
      JsonNode score = c.get("score");
      r.rows.put(
          index,
          new Row(
              index,
              c.path("status").asText(RUNNING),
              params,
              score == null || !score.isNumber() ? null : score.doubleValue(),
              c.path("seconds").asDouble(0),
              c.path("run_dir").asText(null),
              c.hasNonNull("error") ? c.get("error").asText() : null));
    }
    return r;
  }

  /**
   * Adds or replaces a row and rewrites both files.
   *
   * @param row the row
   * @throws IOException on write failures
   */
  public synchronized void put(Row row) throws IOException {
    rows.put(row.index(), row);
    write();
  }

  /**
   * Every row, by index.
   *
   * @return a snapshot
   */
  public synchronized List<Row> rows() {
    return List.copyOf(rows.values());
  }

  /**
   * The row of a candidate.
   *
   * @param index candidate number
   * @return the row, if any
   */
  public synchronized Optional<Row> row(int index) {
    return Optional.ofNullable(rows.get(index));
  }

  /**
   * The complete candidates' values by index (what {@code --resume} skips).
   *
   * @return index → candidate
   */
  public synchronized Map<Integer, SweepPoint> completed() {
    Map<Integer, SweepPoint> m = new TreeMap<>();
    for (Row r : rows.values()) {
      if (r.complete()) {
        m.put(r.index(), r.point());
      }
    }
    return m;
  }

  /**
   * The complete candidate with the highest score (the lowest index among equals).
   *
   * @return the best row, if any candidate completed
   */
  public synchronized Optional<Row> best() {
    return best(rows.values());
  }

  static Optional<Row> best(Iterable<Row> rows) {
    Row best = null;
    for (Row r : rows) {
      if (r.complete() && (best == null || r.score() > best.score())) {
        best = r;
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * Rewrites {@code results.json} and {@code results.csv} atomically.
   *
   * @throws IOException on write failures
   */
  public synchronized void write() throws IOException {
    Files.createDirectories(dir);
    AtomicFiles.writeString(dir.resolve(JSON_FILE), json());
    AtomicFiles.writeString(dir.resolve(CSV_FILE), csv());
  }

  /**
   * The table as JSON: {@code {"sweep", "score", "parameters", "best_index", "candidates": [{index,
   * status, score, seconds, parameters: {path: value}, run_dir, error}]}}.
   *
   * @return JSON text
   */
  public synchronized String json() {
    ObjectNode root = JSON.createObjectNode();
    root.put("sweep", name);
    root.put("score", SCORE_MEANING);
    ArrayNode ps = root.putArray("parameters");
    paths.forEach(ps::add);
    Optional<Row> best = best();
    if (best.isPresent()) {
      root.put("best_index", best.get().index());
    } else {
      root.putNull("best_index");
    }
    ArrayNode cands = root.putArray("candidates");
    for (Row r : rows.values()) {
      ObjectNode c = cands.addObject();
      c.put("index", r.index());
      c.put("status", r.status());
      if (r.score() == null) {
        c.putNull("score");
      } else {
        c.put("score", r.score());
      }
      c.put("seconds", Math.round(r.seconds() * 1000) / 1000.0);
      ObjectNode p = c.putObject("parameters");
      r.parameters().forEach(p::put);
      c.put("run_dir", r.runDir());
      if (r.error() == null) {
        c.putNull("error");
      } else {
        c.put("error", r.error());
      }
    }
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The table as CSV: {@code index,status,score,seconds,<one column per path>,run_dir,error}.
   *
   * @return CSV text (RFC 4180 quoting)
   */
  public synchronized String csv() {
    StringBuilder b = new StringBuilder();
    List<String> header = new ArrayList<>(List.of("index", "status", "score", "seconds"));
    header.addAll(paths);
    header.add("run_dir");
    header.add("error");
    line(b, header);
    for (Row r : rows.values()) {
      List<String> cells = new ArrayList<>();
      cells.add(Integer.toString(r.index()));
      cells.add(r.status());
      cells.add(r.score() == null ? "" : Double.toString(r.score()));
      cells.add(Double.toString(Math.round(r.seconds() * 1000) / 1000.0));
      for (String p : paths) {
        Double v = r.parameters().get(p);
        cells.add(v == null ? "" : SweepPoint.format(v));
      }
      cells.add(r.runDir() == null ? "" : r.runDir());
      cells.add(r.error() == null ? "" : r.error());
      line(b, cells);
    }
    return b.toString();
  }

  private static void line(StringBuilder b, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      String c = cells.get(i);
      if (c.contains(",") || c.contains("\"") || c.contains("\n") || c.contains("\r")) {
        b.append('"').append(c.replace("\"", "\"\"")).append('"');
      } else {
        b.append(c);
      }
    }
    b.append('\n');
  }

  /**
   * Rows ordered best first (complete by descending score, then the rest by index).
   *
   * @param rows the rows
   * @return a sorted copy
   */
  public static List<Row> ranked(List<Row> rows) {
    List<Row> out = new ArrayList<>(rows);
    out.sort(
        Comparator.comparing((Row r) -> !r.complete())
            .thenComparing(r -> r.complete() ? -r.score() : 0.0)
            .thenComparingInt(Row::index));
    return out;
  }
}
