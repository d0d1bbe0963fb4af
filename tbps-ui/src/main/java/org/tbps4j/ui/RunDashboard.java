package org.tbps4j.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;

/**
 * The dashboard files of a run directory and the listener that writes them: {@value #STATS_FILE} (a
 * DL4J {@code FileStatsStorage}: stats reports and loss-term records) and {@value #GRAPH_FILE} (the
 * SameDiff UI log). Each training process of a run (the first, and every resume) is one session in
 * the stats file: the run directory's name, then {@code -2}, {@code -3}, ….
 *
 * <p>Attach {@link #storage()} to a {@link DashboardServer} to watch the run live; add {@link
 * #listener()} to the trainer's listeners; {@link #close()} when training ends.
 */
public final class RunDashboard implements AutoCloseable {
  /** The stats file in a run directory. */
  public static final String STATS_FILE = "ui-stats.bin";

  /** The SameDiff UI log in a run directory. */
  public static final String GRAPH_FILE = "ui-graph.bin";

  private final Path runDir;
  private final FileStatsStorage storage;
  private final DashboardListener listener;

  private RunDashboard(Path runDir, FileStatsStorage storage, DashboardListener listener) {
    this.runDir = runDir;
    this.storage = storage;
    this.listener = listener;
  }

  /**
   * Opens (or creates) a run directory's dashboard files and starts a new session in them.
   *
   * @param runDir the run directory (created if missing)
   * @param options how much the listener collects
   * @return the dashboard of the run
   * @throws IOException when the directory cannot be created or the graph log cannot be read
   * @throws IllegalArgumentException when the stats file is in use by another process or is not a
   *     stats file
   */
  public static RunDashboard open(Path runDir, DashboardListener.Options options)
      throws IOException {
    Files.createDirectories(runDir);
    FileStatsStorage storage = openStorage(runDir.resolve(STATS_FILE));
    try {
      String session = newSessionId(storage, runDir);
      DashboardListener l =
          new DashboardListener(storage, session, runDir.resolve(GRAPH_FILE), options);
      return new RunDashboard(runDir, storage, l);
    } catch (IOException | RuntimeException e) {
      storage.close();
      throw e;
    }
  }

  /**
   * Opens a stats file for writing.
   *
   * @param file the file
   * @return the storage
   * @throws IllegalArgumentException when another process holds the file or it is not a stats file
   */
  static FileStatsStorage openStorage(Path file) {
    try {
      return new FileStatsStorage(file.toFile());
    } catch (org.mapdb.DBException.FileLocked e) {
      throw new IllegalArgumentException(
          file + " is in use by another training process of this run; stop it first", e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          file + " is not a DL4J stats file (" + e.getMessage() + "); move it away", e);
    }
  }

  /** The run directory's name, made safe for URLs, then -2, -3, … if already used in the file. */
  static String newSessionId(FileStatsStorage storage, Path runDir) {
    Path name = runDir.toAbsolutePath().normalize().getFileName();
    String base = name == null ? "run" : name.toString().replaceAll("[^A-Za-z0-9._-]", "_");
    if (base.isEmpty()) {
      base = "run";
    }
    String id = base;
    for (int i = 2; storage.sessionExists(id); i++) {
      id = base + "-" + i;
    }
    return id;
  }

  /**
   * The run directory.
   *
   * @return path
   */
  public Path runDir() {
    return runDir;
  }

  /**
   * The stats storage (attach it to a {@link DashboardServer} for a live view).
   *
   * @return the run's {@code FileStatsStorage}
   */
  public FileStatsStorage storage() {
    return storage;
  }

  /**
   * The trainer listener that writes this run's dashboard files.
   *
   * @return the listener
   */
  public DashboardListener listener() {
    return listener;
  }

  /** Writes pending records and closes the files. */
  @Override
  public void close() {
    try {
      listener.close();
    } finally {
      storage.close();
    }
  }
}
