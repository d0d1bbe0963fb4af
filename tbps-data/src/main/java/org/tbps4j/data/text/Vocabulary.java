package org.tbps4j.data.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tbps4j.data.JsonText;

/**
 * Word ↔ id table for captions (docs/data.md, CMPL recipe). Id {@value #PAD} is padding, id {@value
 * #UNK} is every unknown word, then the words seen at least {@code minCount} times in the training
 * captions, by descending count and then alphabetically ({@link String#compareTo}), so the same
 * captions always give the same table. Immutable and thread-safe.
 *
 * <p>Saved as JSON next to the model ({@link #save}) and used unchanged at inference; the file
 * records the {@link Tokenizer#NAME} it was built with and {@link #load} refuses another one.
 */
public final class Vocabulary {

  /** Id of the padding token. */
  public static final int PAD = 0;

  /** Id of unknown words. */
  public static final int UNK = 1;

  /** Word shown for {@link #PAD}. */
  public static final String PAD_TOKEN = "<pad>";

  /** Word shown for {@link #UNK}. */
  public static final String UNK_TOKEN = "<unk>";

  /** The CMPL minimum count. */
  public static final int DEFAULT_MIN_COUNT = 3;

  /** {@code format} field of the JSON file. */
  public static final String FORMAT = "tbps-vocabulary";

  private static final int VERSION = 1;

  private final List<String> words;
  private final long[] counts;
  private final Map<String, Integer> index;
  private final int minCount;

  private Vocabulary(List<String> words, long[] counts, int minCount) {
    this.words = Collections.unmodifiableList(new ArrayList<>(words));
    this.counts = counts.clone();
    this.minCount = minCount;
    this.index = new HashMap<>(words.size() * 2);
    for (int i = 0; i < words.size(); i++) {
      index.put(words.get(i), i);
    }
  }

  /**
   * Builds the table from tokenized training captions.
   *
   * @param tokenizedCaptions each caption as a token list (as {@link Tokenizer#tokenize} gives)
   * @param minCount a word is kept when it occurs at least this often (≥ 1)
   * @return the vocabulary
   * @throws IllegalArgumentException if {@code minCount < 1}
   */
  public static Vocabulary build(Iterable<? extends List<String>> tokenizedCaptions, int minCount) {
    if (minCount < 1) {
      throw new IllegalArgumentException("minCount must be >= 1, got " + minCount);
    }
    Map<String, long[]> freq = new HashMap<>();
    for (List<String> caption : tokenizedCaptions) {
      for (String w : caption) {
        freq.computeIfAbsent(w, k -> new long[1])[0]++;
      }
    }
    List<Map.Entry<String, long[]>> kept = new ArrayList<>();
    for (Map.Entry<String, long[]> e : freq.entrySet()) {
      if (e.getValue()[0] >= minCount
          && !e.getKey().equals(PAD_TOKEN)
          && !e.getKey().equals(UNK_TOKEN)) {
        kept.add(e);
      }
    }
    kept.sort(
        (a, b) -> {
          int c = Long.compare(b.getValue()[0], a.getValue()[0]);
          return c != 0 ? c : a.getKey().compareTo(b.getKey());
        });
    List<String> words = new ArrayList<>(kept.size() + 2);
    long[] counts = new long[kept.size() + 2];
    words.add(PAD_TOKEN);
    words.add(UNK_TOKEN);
    for (Map.Entry<String, long[]> e : kept) {
      counts[words.size()] = e.getValue()[0];
      words.add(e.getKey());
    }
    return new Vocabulary(words, counts, minCount);
  }

  /**
   * Builds the table from raw training captions, tokenized with {@link Tokenizer}.
   *
   * @param captions caption texts
   * @param minCount minimum count (≥ 1)
   * @return the vocabulary
   */
  public static Vocabulary fromCaptions(Iterable<String> captions, int minCount) {
    List<List<String>> tokenized = new ArrayList<>();
    for (String c : captions) {
      tokenized.add(Tokenizer.tokenize(c));
    }
    return build(tokenized, minCount);
  }

  /**
   * Number of ids, including {@link #PAD} and {@link #UNK}: the size of an embedding table.
   *
   * @return the vocabulary size
   */
  public int size() {
    return words.size();
  }

  /**
   * The minimum count the table was built with.
   *
   * @return minimum count
   */
  public int minCount() {
    return minCount;
  }

  /**
   * The id of a word.
   *
   * @param word a token (already tokenized)
   * @return its id, or {@link #UNK} when unknown
   */
  public int id(String word) {
    Integer i = index.get(word);
    return i == null || i == PAD ? UNK : i;
  }

  /**
   * Whether a word has its own id.
   *
   * @param word a token
   * @return true when {@link #id} is neither {@link #UNK} nor {@link #PAD}
   */
  public boolean contains(String word) {
    Integer i = index.get(word);
    return i != null && i > UNK;
  }

  /**
   * The word of an id.
   *
   * @param id an id in {@code [0, size())}
   * @return the word ({@link #PAD_TOKEN} and {@link #UNK_TOKEN} for the two reserved ids)
   * @throws IllegalArgumentException if the id is out of range
   */
  public String word(int id) {
    if (id < 0 || id >= words.size()) {
      throw new IllegalArgumentException(
          "token id " + id + " out of range [0, " + words.size() + ")");
    }
    return words.get(id);
  }

  /**
   * Training-caption count of the word with this id (0 for the reserved ids and loaded tables saved
   * without counts).
   *
   * @param id an id in {@code [0, size())}
   * @return its count
   */
  public long count(int id) {
    word(id);
    return counts[id];
  }

  /**
   * All words in id order.
   *
   * @return an unmodifiable list, {@code [PAD_TOKEN, UNK_TOKEN, most frequent, ...]}
   */
  public List<String> words() {
    return words;
  }

  /**
   * Encodes a text: tokenize, look up, truncate to {@code maxLength}, pad with {@link #PAD}.
   *
   * @param text the caption or query
   * @param maxLength L, the output length (≥ 1)
   * @return ids, length L
   */
  public int[] encode(String text, int maxLength) {
    return encode(Tokenizer.tokenize(text), maxLength);
  }

  /**
   * Encodes tokens: look up, truncate to {@code maxLength} (keeping the first tokens), pad with
   * {@link #PAD}.
   *
   * @param tokens tokenized text
   * @param maxLength L, the output length (≥ 1)
   * @return ids, length L
   * @throws IllegalArgumentException if {@code maxLength < 1}
   */
  public int[] encode(List<String> tokens, int maxLength) {
    return encodeDetailed(tokens, maxLength).ids();
  }

  /**
   * Encodes a text and says what was lost: use it for user queries, where a truncation deserves a
   * note.
   *
   * @param text the query
   * @param maxLength L (≥ 1)
   * @return the ids and the counts of tokens, unknown tokens and dropped tokens
   */
  public Encoding encodeDetailed(String text, int maxLength) {
    return encodeDetailed(Tokenizer.tokenize(text), maxLength);
  }

  /**
   * Encodes tokens and says what was lost.
   *
   * @param tokens tokenized text
   * @param maxLength L (≥ 1)
   * @return the ids and counts
   * @throws IllegalArgumentException if {@code maxLength < 1}
   */
  public Encoding encodeDetailed(List<String> tokens, int maxLength) {
    if (maxLength < 1) {
      throw new IllegalArgumentException("maxLength must be >= 1, got " + maxLength);
    }
    int[] ids = new int[maxLength];
    int n = Math.min(tokens.size(), maxLength);
    int unknown = 0;
    for (int i = 0; i < n; i++) {
      ids[i] = id(tokens.get(i));
      if (ids[i] == UNK) {
        unknown++;
      }
    }
    return new Encoding(ids, tokens.size(), unknown);
  }

  /**
   * The result of {@link #encodeDetailed}.
   *
   * @param ids the encoded ids, length L, padded with {@link #PAD}
   * @param tokenCount number of tokens in the text before truncation
   * @param unknownCount number of kept tokens that became {@link #UNK}
   */
  public record Encoding(int[] ids, int tokenCount, int unknownCount) {
    /**
     * Whether tokens were dropped to fit L.
     *
     * @return true when {@code tokenCount > ids.length}
     */
    public boolean truncated() {
      return tokenCount > ids.length;
    }
  }

  /**
   * Writes the table as JSON ({@code format}, {@code version}, {@code tokenizer}, {@code
   * min_count}, {@code words}, {@code counts}).
   *
   * @param file the target file
   * @throws IOException on write failure
   */
  public void save(Path file) throws IOException {
    Files.writeString(file, toJson());
  }

  /**
   * The JSON form written by {@link #save}.
   *
   * @return pretty-printed JSON
   */
  public String toJson() {
    ObjectNode root = JsonText.MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", VERSION);
    root.put("tokenizer", Tokenizer.NAME);
    root.put("min_count", minCount);
    ArrayNode w = root.putArray("words");
    words.forEach(w::add);
    ArrayNode c = root.putArray("counts");
    for (long v : counts) {
      c.add(v);
    }
    return JsonText.write(root);
  }

  /**
   * Reads a table written by {@link #save}.
   *
   * @param file the JSON file
   * @return the vocabulary
   * @throws IOException on read failure
   * @throws IllegalArgumentException if the file is not a vocabulary of this tokenizer; the message
   *     names the file and field
   */
  public static Vocabulary load(Path file) throws IOException {
    return fromJson(Files.readString(file), file.toString());
  }

  /**
   * Parses the JSON form written by {@link #toJson}.
   *
   * @param json the text
   * @param source a name for error messages (file name)
   * @return the vocabulary
   * @throws IllegalArgumentException on malformed or inconsistent content
   */
  public static Vocabulary fromJson(String json, String source) {
    JsonNode root = JsonText.readTree(json, source);
    if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
      throw new IllegalArgumentException(
          source + ": not a vocabulary file (field \"format\" must be \"" + FORMAT + "\")");
    }
    if (root.path("version").asInt(-1) != VERSION) {
      throw new IllegalArgumentException(
          source + ": unsupported vocabulary version " + root.path("version") + " (supported: 1)");
    }
    String tok = root.path("tokenizer").asText();
    if (!Tokenizer.NAME.equals(tok)) {
      throw new IllegalArgumentException(
          source
              + ": vocabulary was built with tokenizer \""
              + tok
              + "\", this build has \""
              + Tokenizer.NAME
              + "\"");
    }
    JsonNode w = root.path("words");
    if (!w.isArray() || w.size() < 2) {
      throw new IllegalArgumentException(
          source + ": field \"words\" must be an array starting with <pad>, <unk>");
    }
    List<String> words = new ArrayList<>(w.size());
    for (int i = 0; i < w.size(); i++) {
      if (!w.get(i).isTextual()) {
        throw new IllegalArgumentException(source + ": words[" + i + "] is not a string");
      }
      words.add(w.get(i).asText());
    }
    if (!PAD_TOKEN.equals(words.get(PAD)) || !UNK_TOKEN.equals(words.get(UNK))) {
      throw new IllegalArgumentException(
          source + ": words[0] and words[1] must be " + PAD_TOKEN + " and " + UNK_TOKEN);
    }
    if (words.stream().distinct().count() != words.size()) {
      throw new IllegalArgumentException(source + ": field \"words\" has duplicates");
    }
    long[] counts = new long[words.size()];
    JsonNode c = root.path("counts");
    if (c.isArray()) {
      if (c.size() != words.size()) {
        throw new IllegalArgumentException(
            source + ": \"counts\" has " + c.size() + " values for " + words.size() + " words");
      }
      for (int i = 0; i < counts.length; i++) {
        counts[i] = c.get(i).asLong();
      }
    }
    int minCount = root.path("min_count").asInt(DEFAULT_MIN_COUNT);
    return new Vocabulary(words, counts, minCount);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Vocabulary v
        && v.words.equals(words)
        && Arrays.equals(v.counts, counts)
        && v.minCount == minCount;
  }

  @Override
  public int hashCode() {
    return words.hashCode() * 31 + minCount;
  }

  @Override
  public String toString() {
    return "Vocabulary(" + words.size() + " ids, min count " + minCount + ")";
  }
}
