package org.tbps4j.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The BERT (uncased) WordPiece tokenizer described by a HuggingFace {@code tokenizer.json}: our own
 * implementation of the published algorithm, checked against ids produced by the reference library
 * ({@code WordPieceTokenizerTest}).
 *
 * <p><b>Normalisation</b> ({@code BertNormalizer}), code point by code point, in this order:
 *
 * <ol>
 *   <li>clean text: drop U+0000, U+FFFD and "other" characters (Unicode categories Cc, Cf, Cn, Co,
 *       Cs, except tab, newline and carriage return); every white-space character becomes a space;
 *   <li>CJK ideographs (the CJK Unified Ideographs blocks and their extensions A–E, the
 *       compatibility ideographs) get a space on each side, so each becomes a word;
 *   <li>strip accents (when {@code strip_accents} is true, or null and {@code lowercase} is true):
 *       canonical decomposition (NFD), then drop non-spacing marks (Mn): {@code "Café"} → {@code
 *       "Cafe"};
 *   <li>lower-case each code point on its own (no context rules: {@code Σ} is always {@code σ}).
 * </ol>
 *
 * <p><b>Words</b> ({@code BertPreTokenizer}): split at white space (removed) and around every
 * punctuation character (kept as a word of its own). Punctuation is ASCII punctuation ({@code
 * !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~}, so also {@code $ + < = > ^ ` | ~}) or a Unicode P* category.
 *
 * <p><b>WordPiece</b>: a word longer than {@code max_input_chars_per_word} code points is {@code
 * [UNK]}; otherwise the longest vocabulary entry that starts the word is taken, then the longest
 * {@code ##}-prefixed entry that starts the rest, and so on; if some rest has no entry, the whole
 * word is one {@code [UNK]}.
 *
 * <p><b>Added tokens</b>: the file's {@code added_tokens} ({@code [CLS]}, {@code [SEP]}, {@code
 * [UNK]}, {@code [PAD]}, {@code [MASK]}) are matched in the raw text first (leftmost, longest) and
 * become their own ids; the text between them is tokenized as above.
 *
 * <p><b>Sequence</b>: {@code [CLS]} + word pieces + {@code [SEP]}, the pieces truncated so that the
 * whole is at most {@link #maxLength()} ids. Padding (id {@link #padId()}) is the caller's choice
 * ({@link #pad}).
 *
 * <p>Immutable and thread-safe.
 */
public final class WordPieceTokenizer {
  private final String source;
  private final Map<String, Integer> vocab;
  private final Map<String, Integer> added;
  private final String addedFirstChars;
  private final String[] idToToken;
  private final boolean cleanText;
  private final boolean chineseChars;
  private final boolean stripAccents;
  private final boolean lowercase;
  private final String unkToken;
  private final int unkId;
  private final String prefix;
  private final int maxInputCharsPerWord;
  private final int clsId;
  private final int sepId;
  private final int padId;
  private final int maxLength;

  private WordPieceTokenizer(
      String source,
      Map<String, Integer> vocab,
      Map<String, Integer> added,
      boolean cleanText,
      boolean chineseChars,
      boolean stripAccents,
      boolean lowercase,
      String unkToken,
      String prefix,
      int maxInputCharsPerWord,
      int clsId,
      int sepId,
      int padId,
      int maxLength) {
    this.source = source;
    this.vocab = vocab;
    this.added = added;
    StringBuilder first = new StringBuilder();
    added.keySet().forEach(t -> first.append(t.charAt(0)));
    this.addedFirstChars = first.toString();
    int maxId = vocab.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
    this.idToToken = new String[maxId + 1];
    vocab.forEach((t, id) -> idToToken[id] = t);
    this.cleanText = cleanText;
    this.chineseChars = chineseChars;
    this.stripAccents = stripAccents;
    this.lowercase = lowercase;
    this.unkToken = unkToken;
    this.unkId = vocab.get(unkToken);
    this.prefix = prefix;
    this.maxInputCharsPerWord = maxInputCharsPerWord;
    this.clsId = clsId;
    this.sepId = sepId;
    this.padId = padId;
    this.maxLength = maxLength;
  }

  /**
   * Reads a {@code tokenizer.json} file.
   *
   * @param file the file
   * @param maxLength the longest id sequence {@link #encode} returns, {@code [CLS]} and {@code
   *     [SEP]} included (≥ 2); 0 takes the file's {@code truncation.max_length}
   * @return the tokenizer
   * @throws TextModelFileException naming the file when it is missing, not JSON, or not a BERT
   *     WordPiece tokenizer this class implements
   */
  public static WordPieceTokenizer read(Path file, int maxLength) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new TextModelFileException(file.toString(), "tokenizer file not found", e);
    } catch (IOException e) {
      throw new TextModelFileException(file.toString(), "cannot read: " + e.getMessage(), e);
    }
    return parse(bytes, file.toString(), maxLength);
  }

  /**
   * Parses the content of a {@code tokenizer.json}.
   *
   * @param json the file's bytes (UTF-8)
   * @param source the file or resource name used in error messages
   * @param maxLength as in {@link #read}
   * @return the tokenizer
   * @throws TextModelFileException naming {@code source} when the content is not a supported
   *     tokenizer
   */
  public static WordPieceTokenizer parse(byte[] json, String source, int maxLength) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new TextModelFileException(
          source, "not a valid tokenizer.json (JSON error: " + e.getOriginalMessage() + ")", e);
    } catch (IOException e) {
      throw new TextModelFileException(source, "cannot parse: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new TextModelFileException(source, "not a tokenizer.json (no JSON object)");
    }
    JsonNode model = root.path("model");
    expect(source, "model.type", model.path("type"), "WordPiece");
    JsonNode vocabNode = model.path("vocab");
    if (!vocabNode.isObject() || vocabNode.size() == 0) {
      throw new TextModelFileException(source, "model.vocab is missing or empty");
    }
    Map<String, Integer> vocab = new HashMap<>(vocabNode.size() * 2);
    for (Map.Entry<String, JsonNode> e : vocabNode.properties()) {
      if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 0) {
        throw new TextModelFileException(
            source, "model.vocab entry \"" + e.getKey() + "\" has no non-negative id");
      }
      vocab.put(e.getKey(), e.getValue().asInt());
    }
    JsonNode norm = root.path("normalizer");
    expect(source, "normalizer.type", norm.path("type"), "BertNormalizer");
    expect(
        source, "pre_tokenizer.type", root.path("pre_tokenizer").path("type"), "BertPreTokenizer");
    boolean lower = norm.path("lowercase").asBoolean(true);
    JsonNode strip = norm.path("strip_accents");
    boolean stripAccents = strip.isNull() || strip.isMissingNode() ? lower : strip.asBoolean();
    String unk = model.path("unk_token").asText("[UNK]");
    String cls = "[CLS]";
    String sep = "[SEP]";
    for (String special : List.of(unk, cls, sep)) {
      if (!vocab.containsKey(special)) {
        throw new TextModelFileException(source, "model.vocab has no " + special + " token");
      }
    }
    JsonNode post = root.path("post_processor");
    String postType = post.path("type").asText("");
    if (!postType.equals("TemplateProcessing") && !postType.equals("BertProcessing")) {
      throw new TextModelFileException(
          source,
          "post_processor.type is \""
              + postType
              + "\"; expected TemplateProcessing or BertProcessing ([CLS] A [SEP])");
    }
    int fileMax = root.path("truncation").path("max_length").asInt(512);
    int len = maxLength == 0 ? fileMax : maxLength;
    if (len < 2) {
      throw new IllegalArgumentException("maxLength must be >= 2 ([CLS] and [SEP]), got " + len);
    }
    int pad = root.path("padding").path("pad_id").asInt(vocab.getOrDefault("[PAD]", 0));
    Map<String, Integer> added = new HashMap<>();
    for (JsonNode t : root.path("added_tokens")) {
      String content = t.path("content").asText("");
      if (content.isEmpty() || !t.path("id").canConvertToInt()) {
        throw new TextModelFileException(source, "added_tokens entry without content or id: " + t);
      }
      if (t.path("normalized").asBoolean(false)
          || t.path("lstrip").asBoolean(false)
          || t.path("rstrip").asBoolean(false)
          || t.path("single_word").asBoolean(false)) {
        throw new TextModelFileException(
            source,
            "added token \""
                + content
                + "\" is normalized/lstrip/rstrip/single_word; only exact raw-text matches are"
                + " supported");
      }
      added.put(content, t.path("id").asInt());
    }
    return new WordPieceTokenizer(
        source,
        vocab,
        added,
        norm.path("clean_text").asBoolean(true),
        norm.path("handle_chinese_chars").asBoolean(true),
        stripAccents,
        lower,
        unk,
        model.path("continuing_subword_prefix").asText("##"),
        model.path("max_input_chars_per_word").asInt(100),
        vocab.get(cls),
        vocab.get(sep),
        pad,
        len);
  }

  private static void expect(String source, String field, JsonNode node, String value) {
    if (!value.equals(node.asText(null))) {
      throw new TextModelFileException(
          source,
          field
              + " is "
              + (node.isMissingNode() ? "missing" : "\"" + node.asText() + "\"")
              + "; expected \""
              + value
              + "\" (a BERT WordPiece tokenizer)");
    }
  }

  /**
   * A copy with another maximum length.
   *
   * @param newMaxLength the longest id sequence, {@code [CLS]} and {@code [SEP]} included (≥ 2)
   * @return the tokenizer
   */
  public WordPieceTokenizer withMaxLength(int newMaxLength) {
    if (newMaxLength < 2) {
      throw new IllegalArgumentException("maxLength must be >= 2, got " + newMaxLength);
    }
    return new WordPieceTokenizer(
        source,
        vocab,
        added,
        cleanText,
        chineseChars,
        stripAccents,
        lowercase,
        unkToken,
        prefix,
        maxInputCharsPerWord,
        clsId,
        sepId,
        padId,
        newMaxLength);
  }

  /**
   * The longest id sequence {@link #encode} returns ({@code [CLS]} and {@code [SEP]} included).
   *
   * @return the maximum length
   */
  public int maxLength() {
    return maxLength;
  }

  /**
   * The padding id.
   *
   * @return {@code [PAD]}'s id (0 for BERT)
   */
  public int padId() {
    return padId;
  }

  /**
   * Vocabulary size (largest id + 1).
   *
   * @return the size
   */
  public int vocabularySize() {
    return idToToken.length;
  }

  /**
   * The token of an id.
   *
   * @param id an id
   * @return its vocabulary entry
   */
  public String token(int id) {
    return idToToken[id];
  }

  /**
   * The id sequence of a text: {@code [CLS]}, its word pieces (truncated), {@code [SEP]}; no
   * padding.
   *
   * @param text any text (null is empty)
   * @return ids, length in {@code [2, maxLength]}
   */
  public int[] encode(String text) {
    List<String> pieces = tokenize(text);
    int n = Math.min(pieces.size(), maxLength - 2);
    int[] ids = new int[n + 2];
    ids[0] = clsId;
    for (int i = 0; i < n; i++) {
      String piece = pieces.get(i);
      Integer special = added.get(piece);
      ids[i + 1] = special != null ? special : vocab.getOrDefault(piece, unkId);
    }
    ids[n + 1] = sepId;
    return ids;
  }

  /**
   * The word pieces of a text, without the special tokens and without truncation.
   *
   * @param text any text (null is empty)
   * @return the pieces (vocabulary entries, {@code [UNK]} for unknown words)
   */
  public List<String> tokenize(String text) {
    List<String> out = new ArrayList<>();
    if (text == null) {
      return out;
    }
    int from = 0;
    int i = 0;
    while (i < text.length()) {
      String special = addedTokenAt(text, i);
      if (special == null) {
        i++;
        continue;
      }
      tokenizeSegment(text.substring(from, i), out);
      out.add(special);
      i += special.length();
      from = i;
    }
    tokenizeSegment(text.substring(from), out);
    return out;
  }

  private void tokenizeSegment(String segment, List<String> out) {
    if (segment.isEmpty()) {
      return;
    }
    for (String word : words(normalize(segment))) {
      wordPiece(word, out);
    }
  }

  /** The longest added token (e.g. {@code [SEP]}) that starts at {@code i}, or null. */
  private String addedTokenAt(String text, int i) {
    if (addedFirstChars.indexOf(text.charAt(i)) < 0) {
      return null;
    }
    String best = null;
    for (String t : added.keySet()) {
      if (text.startsWith(t, i) && (best == null || t.length() > best.length())) {
        best = t;
      }
    }
    return best;
  }

  /**
   * Pads id sequences to one length.
   *
   * @param sequences id sequences, each at most {@code length} long
   * @param length the padded length; 0 pads to the longest sequence
   * @return {@code [N][length]} ids, padding {@link #padId()} at the end
   */
  public int[][] pad(List<int[]> sequences, int length) {
    int len = length;
    if (len == 0) {
      for (int[] s : sequences) {
        len = Math.max(len, s.length);
      }
    }
    int[][] out = new int[sequences.size()][];
    for (int i = 0; i < out.length; i++) {
      int[] s = sequences.get(i);
      if (s.length > len) {
        throw new IllegalArgumentException(
            "sequence " + i + " has " + s.length + " ids, longer than " + len);
      }
      out[i] = Arrays.copyOf(s, len);
      Arrays.fill(out[i], s.length, len, padId);
    }
    return out;
  }

  /** Steps 1-4 of the class comment. */
  String normalize(String text) {
    StringBuilder sb = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (cleanText) {
        if (cp == 0 || cp == 0xFFFD || isOther(cp)) {
          continue;
        }
        if (isWhitespace(cp)) {
          sb.append(' ');
          continue;
        }
      }
      if (chineseChars && isCjk(cp)) {
        sb.append(' ').appendCodePoint(cp).append(' ');
      } else {
        sb.appendCodePoint(cp);
      }
    }
    String s = sb.toString();
    if (stripAccents) {
      String nfd = Normalizer.normalize(s, Normalizer.Form.NFD);
      sb.setLength(0);
      for (int i = 0; i < nfd.length(); ) {
        int cp = nfd.codePointAt(i);
        i += Character.charCount(cp);
        if (Character.getType(cp) != Character.NON_SPACING_MARK) {
          sb.appendCodePoint(cp);
        }
      }
      s = sb.toString();
    }
    if (lowercase) {
      sb.setLength(0);
      for (int i = 0; i < s.length(); ) {
        int cp = s.codePointAt(i);
        i += Character.charCount(cp);
        if (cp < 0x80) {
          sb.append((char) (cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
        } else {
          // the full lower-case mapping of one code point alone (U+0130 → "i̇"), no context rules
          sb.append(new String(Character.toChars(cp)).toLowerCase(Locale.ROOT));
        }
      }
      s = sb.toString();
    }
    return s;
  }

  /** White space splits, punctuation characters become words of their own. */
  static List<String> words(String s) {
    List<String> out = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (isWhitespace(cp)) {
        flush(word, out);
      } else if (isPunctuation(cp)) {
        flush(word, out);
        out.add(new String(Character.toChars(cp)));
      } else {
        word.appendCodePoint(cp);
      }
    }
    flush(word, out);
    return out;
  }

  private static void flush(StringBuilder word, List<String> out) {
    if (word.length() > 0) {
      out.add(word.toString());
      word.setLength(0);
    }
  }

  /** Greedy longest-match-first split of one word. */
  private void wordPiece(String word, List<String> out) {
    int[] cps = word.codePoints().toArray();
    if (cps.length > maxInputCharsPerWord) {
      out.add(unkToken);
      return;
    }
    List<String> pieces = new ArrayList<>();
    int start = 0;
    while (start < cps.length) {
      int end = cps.length;
      String found = null;
      while (start < end) {
        String sub = new String(cps, start, end - start);
        if (start > 0) {
          sub = prefix + sub;
        }
        if (vocab.containsKey(sub)) {
          found = sub;
          break;
        }
        end--;
      }
      if (found == null) {
        out.add(unkToken);
        return;
      }
      pieces.add(found);
      start = end;
    }
    out.addAll(pieces);
  }

  /** Unicode White_Space (as Rust's {@code char::is_whitespace}). */
  static boolean isWhitespace(int cp) {
    return (cp >= 0x09 && cp <= 0x0D)
        || cp == 0x20
        || cp == 0x85
        || cp == 0xA0
        || cp == 0x1680
        || (cp >= 0x2000 && cp <= 0x200A)
        || cp == 0x2028
        || cp == 0x2029
        || cp == 0x202F
        || cp == 0x205F
        || cp == 0x3000;
  }

  /** Categories Cc, Cf, Cn, Co, Cs, except tab, newline and carriage return. */
  static boolean isOther(int cp) {
    if (cp == '\t' || cp == '\n' || cp == '\r') {
      return false;
    }
    int type = Character.getType(cp);
    return type == Character.CONTROL
        || type == Character.FORMAT
        || type == Character.UNASSIGNED
        || type == Character.PRIVATE_USE
        || type == Character.SURROGATE;
  }

  /** ASCII punctuation or a Unicode punctuation category (Pc, Pd, Ps, Pe, Pi, Pf, Po). */
  static boolean isPunctuation(int cp) {
    if (cp < 0x80) {
      return (cp >= 33 && cp <= 47)
          || (cp >= 58 && cp <= 64)
          || (cp >= 91 && cp <= 96)
          || (cp >= 123 && cp <= 126);
    }
    int type = Character.getType(cp);
    return type == Character.CONNECTOR_PUNCTUATION
        || type == Character.DASH_PUNCTUATION
        || type == Character.START_PUNCTUATION
        || type == Character.END_PUNCTUATION
        || type == Character.INITIAL_QUOTE_PUNCTUATION
        || type == Character.FINAL_QUOTE_PUNCTUATION
        || type == Character.OTHER_PUNCTUATION;
  }

  /** The CJK ideograph ranges BERT isolates. */
  static boolean isCjk(int cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF)
        || (cp >= 0x3400 && cp <= 0x4DBF)
        || (cp >= 0x20000 && cp <= 0x2A6DF)
        || (cp >= 0x2A700 && cp <= 0x2B73F)
        || (cp >= 0x2B740 && cp <= 0x2B81F)
        || (cp >= 0x2B820 && cp <= 0x2CEAF)
        || (cp >= 0xF900 && cp <= 0xFAFF)
        || (cp >= 0x2F800 && cp <= 0x2FA1F);
  }

  @Override
  public String toString() {
    return "WordPieceTokenizer["
        + source
        + ", "
        + idToToken.length
        + " ids, max "
        + maxLength
        + "]";
  }
}
