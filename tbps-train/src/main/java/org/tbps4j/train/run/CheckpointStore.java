package org.tbps4j.train.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.tbps4j.model.AtomicFiles;

/**
 * Checkpoints of one run in {@code RUN_DIR/checkpoints/}: {@code ckpt-<iteration>.zip} (the model
 * with updater state) next to {@code ckpt-<iteration>.json} (the {@link TrainState} to resume
 * from), plus {@code best.zip}/{@code best.json} for the best validation score.
 *
 * <p>Every file is written atomically (temp + rename) and the state file is written after its model
 * file, so a state file always points at a complete model: a run killed at any moment resumes from
 * the newest checkpoint whose state file exists. Only the newest {@code keepLast} checkpoints are
 * kept; the best one is kept separately.
 */
public final class CheckpointStore {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(CheckpointStore.class);

  private static final Pattern NAME = Pattern.compile("ckpt-(\\d+)\\.json");
  private static final Pattern ZIP = Pattern.compile("ckpt-(\\d+)\\.zip");
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path dir;
  private final int keepLast;

  /**
   * Opens (creating if needed) the checkpoint folder of a run.
   *
   * @param runDir the run directory
   * @param keepLast how many recent checkpoints to keep, at least 1
   */
  public CheckpointStore(Path runDir, int keepLast) {
    if (keepLast < 1) {
      throw new IllegalArgumentException("keepLast must be >= 1, got " + keepLast);
    }
    this.dir = runDir.resolve("checkpoints");
    this.keepLast = keepLast;
  }

  /**
   * The checkpoint folder.
   *
   * @return {@code RUN_DIR/checkpoints}
   */
  public Path dir() {
    return dir;
  }

  /**
   * Writes a checkpoint and prunes old ones.
   *
   * @param state where training stands (its iteration names the files)
   * @param model writes the model artefact to the path it is given
   * @return the model file written
   * @throws IOException on failure; earlier checkpoints are untouched
   */
  public Path save(TrainState state, AtomicFiles.FileWriter model) throws IOException {
    Files.createDirectories(dir);
    Path zip = dir.resolve("ckpt-" + state.iteration() + ".zip");
    AtomicFiles.writeFile(zip, model);
    AtomicFiles.writeString(
        dir.resolve("ckpt-" + state.iteration() + ".json"), JSON.writeValueAsString(state));
    prune();
    return zip;
  }

  /**
   * Stores the best model so far (copied from a checkpoint or written fresh).
   *
   * @param state the state at which the best score was reached
   * @param model writes the model artefact
   * @throws IOException on failure
   */
  public void saveBest(TrainState state, AtomicFiles.FileWriter model) throws IOException {
    Files.createDirectories(dir);
    AtomicFiles.writeFile(dir.resolve("best.zip"), model);
    AtomicFiles.writeString(dir.resolve("best.json"), JSON.writeValueAsString(state));
  }

  /**
   * The best model file, if any.
   *
   * @return {@code best.zip} when it exists
   */
  public Optional<Path> best() {
    Path p = dir.resolve("best.zip");
    return Files.isRegularFile(p) && Files.isRegularFile(dir.resolve("best.json"))
        ? Optional.of(p)
        : Optional.empty();
  }

  /**
   * The newest complete checkpoint.
   *
   * @return its state and model file, or empty when there is none
   * @throws IOException if the folder cannot be read or a state file is corrupt
   */
  public Optional<Checkpoint> latest() throws IOException {
    List<Long> its = iterations();
    for (int i = its.size() - 1; i >= 0; i--) {
      long it = its.get(i);
      Path zip = dir.resolve("ckpt-" + it + ".zip");
      if (Files.isRegularFile(zip)) {
        Path json = dir.resolve("ckpt-" + it + ".json");
        TrainState s;
        try {
          s = JSON.readValue(json.toFile(), TrainState.class);
        } catch (IOException e) {
          throw new IllegalArgumentException(
              json + ": corrupt checkpoint state: " + e.getMessage(), e);
        }
        return Optional.of(new Checkpoint(s, zip));
      }
    }
    return Optional.empty();
  }

  /**
   * The newest checkpoint whose state file parses and whose model file is a complete zip (every
   * entry read back against its CRC). Damaged newer checkpoints are set aside (renamed to {@code
   * *.damaged}) so that they are neither resumed from nor counted by {@code keep_last}.
   *
   * @param onDamaged told about each checkpoint set aside (its model file and why)
   * @return the newest intact checkpoint, or empty when there is none
   * @throws IOException if the folder cannot be read or a damaged file cannot be renamed
   */
  public Optional<Checkpoint> latestIntact(java.util.function.BiConsumer<Path, String> onDamaged)
      throws IOException {
    List<Long> its = iterations();
    for (int i = its.size() - 1; i >= 0; i--) {
      long it = its.get(i);
      Path zip = dir.resolve("ckpt-" + it + ".zip");
      Path json = dir.resolve("ckpt-" + it + ".json");
      String why;
      TrainState s = null;
      try {
        s = JSON.readValue(json.toFile(), TrainState.class);
        why = Files.isRegularFile(zip) ? zipProblem(zip) : "its model file is missing";
      } catch (IOException e) {
        why = "its state file is corrupt (" + e.getMessage() + ")";
      }
      if (why == null) {
        return Optional.of(new Checkpoint(s, zip));
      }
      onDamaged.accept(zip, why);
      setAside(json);
      setAside(zip);
    }
    return Optional.empty();
  }

  private static void setAside(Path p) throws IOException {
    if (Files.exists(p)) {
      Files.move(
          p,
          p.resolveSibling(p.getFileName() + ".damaged"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Null when every entry of the zip reads back with its CRC, else what is wrong. */
  static String zipProblem(Path zip) {
    int entries = 0;
    try (java.util.zip.ZipInputStream in =
        new java.util.zip.ZipInputStream(
            new java.io.BufferedInputStream(Files.newInputStream(zip), 1 << 16))) {
      byte[] buf = new byte[1 << 16];
      for (java.util.zip.ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        while (in.read(buf) >= 0) {
          // reading to the end checks the entry's CRC and size
        }
        entries++;
      }
    } catch (IOException | RuntimeException e) {
      return "its model file is damaged (" + e.getMessage() + ")";
    }
    if (entries == 0) {
      return "its model file is not a zip";
    }
    try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile())) {
      return null; // the central directory is there too
    } catch (IOException e) {
      return "its model file is cut short (" + e.getMessage() + ")";
    }
  }

  /**
   * Iterations of the checkpoints present (state file written), ascending.
   *
   * @return iterations
   * @throws IOException if the folder cannot be listed
   */
  public List<Long> iterations() throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Long> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.forEach(
          p -> {
            Matcher m = NAME.matcher(p.getFileName().toString());
            if (m.matches()) {
              out.add(Long.parseLong(m.group(1)));
            }
          });
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  private void prune() throws IOException {
    List<Long> its = iterations();
    for (int i = 0; i < its.size() - keepLast; i++) {
      long it = its.get(i);
      // state first: a checkpoint without state is ignored by latest()
      Files.deleteIfExists(dir.resolve("ckpt-" + it + ".json"));
      Files.deleteIfExists(dir.resolve("ckpt-" + it + ".zip"));
    }
    // model files whose state was never written (a run killed in between)
    java.util.Set<Long> kept = new java.util.HashSet<>(iterations());
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        Matcher m = ZIP.matcher(p.getFileName().toString());
        if (m.matches() && !kept.contains(Long.parseLong(m.group(1)))) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /**
   * A checkpoint on disk.
   *
   * @param state where training stood
   * @param model the model file
   */
  public record Checkpoint(TrainState state, Path model) {}

  /**
   * Deletes the temporary files of writes a killed process left in the run directory and its
   * checkpoints ({@code .<name>NNN.tmp}, {@link org.tbps4j.model.AtomicFiles}). Safe: the run's
   * lock is held, so no other process is writing here.
   *
   * @param runDir the run directory
   * @throws IOException when a directory cannot be listed or a file deleted
   */
  public static void removeLeftoverTemporaries(Path runDir) throws IOException {
    int n = 0;
    for (Path d : List.of(runDir, runDir.resolve("checkpoints"))) {
      if (!Files.isDirectory(d)) {
        continue;
      }
      try (var s = Files.list(d)) {
        for (Path p : s.toList()) {
          String name = p.getFileName().toString();
          if (name.startsWith(".") && name.endsWith(".tmp") && Files.isRegularFile(p)) {
            Files.deleteIfExists(p);
            n++;
          }
        }
      }
    }
    if (n > 0) {
      LOG.info("removed {} temporary file(s) of an interrupted write in {}", n, runDir);
    }
  }
}
