package org.tbps4j.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.common.primitives.Pair;
import org.nd4j.graph.UIInfoType;
import org.nd4j.graph.UIStaticInfoRecord;
import org.nd4j.graph.ui.LogFileWriter;

/**
 * The SameDiff UI log of a run ({@code ui-graph.bin}): the graph structure once, then the loss
 * terms and the learning rate of every step as scalar events — the file format of nd4j's {@code
 * UIListener}, which DL4J's SameDiff page opens. It is written with the same {@link LogFileWriter}
 * rather than through a {@code UIListener} inside {@code fit}: that listener would record the loss
 * SameDiff reports during {@code fit}, which is 0 (docs/samediff-m2.1.md, note 5), and would add a
 * listener to every step.
 *
 * <p>Event names: {@code losses/<term>} (e.g. {@code losses/loss/cmpm}) and {@code learningRate}.
 * Not thread-safe: one writer thread.
 */
final class GraphLog {
  /** Prefix of loss event names (as nd4j's UIListener). */
  static final String LOSS_PREFIX = "losses/";

  /** Learning-rate event name (as nd4j's UIListener). */
  static final String LEARNING_RATE = "learningRate";

  private final Path file;
  private final LogFileWriter writer;
  private boolean hasGraph;

  private GraphLog(Path file, LogFileWriter writer, boolean hasGraph) {
    this.file = file;
    this.writer = writer;
    this.hasGraph = hasGraph;
  }

  /**
   * Opens a log, continuing an existing one (a resumed run).
   *
   * @param file the log file
   * @return the log
   * @throws IOException when an existing file cannot be read as a SameDiff UI log
   */
  static GraphLog open(Path file) throws IOException {
    if (Files.isRegularFile(file) && Files.size(file) == 0) {
      Files.delete(file); // left by a process killed before its first write
    }
    boolean existed = Files.isRegularFile(file);
    LogFileWriter w;
    try {
      w = new LogFileWriter(file.toFile());
    } catch (IOException | RuntimeException e) {
      throw new IOException(file + " is not a SameDiff UI log: " + e.getMessage(), e);
    }
    return new GraphLog(file, w, existed && hasGraphStructure(w));
  }

  private static boolean hasGraphStructure(LogFileWriter w) throws IOException {
    List<Pair<UIStaticInfoRecord, com.google.flatbuffers.Table>> records = w.readStatic().getData();
    for (Pair<UIStaticInfoRecord, com.google.flatbuffers.Table> r : records) {
      if (r.getFirst().infoType() == UIInfoType.GRAPH_STRUCTURE) {
        return true;
      }
    }
    return false;
  }

  /**
   * Writes the graph structure and ends the static part, unless the log already has a graph.
   *
   * @param sd the graph
   * @throws IOException on write failure
   */
  void writeGraph(SameDiff sd) throws IOException {
    if (hasGraph) {
      return;
    }
    writer.writeGraphStructure(sd);
    writer.writeFinishStaticMarker();
    hasGraph = true;
  }

  /**
   * Appends one step's loss terms and learning rate.
   *
   * @param time time in ms since the epoch
   * @param iteration the step
   * @param epoch the epoch
   * @param learningRate the learning rate
   * @param terms loss term name to value
   * @throws IOException on write failure
   * @throws IllegalStateException before {@link #writeGraph}
   */
  void writeStep(
      long time, long iteration, int epoch, double learningRate, Map<String, Double> terms)
      throws IOException {
    if (!hasGraph) {
      throw new IllegalStateException(file + ": the graph must be written before the steps");
    }
    int it = (int) Math.min(Integer.MAX_VALUE, iteration);
    for (Map.Entry<String, Double> e : terms.entrySet()) {
      String name = LOSS_PREFIX + e.getKey();
      register(name);
      writer.writeScalarEvent(name, LogFileWriter.EventSubtype.LOSS, time, it, epoch, e.getValue());
    }
    register(LEARNING_RATE);
    writer.writeScalarEvent(
        LEARNING_RATE, LogFileWriter.EventSubtype.LEARNING_RATE, time, it, epoch, learningRate);
  }

  private void register(String name) throws IOException {
    if (!writer.registeredEventName(name)) {
      writer.registerEventName(name);
    }
  }

  /**
   * The file.
   *
   * @return path of the log
   */
  Path file() {
    return file;
  }
}
