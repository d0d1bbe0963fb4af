package org.tbps4j.ui;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.core.storage.StorageMetaData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the records of a run's stats file into another storage (the one a {@link DashboardServer}
 * shows), now and then again whenever the file changes — for a finished run and for one that is
 * still training in another process.
 *
 * <p>A {@code FileStatsStorage} is a MapDB file that its writer locks, so this never opens the
 * run's file: each poll copies it (with its write-ahead log files) to a temporary directory, opens
 * the copy, and forwards the storage metadata, static reports and updates it has not forwarded yet
 * (updates by timestamp, per session, type and worker). A copy taken in the middle of a write may
 * fail to open; the next poll tries again.
 *
 * <p>The copy is read with {@link StatsFileReader}, not DL4J's storage: a stats file from someone
 * else's run directory cannot make this process instantiate a class or deserialise an object of a
 * class outside the records tbps writes.
 */
public final class RunStatsFollower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunStatsFollower.class);

  private final Path statsFile;
  private final StatsStorageRouter target;
  private final Set<String> metaSent = new HashSet<>();
  private final Set<String> staticSent = new HashSet<>();
  private final Map<String, Long> lastUpdate = new HashMap<>();
  private String lastSignature = "";
  private ScheduledExecutorService timer;

  /**
   * A follower.
   *
   * @param statsFile the run's stats file
   * @param target where the records go
   */
  public RunStatsFollower(Path statsFile, StatsStorageRouter target) {
    this.statsFile = statsFile;
    this.target = target;
  }

  /**
   * The stats file named by a command-line argument: a run directory (its {@value
   * RunDashboard#STATS_FILE}) or the file itself.
   *
   * @param runDirOrFile the argument
   * @return the stats file
   * @throws NoSuchFileException when the path does not exist
   * @throws IllegalArgumentException when the run directory has no stats file
   */
  public static Path statsFileOf(Path runDirOrFile) throws NoSuchFileException {
    if (Files.isDirectory(runDirOrFile)) {
      Path f = runDirOrFile.resolve(RunDashboard.STATS_FILE);
      if (!Files.isRegularFile(f)) {
        throw new IllegalArgumentException(
            runDirOrFile
                + " has no "
                + RunDashboard.STATS_FILE
                + ": train with `tbps train --ui` or `--ui-stats` to record dashboard stats");
      }
      return f;
    }
    if (!Files.exists(runDirOrFile)) {
      throw new NoSuchFileException(runDirOrFile.toString(), null, "no such run directory");
    }
    return runDirOrFile;
  }

  /**
   * Forwards what is new in the stats file, if it changed since the last poll.
   *
   * @return the number of records forwarded
   * @throws IOException when the file cannot be copied
   * @throws IllegalArgumentException when the copy cannot be opened as a stats file
   */
  public synchronized int poll() throws IOException {
    List<Path> files = files();
    String signature = signature(files);
    if (signature.equals(lastSignature)) {
      return 0;
    }
    Path tmp = Files.createTempDirectory("tbps-ui-stats");
    try {
      for (Path f : files) {
        Files.copy(f, tmp.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
      }
      int n;
      try (StatsFileReader copy =
          new StatsFileReader(
              tmp.resolve(statsFile.getFileName().toString()), statsFile.toString())) {
        n = forward(copy);
      }
      lastSignature = signature;
      return n;
    } finally {
      deleteTree(tmp);
    }
  }

  private int forward(StatsFileReader from) {
    int n = 0;
    for (StorageMetaData meta : from.storageMetaData()) {
      if (metaSent.add(meta.getSessionID() + '\0' + meta.getTypeID())) {
        target.putStorageMetaData(meta);
        n++;
      }
    }
    for (Persistable init : from.staticInfo()) {
      if (staticSent.add(key(init))) {
        target.putStaticInfo(init);
        n++;
      }
    }
    for (List<Persistable> updates : from.updates()) {
      for (Persistable u : updates) {
        String key = key(u);
        if (u.getTimeStamp() > lastUpdate.getOrDefault(key, Long.MIN_VALUE)) {
          target.putUpdate(u);
          lastUpdate.put(key, u.getTimeStamp());
          n++;
        }
      }
    }
    return n;
  }

  private static String key(Persistable p) {
    return p.getSessionID() + '\0' + p.getTypeID() + '\0' + p.getWorkerID();
  }

  /** The stats file and MapDB's files beside it ({@code <name>.wal.N}). */
  private List<Path> files() throws IOException {
    if (!Files.isRegularFile(statsFile)) {
      throw new NoSuchFileException(statsFile.toString());
    }
    List<Path> out = new ArrayList<>();
    Path dir = statsFile.toAbsolutePath().getParent();
    String name = statsFile.getFileName().toString();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, name + "*")) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (Files.isRegularFile(p) && (n.equals(name) || n.startsWith(name + ".wal."))) {
          out.add(p);
        }
      }
    }
    out.sort(Comparator.comparing(Path::toString));
    return out;
  }

  private static String signature(List<Path> files) throws IOException {
    StringBuilder b = new StringBuilder();
    for (Path p : files) {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      b.append(p.getFileName())
          .append(':')
          .append(a.size())
          .append(':')
          .append(a.lastModifiedTime().toMillis())
          .append(';');
    }
    return b.toString();
  }

  /**
   * Polls every {@code interval} on a background thread; failures are logged and retried.
   *
   * @param interval time between polls
   */
  public synchronized void startPolling(Duration interval) {
    if (timer != null) {
      return;
    }
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tbps-ui-stats-follower");
              t.setDaemon(true);
              return t;
            });
    long ms = Math.max(100, interval.toMillis());
    timer.scheduleWithFixedDelay(this::pollQuietly, ms, ms, TimeUnit.MILLISECONDS);
  }

  private void pollQuietly() {
    try {
      int n = poll();
      if (n > 0) {
        LOG.debug("forwarded {} new records from {}", n, statsFile);
      }
    } catch (IOException | RuntimeException e) {
      // a copy taken during a write: the next poll sees the finished write
      LOG.debug("could not read {} this time: {}", statsFile, e.toString());
    }
  }

  /** Stops polling. */
  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
    }
  }

  private static void deleteTree(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException | UncheckedIOException e) {
      LOG.debug("could not delete {}: {}", dir, e.toString());
    }
  }
}
