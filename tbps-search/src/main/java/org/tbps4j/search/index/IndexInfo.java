package org.tbps4j.search.index;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an index records about itself: the model that built it (content hash and the file it was
 * read from), the embedding dimension, the image root its relative paths live under, what it was
 * built from, when, whether the build finished, and the HNSW parameters: the graph's (used by every
 * later write, so all segments share them) and the search width queries use unless told otherwise.
 * Stored as string pairs (Lucene commit user data, a Solr metadata document); an index written
 * before {@code hnsw_ef_search} was recorded reads as {@link #DEFAULT_EF_SEARCH}.
 *
 * @param modelHash SHA-256 (hex) of the model file that embedded the images
 * @param modelFile the model file's absolute path when the index was built (a default for queries)
 * @param dim embedding dimension {@code D}
 * @param imageRoot absolute path of the folder the stored paths are relative to
 * @param source what the build embedded ({@code images:DIR} or {@code data:ROOT:SPLIT})
 * @param created when the index was created
 * @param updated when it was last committed
 * @param complete whether {@code tbps index build} finished (false while a build can resume)
 * @param hnswM HNSW graph degree ({@code M}, Lucene's {@code maxConn})
 * @param hnswBeamWidth HNSW construction beam width ({@code efConstruction})
 * @param hnswEfSearch HNSW candidates a query explores by default ({@code efSearch})
 */
public record IndexInfo(
    String modelHash,
    String modelFile,
    int dim,
    String imageRoot,
    String source,
    Instant created,
    Instant updated,
    boolean complete,
    int hnswM,
    int hnswBeamWidth,
    int hnswEfSearch) {

  /** Value of the {@code format} key. */
  public static final String FORMAT = "tbps4j-index";

  /** Version of the stored layout. */
  public static final int FORMAT_VERSION = 1;

  /**
   * Default HNSW degree (Lucene's default is 16). With {@link #DEFAULT_BEAM_WIDTH} and {@link
   * #DEFAULT_EF_SEARCH} it reaches recall@10 &ge; 0.95 on the benchmark's clustered 100,000-vector
   * gallery with the fewest vectors scored per query (docs/search.md, "Choosing the HNSW
   * parameters").
   */
  public static final int DEFAULT_M = 32;

  /** Default HNSW construction beam width (Lucene's default is 100). */
  public static final int DEFAULT_BEAM_WIDTH = 200;

  /**
   * Default HNSW search width of an index ({@code efSearch}); also what an index written before the
   * width was recorded reads as.
   */
  public static final int DEFAULT_EF_SEARCH = 150;

  /** Largest HNSW search width. */
  public static final int MAX_EF_SEARCH = 10_000;

  /**
   * An info with the default search width {@link #DEFAULT_EF_SEARCH}.
   *
   * @param modelHash SHA-256 (hex) of the model file
   * @param modelFile the model file's absolute path
   * @param dim embedding dimension
   * @param imageRoot absolute path of the image root
   * @param source what the build embedded
   * @param created when the index was created
   * @param updated when it was last committed
   * @param complete whether the build finished
   * @param hnswM HNSW graph degree
   * @param hnswBeamWidth HNSW construction beam width
   */
  public IndexInfo(
      String modelHash,
      String modelFile,
      int dim,
      String imageRoot,
      String source,
      Instant created,
      Instant updated,
      boolean complete,
      int hnswM,
      int hnswBeamWidth) {
    this(
        modelHash,
        modelFile,
        dim,
        imageRoot,
        source,
        created,
        updated,
        complete,
        hnswM,
        hnswBeamWidth,
        DEFAULT_EF_SEARCH);
  }

  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException when a field is out of range
   */
  public IndexInfo {
    if (modelHash == null || !modelHash.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("model hash must be 64 hex digits, got " + modelHash);
    }
    if (dim < 1 || dim > 4096) {
      throw new IllegalArgumentException("dim must be in 1..4096, got " + dim);
    }
    if (hnswM < 2 || hnswM > 512 || hnswBeamWidth < 1 || hnswBeamWidth > 3200) {
      throw new IllegalArgumentException(
          "HNSW m must be in 2..512 and beam width in 1..3200, got "
              + hnswM
              + " and "
              + hnswBeamWidth);
    }
    if (hnswEfSearch < 1 || hnswEfSearch > MAX_EF_SEARCH) {
      throw new IllegalArgumentException(
          "HNSW ef search must be in 1.." + MAX_EF_SEARCH + ", got " + hnswEfSearch);
    }
  }

  /**
   * A copy with another completion flag and update time.
   *
   * @param done the new flag
   * @param now the update time
   * @return the copy
   */
  public IndexInfo withComplete(boolean done, Instant now) {
    return new IndexInfo(
        modelHash,
        modelFile,
        dim,
        imageRoot,
        source,
        created,
        now,
        done,
        hnswM,
        hnswBeamWidth,
        hnswEfSearch);
  }

  /**
   * A copy with another default search width.
   *
   * @param ef the HNSW candidates a query explores by default
   * @return the copy
   */
  public IndexInfo withEfSearch(int ef) {
    return new IndexInfo(
        modelHash,
        modelFile,
        dim,
        imageRoot,
        source,
        created,
        updated,
        complete,
        hnswM,
        hnswBeamWidth,
        ef);
  }

  /**
   * The string pairs this info is stored as.
   *
   * @return an ordered map
   */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("format", FORMAT);
    m.put("format_version", Integer.toString(FORMAT_VERSION));
    m.put("model_sha256", modelHash);
    m.put("model_file", modelFile);
    m.put("dim", Integer.toString(dim));
    m.put("image_root", imageRoot);
    m.put("source", source);
    m.put("created", created.toString());
    m.put("updated", updated.toString());
    m.put("complete", Boolean.toString(complete));
    m.put("hnsw_m", Integer.toString(hnswM));
    m.put("hnsw_beam_width", Integer.toString(hnswBeamWidth));
    m.put("hnsw_ef_search", Integer.toString(hnswEfSearch));
    return m;
  }

  /**
   * Reads the pairs {@link #toMap()} wrote.
   *
   * @param m the stored pairs
   * @param where the index, for messages
   * @return the info
   * @throws IllegalArgumentException when a key is missing or malformed (names the index and key)
   */
  public static IndexInfo fromMap(Map<String, String> m, String where) {
    if (!FORMAT.equals(m.get("format"))) {
      throw new IllegalArgumentException(
          where + ": not a TBPS4J index (no format=" + FORMAT + " in its metadata)");
    }
    int version = integer(m, "format_version", where);
    if (version != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          where
              + ": index format version "
              + version
              + " is not supported (this build reads version "
              + FORMAT_VERSION
              + ")");
    }
    try {
      return new IndexInfo(
          text(m, "model_sha256", where),
          text(m, "model_file", where),
          integer(m, "dim", where),
          text(m, "image_root", where),
          text(m, "source", where),
          Instant.parse(text(m, "created", where)),
          Instant.parse(text(m, "updated", where)),
          Boolean.parseBoolean(text(m, "complete", where)),
          integer(m, "hnsw_m", where),
          integer(m, "hnsw_beam_width", where),
          m.containsKey("hnsw_ef_search")
              ? integer(m, "hnsw_ef_search", where)
              : DEFAULT_EF_SEARCH);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(where + ": bad date in the index metadata: " + e);
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(where)) {
        throw e;
      }
      throw new IllegalArgumentException(where + ": bad index metadata: " + e.getMessage(), e);
    }
  }

  private static String text(Map<String, String> m, String key, String where) {
    String v = m.get(key);
    if (v == null) {
      throw new IllegalArgumentException(where + ": index metadata has no '" + key + "'");
    }
    return v;
  }

  private static int integer(Map<String, String> m, String key, String where) {
    String v = text(m, key, where);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          where + ": index metadata '" + key + "' is not an integer: " + v);
    }
  }
}
