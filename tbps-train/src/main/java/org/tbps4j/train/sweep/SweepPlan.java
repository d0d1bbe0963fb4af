package org.tbps4j.train.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tbps4j.train.ModelFactory;
import org.tbps4j.train.config.ConfigLoader;
import org.tbps4j.train.config.TrainConfig;

/**
 * A sweep ready to run: its {@link SweepConfig}, the resolved base training config (file or inline,
 * with the sweep's overrides applied), and the guarantee that every searched path exists in that
 * config, takes numbers, and accepts the dimension's bounds (checked once, here, before any
 * training starts).
 *
 * @param config the sweep config
 * @param base the base training config every candidate starts from
 * @param source the sweep file (for messages)
 */
public record SweepPlan(SweepConfig config, TrainConfig base, String source) {

  /**
   * Loads and checks a sweep file.
   *
   * @param file the sweep YAML/JSON
   * @return the plan
   * @throws IllegalArgumentException naming the file, line and path of any problem
   * @throws NoSuchFileException when the file does not exist
   * @throws IOException on read failures
   */
  public static SweepPlan load(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString());
    }
    Path dir = file.toAbsolutePath().getParent();
    return parse(ConfigLoader.readUtf8(file), file.toString(), dir);
  }

  /**
   * Parses and checks a sweep.
   *
   * @param text YAML or JSON
   * @param source the name used in messages (usually the file)
   * @param dir the folder a relative {@code base} path is resolved against
   * @return the plan
   * @throws IOException when the base config cannot be read
   */
  public static SweepPlan parse(String text, String source, Path dir) throws IOException {
    SweepConfig c = ConfigLoader.read(text, source, SweepConfig.class);
    TrainConfig base;
    if (c.base() != null) {
      Path file = dir.resolve(c.base());
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(
            where(source, text, "base")
                + "base: training config "
                + file
                + " not found (a relative path is read from the sweep file's folder)");
      }
      base = ConfigLoader.load(file, List.of()); // its own errors name the base file
    } else {
      base = c.baseConfig();
    }
    if (!c.overrides().isEmpty()) {
      try {
        base = ConfigLoader.override(base, c.overrides());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            where(source, text, "overrides") + "overrides: " + strip(e.getMessage()), e);
      }
    }
    SweepPlan plan = new SweepPlan(c, base, source);
    if (c.search().equals(SweepConfig.GRID) && plan.gridSize() > MAX_GRID) {
      throw new IllegalArgumentException(
          where(source, text, "grid_points")
              + "the grid has more than "
              + MAX_GRID
              + " points ("
              + c.space().size()
              + " settings, grid_points "
              + c.gridPoints()
              + "): lower grid_points or list fewer values");
    }
    plan.checkPaths(text);
    return plan;
  }

  /**
   * A copy with a different budget (command-line {@code --max-candidates}, {@code --max-minutes}).
   *
   * @param maxCandidates candidates, or null to keep
   * @param maxMinutes minutes, or null to keep
   * @return the copy
   */
  public SweepPlan withBudget(Integer maxCandidates, Double maxMinutes) {
    return new SweepPlan(config.withBudget(maxCandidates, maxMinutes), base, source);
  }

  /**
   * The training config of a candidate: the base with the candidate's values set.
   *
   * @param point the candidate
   * @return the validated config
   */
  public TrainConfig configFor(SweepPoint point) {
    return ConfigLoader.override(base, point.overrides());
  }

  /**
   * The number of grid points (grid search) — the product of each dimension's value count.
   *
   * @return the grid size
   */
  public long gridSize() {
    long n = 1;
    for (Dimension d : config.space()) {
      long points =
          switch (d.type()) {
            case Dimension.DISCRETE -> d.values().size();
            case Dimension.INTEGER -> Math.min(config.gridPoints(), (long) (d.max() - d.min()) + 1);
            default -> config.gridPoints();
          };
      n = points > MAX_GRID / n ? MAX_GRID + 1 : n * points; // saturates instead of overflowing
    }
    return Math.min(n, MAX_GRID + 1);
  }

  /** The most grid points a grid search may have. */
  public static final long MAX_GRID = 1_000_000;

  /**
   * How many candidates this sweep trains at most: {@code max_candidates}, capped by the grid size
   * for a grid; {@link Integer#MAX_VALUE} for a random search bounded only by time.
   *
   * @return the candidate budget
   */
  public int budget() {
    long cap = config.search().equals(SweepConfig.GRID) ? gridSize() : (long) Integer.MAX_VALUE;
    long max = config.maxCandidates() == null ? Integer.MAX_VALUE : config.maxCandidates();
    return (int) Math.min(cap, max);
  }

  /**
   * Checks each dimension once against the base config: every probe value must give a valid config
   * whose value at the path reads back as that number, and valid loss mixes.
   */
  private void checkPaths(String text) {
    List<Dimension> space = config.space();
    for (int i = 0; i < space.size(); i++) {
      Dimension d = space.get(i);
      String at = where(source, text, d.path()) + "space[" + i + "] '" + d.path() + "': ";
      JsonNode before;
      try {
        before = ConfigLoader.valueAt(base, d.path());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + strip(e.getMessage()), e);
      }
      if (before != null && !before.isNumber()) {
        throw new IllegalArgumentException(
            at
                + "the base config holds "
                + (before.isContainerNode() ? "a section" : "'" + before.asText() + "'")
                + " there, not a number: only numeric settings can be searched");
      }
      for (double v : d.probeValues()) {
        TrainConfig c;
        try {
          c = configFor(new SweepPoint(List.of(d.path()), List.of(v)));
          for (TrainConfig.Stage s : c.stages()) {
            ModelFactory.lossMix(c.lossOf(s));
          }
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              at + "value " + SweepPoint.format(v) + " is rejected: " + strip(e.getMessage()), e);
        }
        JsonNode after = ConfigLoader.valueAt(c, d.path());
        if (after == null || !after.isNumber() || after.doubleValue() != v) {
          throw new IllegalArgumentException(
              at
                  + "setting "
                  + SweepPoint.format(v)
                  + " reads back as "
                  + (after == null ? "nothing" : after.toString())
                  + ": "
                  + (after != null && after.isNumber()
                      ? "the setting takes whole numbers (use type integer or discrete)"
                      : "not a numeric config setting"));
        }
      }
    }
  }

  private static String strip(String message) {
    if (message == null) {
      return "";
    }
    String m = message.replaceFirst("^--set ", "");
    int i = m.indexOf("]: "); // ConfigLoader.override names its source "overrides [...]: "
    return m.startsWith("overrides [") && i > 0 ? m.substring(i + 3) : m;
  }

  /**
   * {@code source:line: } of a key or path in the sweep text: a YAML key {@code needle:} at the start
   * of a line or after {@code {}/{@code ,}, else {@code path: needle}, else {@code source: }.
   */
  static String where(String source, String text, String needle) {
    String q = Pattern.quote(needle);
    for (String regex :
        new String[] {
          "(?m)(^|[{,])[ \\t-]*[\"']?" + q + "[\"']?[ \\t]*:",
          "(?m)path[ \\t]*:[ \\t]*[\"']?" + q + "($|[^\\w.\\[\\]])"
        }) {
      Matcher m = Pattern.compile(regex).matcher(text);
      if (m.find()) {
        int line = 1;
        for (int i = 0; i < m.start(); i++) {
          if (text.charAt(i) == '\n') {
            line++;
          }
        }
        return source + ":" + line + ": ";
      }
    }
    return source + ": ";
  }
}
