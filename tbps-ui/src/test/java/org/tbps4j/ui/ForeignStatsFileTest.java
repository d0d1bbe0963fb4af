package org.tbps4j.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.DataInput2;
import org.mapdb.DataOutput2;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;

/**
 * {@code tbps ui --stats DIR} on someone else's run directory: the stats file names the classes of
 * its records, and DL4J's MapDB storage instantiates whatever it names (and Java-deserialises its
 * keys). The follower reads the file without instantiating any class outside the records tbps
 * writes, and without deserialising keys of any other class.
 */
class ForeignStatsFileTest {
  @TempDir Path dir;

  private Path statsFile() {
    Path file = dir.resolve(RunDashboard.STATS_FILE);
    FileStatsStorage writer = new FileStatsStorage(file.toFile());
    try {
      writer.putStaticInfo(LossTermsReport.header("a", "trainer", 1));
      writer.putUpdate(RunStatsFollowerTest.step("a", 0));
      writer.putUpdate(RunStatsFollowerTest.step("a", 1));
    } finally {
      writer.close();
    }
    return file;
  }

  /** What a poll of the file throws (null when it reads through). */
  private static Throwable pollFailure(Path file) {
    try {
      new RunStatsFollower(file, new InMemoryStatsStorage()).poll();
      return null;
    } catch (Exception | LinkageError e) {
      return e;
    }
  }

  @Test
  void aRecordClassOutsideTheAllowListIsNotInstantiated() throws Exception {
    Path file = statsFile();
    // rename the loss-term record class in the file's class table to a class of the attacker's
    DB db = DBMaker.fileDB(file.toFile()).transactionEnable().make();
    HTreeMap<Integer, String> classes =
        db.hashMap("integerToClass", Serializer.INTEGER, Serializer.STRING).open();
    Map<Integer, String> copy = new java.util.HashMap<>();
    for (Object k : classes.keySet()) {
      copy.put((Integer) k, classes.get(k));
    }
    for (Map.Entry<Integer, String> e : copy.entrySet()) {
      if (e.getValue().equals(LossTermsReport.class.getName())) {
        classes.put(e.getKey(), "org.tbps4j.ui.Planted$Record");
      }
    }
    db.commit();
    db.close();
    Planted.recordTouched = false;
    Throwable e = pollFailure(file);
    assertFalse(Planted.recordTouched, "the planted class was initialised and constructed");
    assertTrue(e instanceof IllegalArgumentException, String.valueOf(e));
    assertTrue(e.getMessage().contains("org.tbps4j.ui.Planted$Record"), e.getMessage());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @Test
  void aKeyOfAnotherClassIsNotDeserialised() throws Exception {
    Path file = statsFile();
    DB db = DBMaker.fileDB(file.toFile()).transactionEnable().make();
    Serializer<Object> javaKeys =
        new Serializer<>() {
          @Override
          public void serialize(DataOutput2 out, Object value) throws java.io.IOException {
            ObjectOutputStream o = new ObjectOutputStream(out);
            o.writeObject(value);
            o.flush();
          }

          @Override
          public Object deserialize(DataInput2 input, int available) throws java.io.IOException {
            try { // MapDB clones keys on put: the writer side may deserialise them
              return new java.io.ObjectInputStream(new DataInput2.DataInputToStream(input))
                  .readObject();
            } catch (ClassNotFoundException e) {
              throw new java.io.IOException(e);
            }
          }
        };
    HTreeMap<Object, byte[]> meta =
        db.hashMap("storageMetaData")
            .keySerializer(javaKeys)
            .valueSerializer(Serializer.BYTE_ARRAY)
            .open();
    meta.put(new Planted.Key(), new byte[] {0, 0, 0, 0});
    db.commit();
    db.close();
    Planted.keyTouched = false;
    Throwable e = pollFailure(file);
    assertFalse(Planted.keyTouched, "a key of a foreign class was deserialised");
    assertTrue(e instanceof IllegalArgumentException, String.valueOf(e));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @Test
  void theRecordsTbpsWritesStillCome() throws Exception {
    Path file = statsFile();
    InMemoryStatsStorage shown = new InMemoryStatsStorage();
    assertEquals(3, new RunStatsFollower(file, shown).poll());
    assertEquals(List.of(0L, 1L), RunStatsFollowerTest.iterations(shown, "a"));
  }
}
