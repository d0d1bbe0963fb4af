package org.tbps4j.model.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tbps4j.eval.ChunkedRetrieval;
import org.tbps4j.model.ManifestZip;

/**
 * A searchable gallery: L2-normalised image embeddings with their person ids and image paths, and
 * the precomputed ESA sets when the model has the head. Saved as one zip ({@code gallery.json} +
 * {@code embeddings.npy} + {@code sets.npy}), atomically. Top-k search runs through {@link
 * ChunkedRetrieval} (dot products, or {@code s_global + λ·S_set} with ESA).
 *
 * <p>A gallery file may come from someone else (see docs/security.md): {@link #load} accepts only
 * image paths that are relative, normalised ({@code /}-separated, no {@code .}, {@code ..} or empty
 * segments) and free of control characters, so that a path can be resolved under the gallery's
 * folder without leaving it. The optional {@link #key()} (a folder cache's key) is stored inside
 * the same file, so a gallery and its key are always written and read together.
 */
public final class Gallery {
  /** Value of {@code gallery.json}'s {@code format} field. */
  public static final String FORMAT = "tbps4j-gallery";

  /** Version of the saved format. */
  public static final int FORMAT_VERSION = 1;

  private static final String META = "gallery.json";
  private static final String EMBEDDINGS = "embeddings.npy";
  private static final String SETS = "sets.npy";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One search result.
   *
   * @param index gallery index
   * @param personId the item's person id
   * @param path the item's image path
   * @param score the retrieval score (cosine, plus {@code λ·S_set} with ESA)
   */
  public record Hit(int index, long personId, String path, double score) {}

  private final INDArray embeddings;
  private final long[] personIds;
  private final List<String> paths;
  private final INDArray sets;
  private final double lambda;
  private final String key;

  /**
   * Creates a gallery.
   *
   * @param embeddings L2-normalised {@code [G, D]} (converted to FLOAT)
   * @param personIds person id per item, length {@code G}
   * @param paths image path per item, length {@code G}
   * @param sets normalised ESA sets {@code [G, M, D]}, or null
   * @param lambda weight {@code λ} of the set similarity (ignored without sets)
   * @throws IllegalArgumentException when sizes disagree
   */
  public Gallery(
      INDArray embeddings, long[] personIds, List<String> paths, INDArray sets, double lambda) {
    this(embeddings, personIds, paths, sets, lambda, null);
  }

  private Gallery(
      INDArray embeddings,
      long[] personIds,
      List<String> paths,
      INDArray sets,
      double lambda,
      String key) {
    if (embeddings.rank() != 2 || embeddings.rows() == 0) {
      throw new IllegalArgumentException(
          "gallery embeddings must be a non-empty [G, D] matrix, got "
              + Arrays.toString(embeddings.shape()));
    }
    long g = embeddings.rows();
    if (personIds.length != g || paths.size() != g) {
      throw new IllegalArgumentException(
          "gallery has "
              + g
              + " embeddings but "
              + personIds.length
              + " person ids and "
              + paths.size()
              + " paths");
    }
    if (sets != null
        && (sets.rank() != 3 || sets.size(0) != g || sets.size(2) != embeddings.columns())) {
      throw new IllegalArgumentException(
          "gallery sets must be ["
              + g
              + ", M, "
              + embeddings.columns()
              + "], got "
              + Arrays.toString(sets.shape()));
    }
    this.embeddings = embeddings.castTo(DataType.FLOAT);
    this.personIds = personIds.clone();
    this.paths = List.copyOf(paths);
    this.sets = sets == null ? null : sets.castTo(DataType.FLOAT);
    this.lambda = lambda;
    this.key = key;
  }

  /**
   * A copy carrying a key (e.g. the content key of a folder cache), saved inside the file.
   *
   * @param key any text, or null for none
   * @return the copy
   */
  public Gallery withKey(String key) {
    return new Gallery(embeddings, personIds, paths, sets, lambda, key);
  }

  /**
   * The key stored with the gallery.
   *
   * @return the key, or null
   */
  public String key() {
    return key;
  }

  /**
   * Why a stored image path is not acceptable in a gallery file, or null when it is: it must be
   * relative, normalised ({@code /} separators, no empty, {@code .} or {@code ..} segments) and
   * free of control characters.
   *
   * @param path the stored path
   * @return the reason, or null
   */
  public static String pathProblem(String path) {
    if (path == null || path.isEmpty()) {
      return "is empty";
    }
    for (int i = 0; i < path.length(); i++) {
      if (Character.isISOControl(path.charAt(i))) {
        return "contains a control character";
      }
    }
    if (path.startsWith("/")
        || path.startsWith("\\")
        || path.startsWith("~")
        || (path.length() >= 2 && path.charAt(1) == ':' && Character.isLetter(path.charAt(0)))) {
      return "is absolute (gallery paths are relative to the gallery's folder)";
    }
    // the same rule as the dataset readers' (tbps-data ImagePaths): '/' and '\' both separate
    java.util.Deque<String> parts = new java.util.ArrayDeque<>();
    for (String seg : path.split("[/\\\\]", -1)) {
      if (seg.equals("..")) {
        if (parts.isEmpty()) {
          return "leaves the gallery's folder (\"..\" above it)";
        }
        parts.removeLast();
      } else if (!seg.isEmpty() && !seg.equals(".")) {
        parts.addLast(seg);
      }
    }
    String normal = String.join("/", parts);
    if (!path.equals(normal)) {
      return "is not normalised (expected \"" + normal + "\")";
    }
    return null;
  }

  /** Text for a message: control and format characters as {@code \}{@code uXXXX}. */
  private static String printable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
        b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * Creates a gallery from embeddings computed by {@link Embedder#embedImagesWithSets}.
   *
   * @param images the image embeddings (and sets)
   * @param personIds person id per item
   * @param paths image path per item
   * @param lambda weight of the set similarity (the model's {@code esa.lambda})
   * @return the gallery
   */
  public static Gallery of(Embeddings images, long[] personIds, List<String> paths, double lambda) {
    return new Gallery(images.global(), personIds, paths, images.sets(), lambda);
  }

  /**
   * Number of items.
   *
   * @return {@code G}
   */
  public int size() {
    return (int) embeddings.rows();
  }

  /**
   * The embeddings.
   *
   * @return FLOAT {@code [G, D]}
   */
  public INDArray embeddings() {
    return embeddings;
  }

  /**
   * The ESA sets.
   *
   * @return FLOAT {@code [G, M, D]} or null
   */
  public INDArray sets() {
    return sets;
  }

  /**
   * Person ids.
   *
   * @return a copy, length {@code G}
   */
  public long[] personIds() {
    return personIds.clone();
  }

  /**
   * Image paths.
   *
   * @return unmodifiable list, length {@code G}
   */
  public List<String> paths() {
    return paths;
  }

  /**
   * The set-similarity weight.
   *
   * @return {@code λ}
   */
  public double lambda() {
    return lambda;
  }

  /**
   * A chunked scorer of queries against this gallery: dot products, or {@code s_global + λ·S_set}
   * when both the gallery and the queries have sets.
   *
   * @param queries query embeddings (normalised)
   * @return a scorer for {@link ChunkedRetrieval#evaluate(ChunkedRetrieval.Scorer, long[], long[],
   *     int)} or {@link ChunkedRetrieval#topK(ChunkedRetrieval.Scorer, int, int, int)}
   */
  public ChunkedRetrieval.Scorer scorer(Embeddings queries) {
    if (queries.global().columns() != embeddings.columns()) {
      throw new IllegalArgumentException(
          "query embeddings have D="
              + queries.global().columns()
              + ", the gallery has D="
              + embeddings.columns());
    }
    if (sets != null && queries.sets() != null) {
      return SetSimilarity.scorer(queries.global(), queries.sets(), embeddings, sets, lambda);
    }
    return ChunkedRetrieval.dotProduct(queries.global(), embeddings);
  }

  /**
   * Top-k search.
   *
   * @param queries query embeddings {@code [Q, D]} (and sets {@code [Q, M, D]} with ESA)
   * @param k results per query ({@code min(k, G)} are returned)
   * @return per query, the best items first (ties by lower index)
   */
  public List<List<Hit>> search(Embeddings queries, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    int q = queries.size();
    ChunkedRetrieval cr = new ChunkedRetrieval(ChunkedRetrieval.chunkSizeFor(size(), 64L << 20));
    ChunkedRetrieval.Top top = cr.topKWithScores(scorer(queries), q, size(), Math.min(k, size()));
    List<List<Hit>> out = new ArrayList<>(q);
    for (int i = 0; i < q; i++) {
      int[] idx = top.indices()[i];
      List<Hit> hits = new ArrayList<>(idx.length);
      for (int j = 0; j < idx.length; j++) {
        hits.add(new Hit(idx[j], personIds[idx[j]], paths.get(idx[j]), top.scores()[i][j]));
      }
      out.add(hits);
    }
    return out;
  }

  /**
   * Saves the gallery to one zip file, atomically.
   *
   * @param file the target
   * @throws IOException on write errors
   */
  public void save(Path file) throws IOException {
    ObjectNode meta = JSON.createObjectNode();
    meta.put("format", FORMAT);
    meta.put("formatVersion", FORMAT_VERSION);
    meta.put("size", size());
    meta.put("dim", embeddings.columns());
    meta.put("sets", sets == null ? 0 : sets.size(1));
    meta.put("lambda", lambda);
    if (key != null) {
      meta.put("key", key);
    }
    ArrayNode ids = meta.putArray("personIds");
    for (long id : personIds) {
      ids.add(id);
    }
    ArrayNode ps = meta.putArray("paths");
    paths.forEach(ps::add);
    ManifestZip.write(
        file,
        META,
        meta,
        zip -> {
          zip.put(EMBEDDINGS, Nd4j.toNpyByteArray(embeddings));
          if (sets != null) {
            zip.put(SETS, Nd4j.toNpyByteArray(sets));
          }
        });
  }

  /**
   * Loads a gallery saved by {@link #save}.
   *
   * @param file the gallery file
   * @return the gallery
   * @throws IOException on read errors
   * @throws IllegalArgumentException if the file is not a gallery, or a stored path is unsafe
   *     ({@link #pathProblem}); the message names the file and the entry
   */
  public static Gallery load(Path file) throws IOException {
    if (!Files.exists(file)) {
      throw new NoSuchFileException(file.toString(), null, "gallery file not found");
    }
    return ManifestZip.read(file, META, "gallery file", Gallery::read);
  }

  private static Gallery read(ManifestZip.Opened zip) throws IOException {
    Path file = zip.file();
    JsonNode meta = zip.manifest();
    if (!FORMAT.equals(meta.path("format").asText())
        || meta.path("formatVersion").asInt(-1) != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          file + ": " + META + " is not a " + FORMAT + " version " + FORMAT_VERSION + " file");
    }
    long size = meta.path("size").asLong(-1);
    long dim = meta.path("dim").asLong(-1);
    long m = meta.path("sets").asLong(0);
    if (size < 1 || dim < 1 || m < 0) {
      throw new IllegalArgumentException(
          file + ": " + META + ": size, dim and sets must be positive numbers");
    }
    INDArray emb = Npy.read(zip.entry(EMBEDDINGS), file + ": " + EMBEDDINGS);
    requireShape(file, EMBEDDINGS, emb, new long[] {size, dim});
    INDArray sets = null;
    if (m > 0) {
      sets = Npy.read(zip.entry(SETS), file + ": " + SETS);
      requireShape(file, SETS, sets, new long[] {size, m, dim});
    }
    JsonNode storedIds = meta.path("personIds");
    if (storedIds.size() != size || meta.path("paths").size() != size) {
      throw new IllegalArgumentException(
          file
              + ": "
              + META
              + " lists "
              + storedIds.size()
              + " person ids and "
              + meta.path("paths").size()
              + " paths for a gallery of "
              + size);
    }
    long[] ids = new long[storedIds.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = storedIds.get(i).asLong();
    }
    List<String> paths = new ArrayList<>();
    JsonNode stored = meta.path("paths");
    for (int i = 0; i < stored.size(); i++) {
      JsonNode n = stored.get(i);
      String why = n.isTextual() ? pathProblem(n.asText()) : "is not a string";
      if (why != null) {
        throw new IllegalArgumentException(
            file
                + ": "
                + META
                + ": paths["
                + i
                + "] \""
                + printable(n.asText())
                + "\" "
                + why
                + " (gallery paths are relative to the gallery's folder); refused");
      }
      paths.add(n.asText());
    }
    JsonNode key = meta.get("key");
    return new Gallery(
        emb,
        ids,
        paths,
        sets,
        meta.path("lambda").asDouble(),
        key != null && key.isTextual() ? key.asText() : null);
  }

  private static void requireShape(Path file, String entry, INDArray a, long[] want) {
    if (!Arrays.equals(a.shape(), want)) {
      throw new IllegalArgumentException(
          file
              + ": "
              + entry
              + " has shape "
              + Arrays.toString(a.shape())
              + ", "
              + META
              + " says "
              + Arrays.toString(want));
    }
  }
}
