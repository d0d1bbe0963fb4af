package org.tbps4j.ui;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.core.storage.Persistable;

/**
 * The value of every loss term of one training step, stored beside the DL4J stats reports in the
 * same {@code StatsStorage} under its own type ID ({@value #TYPE_ID}).
 *
 * <p>The DL4J stats format has no place for named scalars other than the score (its per-name maps
 * are per-parameter statistics that the UI charts as parameters), so the terms get their own
 * record; the dashboard's loss-terms page reads it. The encoding is a small versioned binary format
 * (big-endian, {@link DataOutputStream}): version byte, session, type and worker IDs, timestamp,
 * iteration, epoch, stage name, learning rate, then the number of terms and each (name, value).
 *
 * <p>Mutable only so that storages can decode into a fresh instance (the {@link Persistable}
 * contract needs a public no-argument constructor).
 */
public final class LossTermsReport implements Persistable {
  private static final long serialVersionUID = 1L;

  /** Type ID of these records in a stats storage. */
  public static final String TYPE_ID = "TbpsLossTerms";

  private static final byte VERSION = 1;

  private String sessionId;
  private String workerId;
  private long timestamp;
  private long iteration;
  private int epoch;
  private String stage;
  private double learningRate;
  private LinkedHashMap<String, Double> terms = new LinkedHashMap<>();

  /** An empty report, to be filled by {@link #decode(byte[])}. */
  public LossTermsReport() {}

  /**
   * A report.
   *
   * @param sessionId the session (one training process of a run)
   * @param workerId the worker
   * @param timestamp time in ms since the epoch; unique per session and worker
   * @param iteration the step (0-based over the whole run)
   * @param epoch the epoch (0-based)
   * @param stage the stage name
   * @param learningRate the learning rate of the step
   * @param terms loss term name to value, e.g. {@code loss/cmpm} and {@code loss/total}
   */
  public LossTermsReport(
      String sessionId,
      String workerId,
      long timestamp,
      long iteration,
      int epoch,
      String stage,
      double learningRate,
      Map<String, Double> terms) {
    this.sessionId = sessionId;
    this.workerId = workerId;
    this.timestamp = timestamp;
    this.iteration = iteration;
    this.epoch = epoch;
    this.stage = stage;
    this.learningRate = learningRate;
    this.terms = new LinkedHashMap<>(terms);
  }

  /**
   * The static record of a session's loss-term records (storages list a type's workers from its
   * static records): iteration -1, no terms.
   *
   * @param sessionId the session
   * @param workerId the worker
   * @param timestamp time in ms since the epoch
   * @return the header record
   */
  public static LossTermsReport header(String sessionId, String workerId, long timestamp) {
    return new LossTermsReport(sessionId, workerId, timestamp, -1, 0, "", 0, Map.of());
  }

  @Override
  public String getSessionID() {
    return sessionId;
  }

  @Override
  public String getTypeID() {
    return TYPE_ID;
  }

  @Override
  public String getWorkerID() {
    return workerId;
  }

  @Override
  public long getTimeStamp() {
    return timestamp;
  }

  /**
   * The step.
   *
   * @return iteration (0-based over the run)
   */
  public long iteration() {
    return iteration;
  }

  /**
   * The epoch.
   *
   * @return epoch (0-based)
   */
  public int epoch() {
    return epoch;
  }

  /**
   * The stage name.
   *
   * @return stage
   */
  public String stage() {
    return stage;
  }

  /**
   * The learning rate of the step.
   *
   * @return learning rate
   */
  public double learningRate() {
    return learningRate;
  }

  /**
   * The loss terms, in the order they were reported.
   *
   * @return term name to value (unmodifiable)
   */
  public Map<String, Double> terms() {
    return Collections.unmodifiableMap(terms);
  }

  @Override
  public int encodingLengthBytes() {
    return encode().length;
  }

  @Override
  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 24 * terms.size());
    try {
      encode(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen for a byte array
    }
    return bytes.toByteArray();
  }

  @Override
  public void encode(ByteBuffer buffer) {
    buffer.put(encode());
  }

  @Override
  public void encode(OutputStream outputStream) throws IOException {
    DataOutputStream out = new DataOutputStream(outputStream);
    out.writeByte(VERSION);
    out.writeUTF(sessionId);
    out.writeUTF(workerId);
    out.writeLong(timestamp);
    out.writeLong(iteration);
    out.writeInt(epoch);
    out.writeUTF(stage);
    out.writeDouble(learningRate);
    out.writeInt(terms.size());
    for (Map.Entry<String, Double> e : terms.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeDouble(e.getValue());
    }
    out.flush();
  }

  @Override
  public void decode(byte[] decode) {
    try {
      decode(new ByteArrayInputStream(decode));
    } catch (IOException e) {
      throw new IllegalArgumentException("corrupt loss-terms record: " + e.getMessage(), e);
    }
  }

  @Override
  public void decode(ByteBuffer buffer) {
    byte[] b = new byte[buffer.remaining()];
    buffer.get(b);
    decode(b);
  }

  @Override
  public void decode(InputStream inputStream) throws IOException {
    DataInputStream in = new DataInputStream(inputStream);
    byte version = in.readByte();
    if (version != VERSION) {
      throw new IOException(
          "loss-terms record version " + version + " is not supported (expected " + VERSION + ")");
    }
    sessionId = in.readUTF();
    workerId = in.readUTF();
    timestamp = in.readLong();
    iteration = in.readLong();
    epoch = in.readInt();
    stage = in.readUTF();
    learningRate = in.readDouble();
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("loss-terms record has a negative term count: " + n);
    }
    LinkedHashMap<String, Double> t = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      t.put(in.readUTF(), in.readDouble());
    }
    terms = t;
  }

  @Override
  public String toString() {
    return "LossTermsReport{session="
        + sessionId
        + ", iteration="
        + iteration
        + ", stage="
        + stage
        + ", terms="
        + terms
        + "}";
  }
}
