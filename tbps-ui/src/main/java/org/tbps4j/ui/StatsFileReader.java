package org.tbps4j.ui;

import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StorageMetaData;
import org.deeplearning4j.ui.model.stats.impl.SbeStatsInitializationReport;
import org.deeplearning4j.ui.model.stats.impl.SbeStatsReport;
import org.deeplearning4j.ui.model.storage.impl.SbeStorageMetaData;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.DataInput2;
import org.mapdb.DataOutput2;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;

/**
 * Reads a DL4J stats file ({@code ui-stats.bin}, a MapDB file written by DL4J's {@code
 * FileStatsStorage}) without trusting it (see docs/security.md). DL4J's own reader instantiates
 * whatever class the file's class table names and Java-deserialises the keys of its maps, so a
 * stats file from someone else could run code; this reader:
 *
 * <ul>
 *   <li>instantiates only the record classes tbps writes ({@link #RECORD_CLASSES}), with {@code
 *       new}, never by name, and refuses any other name in the class table;
 *   <li>deserialises map keys through an {@link ObjectInputFilter} that admits only DL4J's two key
 *       classes and strings, with small depth and size limits;
 *   <li>opens only the maps it needs, after checking that the file's catalog gives them the
 *       serializers DL4J uses (a catalog naming MapDB's Java or Elsa serializer is refused);
 *   <li>refuses records that carry Java-serialised payloads (DL4J's data-set metadata and extra
 *       storage metadata, which tbps never writes).
 * </ul>
 *
 * <p>Every refusal is an {@link IllegalArgumentException} naming the file. Open a copy, not a file
 * a training process is writing: the copy's write-ahead log is replayed on open.
 */
final class StatsFileReader implements AutoCloseable {
  /** The record classes tbps writes into a stats file. */
  static final Set<String> RECORD_CLASSES =
      Set.of(
          SbeStorageMetaData.class.getName(),
          SbeStatsInitializationReport.class.getName(),
          SbeStatsReport.class.getName(),
          LossTermsReport.class.getName());

  private static final String KEY_CLASS =
      "org.deeplearning4j.ui.model.storage.BaseCollectionStatsStorage$SessionTypeId";
  private static final String WORKER_KEY_CLASS =
      "org.deeplearning4j.ui.model.storage.BaseCollectionStatsStorage$SessionTypeWorkerId";
  private static final String UPDATES_PREFIX = "&&&";

  private final String file;
  private final DB db;
  private final SortedMap<String, String> catalog;
  private final Map<Integer, String> classes = new java.util.HashMap<>();

  /**
   * Opens a stats file.
   *
   * @param file the file (a private copy: it may be changed by the write-ahead log replay)
   * @param shown the name messages give it (the original file)
   * @throws IllegalArgumentException when it is not a stats file or its catalog is not DL4J's
   */
  StatsFileReader(Path file, String shown) {
    this.file = shown;
    try {
      this.db = DBMaker.fileDB(file.toFile()).transactionEnable().make();
    } catch (RuntimeException e) {
      throw refused("is not a DL4J stats file (" + e.getMessage() + ")", e);
    }
    try {
      this.catalog = db.nameCatalogLoad();
      HTreeMap<Integer, String> table =
          open("integerToClass", Serializer.INTEGER, Serializer.STRING, "INTEGER", "STRING");
      for (Object k : table.keySet()) {
        classes.put((Integer) k, table.get(k));
      }
    } catch (RuntimeException e) {
      db.close();
      throw e instanceof IllegalArgumentException iae ? iae : refused(e.toString(), e);
    }
  }

  /**
   * The storage metadata records.
   *
   * @return the records, in no particular order
   */
  List<StorageMetaData> storageMetaData() {
    List<StorageMetaData> out = new ArrayList<>();
    if (catalog.containsKey("storageMetaData#type")) {
      for (Persistable p : values(open("storageMetaData", new KeySerializer(), records()))) {
        if (!(p instanceof StorageMetaData m)) {
          throw refused("holds a " + p.getClass().getName() + " as storage metadata", null);
        }
        out.add(m);
      }
    }
    return out;
  }

  /**
   * The static (initialisation) records.
   *
   * @return the records, in no particular order
   */
  List<Persistable> staticInfo() {
    return catalog.containsKey("staticInfo#type")
        ? values(open("staticInfo", new KeySerializer(), records()))
        : List.of();
  }

  /**
   * The update records of every (session, type, worker), each list sorted by time stamp.
   *
   * @return the lists
   */
  List<List<Persistable>> updates() {
    List<List<Persistable>> out = new ArrayList<>();
    for (String name : db.getAllNames()) {
      if (name.startsWith(UPDATES_PREFIX)) {
        List<Persistable> u = values(open(name, Serializer.LONG, records(), "LONG", null));
        u.sort(Comparator.comparingLong(Persistable::getTimeStamp));
        out.add(u);
      }
    }
    return out;
  }

  private <K, V> HTreeMap<K, V> open(String name, Serializer<K> keys, Serializer<V> values) {
    return open(name, keys, values, null, null);
  }

  /** Opens a map after checking the serializers the file's catalog names for it. */
  @SuppressWarnings("unchecked")
  private <K, V> HTreeMap<K, V> open(
      String name,
      Serializer<K> keys,
      Serializer<V> values,
      String catalogKeys,
      String catalogValues) {
    if (!"HashMap".equals(catalog.get(name + "#type"))) {
      throw refused("has no map '" + name + "'", null);
    }
    expectSerializer(name + "#keySerializer", catalogKeys);
    expectSerializer(name + "#valueSerializer", catalogValues);
    try {
      return (HTreeMap<K, V>) db.hashMap(name).keySerializer(keys).valueSerializer(values).open();
    } catch (RuntimeException e) {
      throw e instanceof IllegalArgumentException iae ? iae : refused(e.toString(), e);
    }
  }

  private void expectSerializer(String key, String singleton) {
    String have = catalog.get(key);
    String want = singleton == null ? null : "org.mapdb.Serializer#" + singleton;
    if (!java.util.Objects.equals(have, want)) {
      throw refused(
          "names the serializer '"
              + have
              + "' for "
              + key
              + " where DL4J writes "
              + (want == null ? "none" : "'" + want + "'"),
          null);
    }
  }

  private List<Persistable> values(HTreeMap<?, Persistable> map) {
    List<Persistable> out = new ArrayList<>();
    try {
      for (Object k : map.keySet()) {
        out.add(map.get(k));
      }
    } catch (RuntimeException e) {
      throw e instanceof IllegalArgumentException iae ? iae : refused(e.toString(), e);
    }
    return out;
  }

  private Serializer<Persistable> records() {
    return new RecordSerializer();
  }

  private IllegalArgumentException refused(String what, Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof IllegalArgumentException iae && iae.getMessage().startsWith(file + ":")) {
        return iae;
      }
    }
    return new IllegalArgumentException(
        file + ": " + what + "; the stats file is not read (see docs/security.md)", cause);
  }

  @Override
  public void close() {
    db.close();
  }

  // ------------------------------------------------------------------------------- serializers

  /** Map values: a class number from the class table, then the record's own encoding. */
  private final class RecordSerializer implements Serializer<Persistable> {
    @Override
    public void serialize(DataOutput2 out, Persistable value) {
      throw new UnsupportedOperationException("read-only");
    }

    @Override
    public Persistable deserialize(DataInput2 in, int available) throws IOException {
      int id = in.readInt();
      String name = classes.get(id);
      Persistable p =
          switch (name == null ? "" : name) {
            case "org.deeplearning4j.ui.model.storage.impl.SbeStorageMetaData" ->
                new SbeStorageMetaData();
            case "org.deeplearning4j.ui.model.stats.impl.SbeStatsInitializationReport" ->
                new SbeStatsInitializationReport();
            case "org.deeplearning4j.ui.model.stats.impl.SbeStatsReport" -> new SbeStatsReport();
            case "org.tbps4j.ui.LossTermsReport" -> new LossTermsReport();
            default ->
                throw refused(
                    "names the record class '"
                        + (name == null
                            ? "#" + id
                            : org.tbps4j.data.image.ImageFiles.printable(name))
                        + "', which is not one tbps writes ("
                        + String.join(", ", new java.util.TreeSet<>(RECORD_CLASSES))
                        + "); it is not instantiated",
                    null);
          };
      if (available < 4) {
        throw refused("holds a record of " + available + " bytes", null);
      }
      byte[] bytes = new byte[available - 4];
      in.readFully(bytes);
      try {
        p.decode(bytes);
      } catch (RuntimeException e) {
        throw refused("holds a " + name + " that does not decode (" + e + ")", e);
      }
      if (p instanceof SbeStatsReport r && r.hasDataSetMetaData()) {
        throw refused("holds a stats report with Java-serialised data-set metadata", null);
      }
      if (p instanceof SbeStorageMetaData m && m.getExtraMeta() != null) {
        throw refused("holds storage metadata with a Java-serialised extra part", null);
      }
      return p;
    }
  }

  /** Map keys: DL4J's key classes, Java-serialised, read through a filter that admits no other. */
  private final class KeySerializer implements Serializer<Object> {
    @Override
    public void serialize(DataOutput2 out, Object value) {
      throw new UnsupportedOperationException("read-only");
    }

    @Override
    public Object deserialize(DataInput2 in, int available) throws IOException {
      ObjectInputStream ois = new ObjectInputStream(new DataInput2.DataInputToStream(in));
      ois.setObjectInputFilter(KeySerializer::filter);
      try {
        return ois.readObject();
      } catch (InvalidClassException | ClassNotFoundException e) {
        throw refused("holds a map key that is not one of DL4J's key classes (" + e + ")", e);
      }
    }

    private static ObjectInputFilter.Status filter(ObjectInputFilter.FilterInfo info) {
      if (info.depth() > 2 || info.references() > 16 || info.streamBytes() > 64 * 1024) {
        return ObjectInputFilter.Status.REJECTED;
      }
      Class<?> c = info.serialClass();
      if (c == null) {
        return ObjectInputFilter.Status.UNDECIDED;
      }
      String n = c.getName();
      return n.equals(KEY_CLASS) || n.equals(WORKER_KEY_CLASS) || c == String.class
          ? ObjectInputFilter.Status.ALLOWED
          : ObjectInputFilter.Status.REJECTED;
    }
  }
}
