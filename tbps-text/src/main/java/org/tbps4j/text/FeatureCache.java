package org.tbps4j.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.zip.CRC32C;

/**
 * The text tower's token features, computed once per caption and stored beside the dataset.
 *
 * <p><b>Where.</b> {@code <dataset>/.tbps-cache/<encoder>-<model hash>-<tokenizer hash>-L<max
 * length>-<f16|f32>/}: the directory name carries everything that changes the stored values (the
 * ONNX file's and the tokenizer's SHA-256, abbreviated; the truncation length; the storage type),
 * so another model file gets another directory and a stale cache is never read.
 *
 * <p><b>What.</b> One row per distinct caption text, keyed by the first 128 bits of the SHA-256 of
 * its UTF-8 bytes: its {@code length} real tokens ({@code [CLS]} … {@code [SEP]}, no padding) ×
 * {@code dim} values, float16 (or float32). A caption that changes is a new key: {@link #update}
 * computes only the texts it does not have (the old row stays until {@link #compact}).
 *
 * <p><b>Files.</b> {@code manifest.json} lists the segments and the key; each {@code
 * segment-NNNNNN.bin} holds some rows:
 *
 * <pre>
 * header, 128 bytes, little-endian:
 *   0 magic "TBPSFC01" | 8 int format (1) | 12 int storage (1 float16, 2 float32) | 16 int dim
 *   20 int max length | 24 int rows | 28 int 0 | 32 long tokens | 40 32 bytes model SHA-256
 *   72 32 bytes tokenizer SHA-256 | 104 long table offset | 112 int data CRC-32C
 *   116 int CRC-32C of bytes 0-115 and of the row table | 120 8 bytes 0
 * data at 128: tokens × dim values, row after row
 * row table at the table offset: rows × (16 bytes key, long first token, int length, int 0)
 * </pre>
 *
 * <p><b>Atomic.</b> A segment is written into a temporary file ({@code .segment-….tmp}), forced to
 * disk and renamed; then the manifest is replaced the same way. Segments are immutable. A process
 * killed at any point leaves the previous manifest and its segments intact: the next {@link #open}
 * deletes the temporary file and any segment the manifest does not list, and says so in {@link
 * #recovered()}. A listed segment whose header, size or row-table checksum is wrong (damaged after
 * the fact) is dropped the same way and its captions are computed again; {@link #verify()} also
 * checks the data checksums. A long {@link #update} commits a segment every {@code segmentBytes},
 * so a killed build resumes from its last segment. One process updates at a time (a lock file).
 *
 * <p><b>Reading.</b> Segments of 16 MiB or more are memory-mapped (read-only), smaller ones read.
 * {@link #get} assembles a padded batch. Reads may run concurrently with each other, not with
 * {@link #update} or {@link #compact}.
 */
public final class FeatureCache {
  /** Name of the cache folder inside a dataset. */
  public static final String CACHE_DIR = ".tbps-cache";

  /** The segment files' format version. */
  public static final int FORMAT = 1;

  /** Default size after which {@link #update} commits a segment: 128 MiB. */
  public static final long DEFAULT_SEGMENT_BYTES = 128L << 20;

  private static final byte[] MAGIC = "TBPSFC01".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER = 128;
  private static final int TABLE_ENTRY = 32;

  /** Segments of at least this size are memory-mapped (16 MiB; tests lower it). */
  static volatile long mapThreshold = 16L << 20;

  private static final String MANIFEST = "manifest.json";
  private static final String LOCK = ".lock";

  /**
   * Test hook: called with "segment-temp" before a segment's rename, "manifest-temp" before the
   * manifest's.
   */
  static volatile Consumer<String> testHook;

  /** How values are stored. */
  public enum Storage {
    /** IEEE binary16, 2 bytes (relative rounding error ≤ 2⁻¹¹). */
    FLOAT16(1, 2, "f16"),
    /** IEEE binary32, 4 bytes (exact). */
    FLOAT32(2, 4, "f32");

    private final int code;
    private final int bytes;
    private final String tag;

    Storage(int code, int bytes, String tag) {
      this.code = code;
      this.bytes = bytes;
      this.tag = tag;
    }

    /**
     * Bytes per value.
     *
     * @return 2 or 4
     */
    public int bytes() {
      return bytes;
    }

    static Storage ofCode(int code) {
      for (Storage s : values()) {
        if (s.code == code) {
          return s;
        }
      }
      return null;
    }
  }

  /**
   * What the stored values depend on.
   *
   * @param encoder the encoder's name (e.g. {@link TextTower#ENCODER})
   * @param modelSha256 SHA-256 of the ONNX file (64 hex digits)
   * @param tokenizerSha256 SHA-256 of the tokenizer file (64 hex digits)
   * @param maxLength the tokenizer's truncation length
   * @param dim feature size
   * @param storage value type on disk
   */
  public record Key(
      String encoder,
      String modelSha256,
      String tokenizerSha256,
      int maxLength,
      int dim,
      Storage storage) {
    /** Validates the fields. */
    public Key {
      if (!encoder.matches("[a-z0-9-]+")) {
        throw new IllegalArgumentException("encoder name must be [a-z0-9-]+: " + encoder);
      }
      if (!modelSha256.matches("[0-9a-f]{64}") || !tokenizerSha256.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("hashes must be 64 lower-case hex digits");
      }
      if (maxLength < 2 || dim < 1) {
        throw new IllegalArgumentException("maxLength >= 2 and dim >= 1 required");
      }
    }

    /**
     * The key of a tower's features.
     *
     * @param tower the tower
     * @param storage value type on disk
     * @return the key
     */
    public static Key of(TextTower tower, Storage storage) {
      return new Key(
          TextTower.ENCODER,
          tower.modelHash(),
          tower.tokenizerHash(),
          tower.tokenizer().maxLength(),
          TextTower.HIDDEN,
          storage);
    }

    /**
     * The cache directory's name.
     *
     * @return e.g. {@code minilm-l6-759c3cd2b7fe-da0e7993-L64-f16}
     */
    public String directoryName() {
      return encoder
          + "-"
          + modelSha256.substring(0, 12)
          + "-"
          + tokenizerSha256.substring(0, 8)
          + "-L"
          + maxLength
          + "-"
          + storage.tag;
    }
  }

  /** Progress of a long {@link #update}, e.g. for a progress bar. */
  @FunctionalInterface
  public interface Progress {
    /**
     * Called after each batch.
     *
     * @param done captions computed so far
     * @param total captions to compute
     * @param elapsedNanos time since the update started
     */
    void update(int done, int total, long elapsedNanos);
  }

  /**
   * What an {@link #update} did.
   *
   * @param requested distinct texts asked for
   * @param alreadyCached of those, found in the cache
   * @param computed rows computed and written
   * @param tokens tokens in the computed rows
   * @param bytesWritten bytes of segment files written
   * @param seconds wall time
   */
  public record UpdateReport(
      int requested,
      int alreadyCached,
      int computed,
      long tokens,
      long bytesWritten,
      double seconds) {}

  /** Where a row is. */
  private record Row(int segment, int index, long firstToken, int length) {}

  /** An open segment. */
  private record Segment(
      String file,
      int rows,
      long tokens,
      long bytes,
      ByteBuffer data,
      byte[][] keys,
      boolean mapped) {}

  private final Path dir;
  private final Key key;
  private final List<Segment> segments = new ArrayList<>();
  private final Map<TextKey, Row> index = new HashMap<>();
  private final List<String> recovered = new ArrayList<>();
  private int nextSegment = 1;

  private FeatureCache(Path dir, Key key) {
    this.dir = dir;
    this.key = key;
  }

  /**
   * The cache directory of a dataset and a key.
   *
   * @param datasetRoot the dataset's root folder
   * @param key the key
   * @return {@code <datasetRoot>/.tbps-cache/<key.directoryName()>}
   */
  public static Path directory(Path datasetRoot, Key key) {
    return datasetRoot.resolve(CACHE_DIR).resolve(key.directoryName());
  }

  /**
   * Opens (or creates) a cache directory, cleaning up after a killed writer.
   *
   * @param dir the cache directory (see {@link #directory})
   * @param key what the features depend on; must match the manifest's
   * @return the cache
   * @throws IOException if the directory cannot be created or read
   * @throws IllegalStateException if the manifest belongs to another key
   */
  public static FeatureCache open(Path dir, Key key) throws IOException {
    Files.createDirectories(dir);
    FeatureCache c = new FeatureCache(dir, key);
    try (Locked lock = Locked.tryLock(dir)) {
      c.load(lock != null);
    }
    return c;
  }

  /** An exclusive lock on the cache directory (null when another process holds it). */
  private static final class Locked implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private Locked(FileChannel channel, FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }

    static Locked tryLock(Path dir) throws IOException {
      FileChannel ch =
          FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        l = null; // held by this process (another FeatureCache on the same directory)
      }
      if (l == null) {
        ch.close();
        return null;
      }
      return new Locked(ch, l);
    }

    @Override
    public void close() throws IOException {
      lock.release();
      channel.close();
    }
  }

  private void load(boolean owner) throws IOException {
    Path manifest = dir.resolve(MANIFEST);
    List<String> listed = new ArrayList<>();
    if (Files.exists(manifest)) {
      JsonNode m;
      try {
        m = new ObjectMapper().readTree(manifest.toFile());
      } catch (IOException e) {
        m = null;
        recovered.add(manifest + ": unreadable (" + e.getMessage() + "), starting empty");
      }
      if (m != null) {
        checkManifestKey(manifest, m);
        nextSegment = m.path("next_segment").asInt(1);
        for (JsonNode s : m.path("segments")) {
          listed.add(s.path("file").asText());
        }
      }
    }
    boolean dropped = false;
    if (Files.exists(manifest) && listed.isEmpty() && !recovered.isEmpty()) {
      dropped = true; // an unreadable manifest is replaced
    }
    for (String file : listed) {
      try {
        addSegment(readSegment(file));
      } catch (IOException | RuntimeException e) {
        recovered.add(
            dir.resolve(file) + ": " + e.getMessage() + "; its captions will be computed again");
        dropped = true;
        if (owner) {
          Files.deleteIfExists(dir.resolve(file));
        }
      }
    }
    if (!owner) {
      return; // another process is writing: leave its files alone
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        boolean temp = name.startsWith(".") && name.endsWith(".tmp");
        boolean orphan = name.startsWith("segment-") && !listed.contains(name);
        if (temp || orphan) {
          Files.deleteIfExists(p);
          recovered.add(
              p
                  + (temp
                      ? ": unfinished write of a killed process, removed"
                      : ": segment not in the manifest (killed before the commit), removed"));
        }
      }
    }
    if (dropped) {
      writeManifest();
    }
  }

  private void checkManifestKey(Path manifest, JsonNode m) {
    String[][] fields = {
      {"encoder", key.encoder()},
      {"model_sha256", key.modelSha256()},
      {"tokenizer_sha256", key.tokenizerSha256()},
      {"max_length", Integer.toString(key.maxLength())},
      {"dim", Integer.toString(key.dim())},
      {"storage", key.storage().name().toLowerCase(Locale.ROOT)},
    };
    for (String[] f : fields) {
      String have = m.path(f[0]).asText();
      if (!have.equals(f[1])) {
        throw new IllegalStateException(
            manifest
                + ": "
                + f[0]
                + " is "
                + have
                + ", this cache is opened for "
                + f[1]
                + " (delete the directory to rebuild)");
      }
    }
  }

  private Segment readSegment(String file) throws IOException {
    Path p = dir.resolve(file);
    boolean mapped;
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < HEADER) {
        throw new IOException("truncated (" + size + " bytes, no header)");
      }
      ByteBuffer buf;
      mapped = size >= mapThreshold;
      if (mapped) {
        buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
      } else {
        buf = ByteBuffer.allocate((int) size);
        while (buf.hasRemaining() && ch.read(buf) >= 0) {
          // read fully
        }
        buf.flip();
      }
      buf.order(ByteOrder.LITTLE_ENDIAN);
      byte[] magic = new byte[8];
      buf.get(0, magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new IOException("not a feature-cache segment (bad magic)");
      }
      if (buf.getInt(8) != FORMAT) {
        throw new IOException("format " + buf.getInt(8) + ", expected " + FORMAT);
      }
      Storage st = Storage.ofCode(buf.getInt(12));
      int dim = buf.getInt(16);
      int maxLen = buf.getInt(20);
      if (st != key.storage() || dim != key.dim() || maxLen != key.maxLength()) {
        throw new IOException(
            "header says " + st + " dim " + dim + " max length " + maxLen + ", expected " + key);
      }
      byte[] model = new byte[32];
      byte[] tok = new byte[32];
      buf.get(40, model);
      buf.get(72, tok);
      if (!HexFormat.of().formatHex(model).equals(key.modelSha256())
          || !HexFormat.of().formatHex(tok).equals(key.tokenizerSha256())) {
        throw new IOException("written for another model or tokenizer file");
      }
      int rows = buf.getInt(24);
      long tokens = buf.getLong(32);
      long table = buf.getLong(104);
      long expectTable = HEADER + tokens * dim * st.bytes();
      if (rows < 0
          || tokens < 0
          || table != expectTable
          || size != table + (long) rows * TABLE_ENTRY) {
        throw new IOException(
            "size "
                + size
                + " does not match its header ("
                + rows
                + " rows, "
                + tokens
                + " tokens)");
      }
      CRC32C crc = new CRC32C();
      crc.update(buf.duplicate().position(0).limit(116));
      crc.update(buf.duplicate().position((int) table).limit((int) size));
      if ((int) crc.getValue() != buf.getInt(116)) {
        throw new IOException("header or row table checksum mismatch");
      }
      byte[][] keys = new byte[rows][16];
      long expectFirst = 0;
      for (int r = 0; r < rows; r++) {
        int at = (int) table + r * TABLE_ENTRY;
        buf.get(at, keys[r]);
        long first = buf.getLong(at + 16);
        int len = buf.getInt(at + 24);
        if (first != expectFirst || len < 1 || len > maxLen) {
          throw new IOException("row table entry " + r + " is inconsistent");
        }
        expectFirst += len;
      }
      if (expectFirst != tokens) {
        throw new IOException("row lengths add up to " + expectFirst + ", header says " + tokens);
      }
      return new Segment(file, rows, tokens, size, buf, keys, mapped);
    }
  }

  private void addSegment(Segment s) {
    int si = segments.size();
    segments.add(s);
    int table = (int) s.data().getLong(104);
    for (int r = 0; r < s.rows(); r++) {
      int at = table + r * TABLE_ENTRY;
      index.put(
          TextKey.of(s.keys()[r]),
          new Row(si, r, s.data().getLong(at + 16), s.data().getInt(at + 24)));
    }
  }

  /**
   * The cache's key.
   *
   * @return the key it was opened with
   */
  public Key key() {
    return key;
  }

  /**
   * The cache directory.
   *
   * @return its path
   */
  public Path directory() {
    return dir;
  }

  /**
   * What {@link #open} cleaned up (left-overs of a killed writer, damaged segments).
   *
   * @return one line per file, naming it
   */
  public List<String> recovered() {
    return Collections.unmodifiableList(recovered);
  }

  /**
   * Number of cached captions.
   *
   * @return distinct texts stored
   */
  public int size() {
    return index.size();
  }

  /**
   * Total size of the segment files.
   *
   * @return bytes
   */
  public long bytes() {
    return segments.stream().mapToLong(Segment::bytes).sum();
  }

  /**
   * Number of segments that are memory-mapped (the others were read into memory).
   *
   * @return mapped segments
   */
  public int mappedSegmentCount() {
    return (int) segments.stream().filter(Segment::mapped).count();
  }

  /**
   * Number of segment files.
   *
   * @return segments listed in the manifest
   */
  public int segmentCount() {
    return segments.size();
  }

  /**
   * Whether a text's features are cached.
   *
   * @param text a caption
   * @return true if stored
   */
  public boolean contains(String text) {
    return index.containsKey(TextKey.of(text));
  }

  /**
   * The texts that are not cached.
   *
   * @param texts captions
   * @return the distinct missing ones, in first-occurrence order
   */
  public List<String> missing(Collection<String> texts) {
    List<String> out = new ArrayList<>();
    for (String t : new LinkedHashSet<>(texts)) {
      if (!contains(t)) {
        out.add(t);
      }
    }
    return out;
  }

  /**
   * Number of cached rows that are not among some texts (e.g. old versions of edited captions).
   *
   * @param current the texts in use
   * @return rows {@link #compact} would drop
   */
  public int stale(Collection<String> current) {
    Set<TextKey> keep = new java.util.HashSet<>();
    for (String t : current) {
      keep.add(TextKey.of(t));
    }
    int n = 0;
    for (TextKey k : index.keySet()) {
      if (!keep.contains(k)) {
        n++;
      }
    }
    return n;
  }

  /**
   * Computes and stores the texts that are not cached yet, with the tower.
   *
   * @param texts captions (duplicates and cached ones are skipped)
   * @param tower the tower whose key this cache has
   * @param batchSize captions per forward pass
   * @param progress called after every batch (may be null)
   * @return what was done
   * @throws IOException if writing fails (what was committed before stays)
   */
  public UpdateReport update(
      Collection<String> texts, TextTower tower, int batchSize, Progress progress)
      throws IOException {
    Key towerKey = Key.of(tower, key.storage());
    if (!towerKey.equals(key)) {
      throw new IllegalArgumentException(
          "the tower's key " + towerKey + " is not this cache's " + key);
    }
    return update(
        texts,
        tower.tokenizer()::encode,
        tower::forward,
        batchSize,
        progress,
        DEFAULT_SEGMENT_BYTES);
  }

  /**
   * Computes and stores the texts that are not cached yet.
   *
   * @param texts captions (duplicates and cached ones are skipped)
   * @param tokenize text → id sequence ({@code [CLS]} … {@code [SEP]}, at most the key's max
   *     length)
   * @param forward id sequences → features ({@code dim} wide, real lengths as given)
   * @param batchSize captions per forward pass (texts are batched in order of length, so that a
   *     batch pads little)
   * @param progress called after every batch (may be null)
   * @param segmentBytes a segment is committed when its data reaches this size (≤ 1 GiB)
   * @return what was done
   * @throws IOException if writing fails (what was committed before stays)
   */
  public UpdateReport update(
      Collection<String> texts,
      Function<String, int[]> tokenize,
      Function<List<int[]>, TokenFeatures> forward,
      int batchSize,
      Progress progress,
      long segmentBytes)
      throws IOException {
    if (batchSize < 1 || segmentBytes < 1 || segmentBytes > (1L << 30)) {
      throw new IllegalArgumentException("batchSize >= 1 and segmentBytes in [1, 2^30] required");
    }
    long t0 = System.nanoTime();
    Set<String> distinct = new LinkedHashSet<>(texts);
    List<String> todo = missing(distinct);
    if (todo.isEmpty()) {
      return new UpdateReport(distinct.size(), distinct.size(), 0, 0, 0, 0);
    }
    try (Locked lock = Locked.tryLock(dir)) {
      if (lock == null) {
        throw new IOException("another process is updating the feature cache " + dir);
      }
      List<int[]> ids = new ArrayList<>(todo.size());
      Integer[] order = new Integer[todo.size()];
      for (int i = 0; i < todo.size(); i++) {
        int[] s = tokenize.apply(todo.get(i));
        if (s.length < 1 || s.length > key.maxLength()) {
          throw new IllegalArgumentException(
              "tokenizer gave " + s.length + " ids, outside [1, " + key.maxLength() + "]");
        }
        ids.add(s);
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> Integer.compare(ids.get(a).length, ids.get(b).length));
      long tokens = 0;
      long written = 0;
      SegmentWriter w = null;
      try {
        for (int from = 0; from < order.length; from += batchSize) {
          int to = Math.min(order.length, from + batchSize);
          List<int[]> batch = new ArrayList<>(to - from);
          for (int k = from; k < to; k++) {
            batch.add(ids.get(order[k]));
          }
          TokenFeatures f = forward.apply(batch);
          if (f.count() != batch.size() || f.dim() != key.dim()) {
            throw new IllegalStateException(
                "encoder returned "
                    + f.count()
                    + "x"
                    + f.dim()
                    + " for "
                    + batch.size()
                    + " texts");
          }
          for (int k = 0; k < f.count(); k++) {
            if (f.lengths()[k] != batch.get(k).length) {
              throw new IllegalStateException("encoder changed a sequence's length");
            }
            if (w == null) {
              w = new SegmentWriter(String.format(Locale.ROOT, "segment-%06d.bin", nextSegment++));
            }
            w.add(TextKey.of(todo.get(order[from + k])), f, k);
            tokens += f.lengths()[k];
            if (w.dataBytes >= segmentBytes) {
              SegmentWriter full = w;
              w = null;
              written += commit(full);
            }
          }
          if (progress != null) {
            progress.update(to, order.length, System.nanoTime() - t0);
          }
        }
        if (w != null) {
          SegmentWriter last = w;
          w = null;
          written += commit(last);
        }
      } finally {
        if (w != null) {
          w.abandon();
        }
      }
      return new UpdateReport(
          distinct.size(),
          distinct.size() - todo.size(),
          todo.size(),
          tokens,
          written,
          (System.nanoTime() - t0) / 1e9);
    }
  }

  /** Finishes a segment, renames it into place, adds it, rewrites the manifest. */
  private long commit(SegmentWriter w) throws IOException {
    w.finish();
    Consumer<String> hook = testHook;
    if (hook != null) {
      hook.accept("segment-temp");
    }
    move(w.tmp, dir.resolve(w.file));
    addSegment(readSegment(w.file));
    writeManifest();
    return w.size;
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private void writeManifest() throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode m = json.createObjectNode();
    m.put("format", FORMAT);
    m.put("encoder", key.encoder());
    m.put("model_sha256", key.modelSha256());
    m.put("tokenizer_sha256", key.tokenizerSha256());
    m.put("max_length", key.maxLength());
    m.put("dim", key.dim());
    m.put("storage", key.storage().name().toLowerCase(Locale.ROOT));
    m.put("next_segment", nextSegment);
    m.put("rows", index.size());
    ArrayNode arr = m.putArray("segments");
    for (Segment s : segments) {
      ObjectNode o = arr.addObject();
      o.put("file", s.file());
      o.put("rows", s.rows());
      o.put("tokens", s.tokens());
      o.put("bytes", s.bytes());
    }
    Path tmp = Files.createTempFile(dir, "." + MANIFEST, ".tmp");
    try {
      Files.writeString(tmp, json.writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Consumer<String> hook = testHook;
      if (hook != null) {
        hook.accept("manifest-temp");
      }
      move(tmp, dir.resolve(MANIFEST));
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Streams one segment into a temporary file. */
  private final class SegmentWriter {
    final String file;
    final Path tmp;
    final FileChannel ch;
    final CRC32C dataCrc = new CRC32C();
    final List<byte[]> keys = new ArrayList<>();
    final List<int[]> entries = new ArrayList<>(); // {length}
    long tokens;
    long dataBytes;
    long size;

    SegmentWriter(String file) throws IOException {
      this.file = file;
      this.tmp = Files.createTempFile(dir, "." + file, ".tmp");
      this.ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
      ch.position(HEADER);
    }

    void add(TextKey k, TokenFeatures f, int row) throws IOException {
      int len = f.lengths()[row];
      int n = len * f.dim();
      ByteBuffer b = ByteBuffer.allocate(n * key.storage().bytes()).order(ByteOrder.LITTLE_ENDIAN);
      int base = row * f.length() * f.dim();
      float[] v = f.values();
      if (key.storage() == Storage.FLOAT16) {
        for (int i = 0; i < n; i++) {
          b.putShort(Float16.fromFloat(v[base + i]));
        }
      } else {
        for (int i = 0; i < n; i++) {
          b.putFloat(v[base + i]);
        }
      }
      b.flip();
      dataCrc.update(b.duplicate());
      while (b.hasRemaining()) {
        ch.write(b);
      }
      keys.add(k.bytes());
      entries.add(new int[] {len});
      tokens += len;
      dataBytes += (long) n * key.storage().bytes();
    }

    /** Abandons the segment (after a failure): closes and deletes the temporary file. */
    void abandon() throws IOException {
      ch.close();
      Files.deleteIfExists(tmp);
    }

    void finish() throws IOException {
      try {
        ByteBuffer t =
            ByteBuffer.allocate(keys.size() * TABLE_ENTRY).order(ByteOrder.LITTLE_ENDIAN);
        long first = 0;
        for (int r = 0; r < keys.size(); r++) {
          t.put(keys.get(r));
          t.putLong(first);
          t.putInt(entries.get(r)[0]);
          t.putInt(0);
          first += entries.get(r)[0];
        }
        t.flip();
        ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        h.put(MAGIC);
        h.putInt(FORMAT);
        h.putInt(key.storage().code);
        h.putInt(key.dim());
        h.putInt(key.maxLength());
        h.putInt(keys.size());
        h.putInt(0);
        h.putLong(tokens);
        h.put(HexFormat.of().parseHex(key.modelSha256()));
        h.put(HexFormat.of().parseHex(key.tokenizerSha256()));
        h.putLong(HEADER + dataBytes);
        h.putInt((int) dataCrc.getValue());
        CRC32C crc = new CRC32C();
        crc.update(h.duplicate().flip());
        crc.update(t.duplicate());
        h.putInt((int) crc.getValue());
        h.position(0).limit(HEADER);
        ch.position(HEADER + dataBytes);
        while (t.hasRemaining()) {
          ch.write(t);
        }
        ch.position(0);
        while (h.hasRemaining()) {
          ch.write(h);
        }
        ch.force(true);
        size = ch.size();
      } finally {
        ch.close();
      }
    }
  }

  /**
   * The features of some cached texts as one padded batch.
   *
   * @param texts captions, all cached
   * @param padTo the batch's length {@code L}; 0 pads to the longest
   * @return {@code [N, L, dim]} features and real lengths
   * @throws IllegalArgumentException naming the first text that is not cached, or if a text is
   *     longer than {@code padTo}
   */
  public TokenFeatures get(List<String> texts, int padTo) {
    Row[] rows = new Row[texts.size()];
    int len = padTo;
    for (int i = 0; i < rows.length; i++) {
      rows[i] = index.get(TextKey.of(texts.get(i)));
      if (rows[i] == null) {
        throw new IllegalArgumentException(
            "caption not in the feature cache " + dir + ": \"" + texts.get(i) + "\"");
      }
      if (padTo == 0) {
        len = Math.max(len, rows[i].length());
      } else if (rows[i].length() > padTo) {
        throw new IllegalArgumentException(
            "caption has " + rows[i].length() + " tokens, more than " + padTo);
      }
    }
    int dim = key.dim();
    float[] values = new float[rows.length * len * dim];
    int[] lengths = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      Row r = rows[i];
      lengths[i] = r.length();
      ByteBuffer data = segments.get(r.segment()).data();
      int n = r.length() * dim;
      int out = i * len * dim;
      if (key.storage() == Storage.FLOAT16) {
        int at = Math.toIntExact(HEADER + r.firstToken() * dim * 2);
        for (int k = 0; k < n; k++) {
          values[out + k] = Float16.toFloat(data.getShort(at + 2 * k));
        }
      } else {
        int at = Math.toIntExact(HEADER + r.firstToken() * dim * 4);
        for (int k = 0; k < n; k++) {
          values[out + k] = data.getFloat(at + 4 * k);
        }
      }
    }
    return new TokenFeatures(rows.length, len, dim, values, lengths);
  }

  /**
   * Checks every segment's data checksum (reads all of it).
   *
   * @throws IOException naming the first damaged segment
   */
  public void verify() throws IOException {
    for (Segment s : segments) {
      ByteBuffer d = s.data().duplicate().position(HEADER).limit((int) s.data().getLong(104));
      CRC32C crc = new CRC32C();
      crc.update(d);
      if ((int) crc.getValue() != s.data().getInt(112)) {
        throw new IOException(dir.resolve(s.file()) + ": data checksum mismatch (damaged)");
      }
    }
  }

  /**
   * Rewrites the cache keeping only some texts' rows (copied, not recomputed), then deletes the old
   * segments. Atomic like {@link #update}.
   *
   * @param keep the texts to keep
   * @return rows dropped
   * @throws IOException if writing fails (the old state stays)
   */
  public int compact(Collection<String> keep) throws IOException {
    Set<TextKey> wanted = new java.util.HashSet<>();
    for (String t : keep) {
      wanted.add(TextKey.of(t));
    }
    int dropped = 0;
    for (TextKey k : index.keySet()) {
      if (!wanted.contains(k)) {
        dropped++;
      }
    }
    if (dropped == 0) {
      return 0;
    }
    try (Locked lock = Locked.tryLock(dir)) {
      if (lock == null) {
        throw new IOException("another process is updating the feature cache " + dir);
      }
      List<Segment> old = new ArrayList<>(segments);
      Map<TextKey, Row> oldIndex = new HashMap<>(index);
      int dim = key.dim();
      int vb = key.storage().bytes();
      SegmentWriter w =
          new SegmentWriter(String.format(Locale.ROOT, "segment-%06d.bin", nextSegment++));
      List<SegmentWriter> done = new ArrayList<>();
      for (Map.Entry<TextKey, Row> e : oldIndex.entrySet()) {
        if (!wanted.contains(e.getKey())) {
          continue;
        }
        Row r = e.getValue();
        ByteBuffer src = old.get(r.segment()).data();
        int at = Math.toIntExact(HEADER + r.firstToken() * dim * vb);
        ByteBuffer b = src.duplicate().position(at).limit(at + r.length() * dim * vb).slice();
        w.dataCrc.update(b.duplicate());
        while (b.hasRemaining()) {
          w.ch.write(b);
        }
        w.keys.add(e.getKey().bytes());
        w.entries.add(new int[] {r.length()});
        w.tokens += r.length();
        w.dataBytes += (long) r.length() * dim * vb;
        if (w.dataBytes >= DEFAULT_SEGMENT_BYTES) {
          w.finish();
          done.add(w);
          w = new SegmentWriter(String.format(Locale.ROOT, "segment-%06d.bin", nextSegment++));
        }
      }
      w.finish();
      done.add(w);
      for (SegmentWriter s : done) {
        move(s.tmp, dir.resolve(s.file));
      }
      segments.clear();
      index.clear();
      for (SegmentWriter s : done) {
        addSegment(readSegment(s.file));
      }
      writeManifest(); // the commit: from here on the old segments are unused
      for (Segment s : old) {
        Files.deleteIfExists(dir.resolve(s.file()));
      }
      return dropped;
    }
  }

  /** The first 128 bits of the SHA-256 of a text's UTF-8 bytes. */
  record TextKey(long hi, long lo) {
    static TextKey of(String text) {
      try {
        byte[] d =
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        return of(Arrays.copyOf(d, 16));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    static TextKey of(byte[] b16) {
      ByteBuffer b = ByteBuffer.wrap(b16);
      return new TextKey(b.getLong(), b.getLong());
    }

    byte[] bytes() {
      return ByteBuffer.allocate(16).putLong(hi).putLong(lo).array();
    }
  }
}
