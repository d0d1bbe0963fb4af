package org.tbps4j.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.deeplearning4j.core.storage.Persistable;

/**
 * Classes a hostile stats file names, for {@link ForeignStatsFileTest}: each records in {@link
 * Planted} when the JVM initialises, constructs or deserialises it, which a safe reader must never
 * cause.
 */
final class Planted {
  private Planted() {}

  /** Set when {@link Record}'s class is initialised or an instance is constructed. */
  static volatile boolean recordTouched;

  /** Set when a {@link Key} is deserialised. */
  static volatile boolean keyTouched;

  /** A storable record that is not one tbps writes. */
  public static final class Record implements Persistable {
    private static final long serialVersionUID = 1L;

    static {
      Planted.recordTouched = true;
    }

    /** Constructed by a storage that trusts the class name in the file. */
    public Record() {
      Planted.recordTouched = true;
    }

    @Override
    public String getSessionID() {
      return "planted";
    }

    @Override
    public String getTypeID() {
      return "planted";
    }

    @Override
    public String getWorkerID() {
      return "planted";
    }

    @Override
    public long getTimeStamp() {
      return 0;
    }

    @Override
    public int encodingLengthBytes() {
      return 0;
    }

    @Override
    public byte[] encode() {
      return new byte[0];
    }

    @Override
    public void encode(ByteBuffer buffer) {}

    @Override
    public void encode(OutputStream outputStream) {}

    @Override
    public void decode(byte[] decode) {}

    @Override
    public void decode(ByteBuffer buffer) {}

    @Override
    public void decode(InputStream inputStream) {}

    /**
     * Agrona variant (not used).
     *
     * @param buffer ignored
     */
    public void encode(MutableDirectBuffer buffer) {}

    /**
     * Agrona variant (not used).
     *
     * @param buffer ignored
     */
    public void decode(DirectBuffer buffer) {}
  }

  /** A Java-serialisable key that is not one of the storage's key classes. */
  static final class Key implements Serializable {
    private static final long serialVersionUID = 1L;
    final String payload = "planted";

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.payload.equals(payload);
    }

    @Override
    public int hashCode() {
      return payload.hashCode();
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      Planted.keyTouched = true;
      in.defaultReadObject();
    }
  }
}
