package org.tbps4j.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.datavec.api.conf.Configuration;
import org.datavec.api.records.Record;
import org.datavec.api.records.metadata.RecordMetaData;
import org.datavec.api.records.metadata.RecordMetaDataIndex;
import org.datavec.api.records.reader.BaseRecordReader;
import org.datavec.api.split.InputSplit;
import org.datavec.api.writable.Writable;

/**
 * The shared base of the three annotation-file readers: a DataVec {@link
 * org.datavec.api.records.reader.RecordReader} that streams the JSON array with Jackson's streaming
 * parser (the file never becomes one tree) and yields one record per image–caption pair ({@link
 * CaptionRecord#toWritables()}). {@link #nextEntry()} gives whole image entries instead (images
 * whose captions are all blank included, for galleries).
 *
 * <p>Entry fields: {@code id} (integer), {@code split} ({@code train}/{@code val}/{@code test}; not
 * needed with a {@link SplitRule}), {@code captions} (array of strings; when absent, {@code
 * processed_tokens}, an array of token arrays, is joined with spaces), and the image path ({@link
 * DatasetFormat#pathField()}), relative to the image directory. Other fields are ignored.
 *
 * <p>Bad input never stops the reader except malformed JSON: each problem is recorded as a {@link
 * Problem} (kind, entry index, file, line, column, message) and the entry or caption is skipped;
 * {@link #problems()} lists them. Paths that are absolute or leave the root are always rejected. A
 * second entry for the same image is skipped. With {@link #failFast(boolean)} the first problem of
 * severity {@link Severity#ERROR} is thrown instead, as an {@link IllegalArgumentException}.
 *
 * <p>Not thread-safe. Reading does not touch image files (see {@link PedesDataset}).
 */
public abstract class PedesRecordReader extends BaseRecordReader {
  private static final long serialVersionUID = 1L;
  private static final JsonFactory FACTORY = new JsonFactory();

  /** Field names shared by all formats. */
  static final String ID = "id",
      SPLIT = "split",
      CAPTIONS = "captions",
      TOKENS = "processed_tokens";

  private final DatasetFormat format;
  private final ReadOptions options;
  private Configuration conf;

  private transient Path file;
  private transient JsonParser parser;
  private transient boolean finished;
  private transient int entryIndex;
  private transient int entriesWithSplit;
  private transient List<Problem> problems;
  private transient List<Problem> missingSplit;
  private transient Map<String, Integer> seenPaths;
  private transient Map<String, Long> seenIds;
  private transient ImageRecord nextEntry;
  private transient Deque<CaptionRecord> captionQueue;
  private transient boolean failFast;
  private transient int skippedEntries;
  private transient int skippedCaptions;

  /**
   * Creates a reader.
   *
   * @param format the format it reads
   * @param options reading options (split rule, leniency for severities)
   */
  protected PedesRecordReader(DatasetFormat format, ReadOptions options) {
    this.format = format;
    this.options = options;
  }

  /**
   * The format this reader reads.
   *
   * @return the format
   */
  public DatasetFormat format() {
    return format;
  }

  /**
   * The reading options.
   *
   * @return the options
   */
  public ReadOptions options() {
    return options;
  }

  /**
   * Throw the first error-severity problem (as {@link IllegalArgumentException}) instead of
   * recording it. Off by default.
   *
   * @param on whether to fail fast
   * @return this reader
   */
  public PedesRecordReader failFast(boolean on) {
    this.failFast = on;
    return this;
  }

  /**
   * Opens the annotation file named by the split's first location.
   *
   * @param split a split whose first location is the annotation file (e.g. a {@code FileSplit})
   * @throws IOException if the file cannot be opened
   */
  @Override
  public void initialize(InputSplit split) throws IOException {
    URI[] locations = split.locations();
    if (locations == null || locations.length == 0) {
      throw new IllegalArgumentException("the input split has no location (annotation file)");
    }
    this.inputSplit = split;
    initialize(Path.of(locations[0]));
  }

  /**
   * Opens the annotation file named by the split's first location.
   *
   * @param conf configuration (kept, unused)
   * @param split a split whose first location is the annotation file
   * @throws IOException if the file cannot be opened
   */
  @Override
  public void initialize(Configuration conf, InputSplit split) throws IOException {
    setConf(conf);
    initialize(split);
  }

  /**
   * Opens an annotation file.
   *
   * @param annotationFile the JSON file
   * @throws IOException if it cannot be opened ({@link NoSuchFileException} when it is absent)
   */
  public void initialize(Path annotationFile) throws IOException {
    if (!Files.isRegularFile(annotationFile)) {
      throw new NoSuchFileException(annotationFile.toString(), null, "annotation file not found");
    }
    closeParser();
    this.file = annotationFile;
    this.parser = FACTORY.createParser(annotationFile.toFile());
    this.finished = false;
    this.entryIndex = 0;
    this.entriesWithSplit = 0;
    this.problems = new ArrayList<>();
    this.missingSplit = new ArrayList<>();
    this.seenPaths = new HashMap<>();
    this.seenIds = new HashMap<>();
    this.nextEntry = null;
    this.captionQueue = new ArrayDeque<>();
    this.skippedEntries = 0;
    this.skippedCaptions = 0;
    try {
      JsonToken t = parser.nextToken();
      if (t != JsonToken.START_ARRAY) {
        String what = t == null ? "the file is empty" : "the top level is " + describe(t);
        fatal(parser.currentTokenLocation(), what + ", expected a JSON array of image entries");
      }
    } catch (JsonProcessingException e) {
      malformed(e);
    }
  }

  /**
   * The annotation file being read.
   *
   * @return the file, or null before initialisation
   */
  public Path file() {
    return file;
  }

  /**
   * Whether another image entry is available.
   *
   * @return true if {@link #nextEntry()} will return an entry
   */
  public boolean hasNextEntry() {
    requireInitialised();
    if (nextEntry == null && !finished) {
      nextEntry = readEntry();
    }
    return nextEntry != null;
  }

  /**
   * The next usable image entry with its non-blank captions.
   *
   * @return the entry
   * @throws NoSuchElementException when there is none
   */
  public ImageRecord nextEntry() {
    if (!hasNextEntry()) {
      throw new NoSuchElementException("no more entries in " + file);
    }
    ImageRecord r = nextEntry;
    nextEntry = null;
    return r;
  }

  @Override
  public boolean hasNext() {
    requireInitialised();
    while (captionQueue.isEmpty() && hasNextEntry()) {
      captionQueue.addAll(nextEntry().captions());
    }
    return !captionQueue.isEmpty();
  }

  /**
   * The next image–caption pair as writables ({@link CaptionRecord#COLUMNS}).
   *
   * @return the record
   */
  @Override
  public List<Writable> next() {
    return nextCaption().toWritables();
  }

  /**
   * The next image–caption pair.
   *
   * @return the record
   * @throws NoSuchElementException when there is none
   */
  public CaptionRecord nextCaption() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more captions in " + file);
    }
    CaptionRecord c = captionQueue.poll();
    invokeListeners(c);
    return c;
  }

  /**
   * Problems found so far, in entry order once reading has finished.
   *
   * @return a copy of the list
   */
  public List<Problem> problems() {
    requireInitialised();
    return List.copyOf(problems);
  }

  /**
   * Number of entries skipped because of a problem (missing/wrong fields, unsafe path, duplicate).
   *
   * @return the count so far
   */
  public int skippedEntries() {
    return skippedEntries;
  }

  /**
   * Number of blank captions skipped.
   *
   * @return the count so far
   */
  public int skippedCaptions() {
    return skippedCaptions;
  }

  /**
   * Number of top-level entries read so far (usable or not).
   *
   * @return the count
   */
  public int entriesRead() {
    return entryIndex;
  }

  /**
   * Whether the end of the file (or a fatal error) has been reached.
   *
   * @return true when finished
   */
  public boolean finished() {
    return finished && nextEntry == null;
  }

  @Override
  public List<String> getLabels() {
    return null;
  }

  @Override
  public void reset() {
    requireInitialised();
    try {
      initialize(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean resetSupported() {
    return true;
  }

  /**
   * Not supported: the format is one JSON array, not one record per stream.
   *
   * @param uri ignored
   * @param dataInputStream ignored
   * @return never
   * @throws UnsupportedOperationException always
   */
  @Override
  public List<Writable> record(URI uri, DataInputStream dataInputStream) {
    throw new UnsupportedOperationException(
        "a " + format.cliName() + " annotation file is one JSON array: use initialize + next");
  }

  /**
   * The next pair with metadata (the entry index and the annotation file's URI).
   *
   * @return the record
   */
  @Override
  public Record nextRecord() {
    CaptionRecord c = nextCaption();
    RecordMetaData meta = new RecordMetaDataIndex(c.entryIndex(), file.toUri(), getClass());
    return new org.datavec.api.records.impl.Record(c.toWritables(), meta);
  }

  /**
   * Not supported (streaming reader).
   *
   * @param recordMetaData ignored
   * @return never
   * @throws UnsupportedOperationException always
   */
  @Override
  public Record loadFromMetaData(RecordMetaData recordMetaData) {
    throw new UnsupportedOperationException("streaming reader: use PedesDataset for random access");
  }

  /**
   * Not supported (streaming reader).
   *
   * @param recordMetaDatas ignored
   * @return never
   * @throws UnsupportedOperationException always
   */
  @Override
  public List<Record> loadFromMetaData(List<RecordMetaData> recordMetaDatas) {
    throw new UnsupportedOperationException("streaming reader: use PedesDataset for random access");
  }

  @Override
  public void close() throws IOException {
    closeParser();
  }

  @Override
  public void setConf(Configuration conf) {
    this.conf = conf;
  }

  @Override
  public Configuration getConf() {
    return conf;
  }

  // ---------------------------------------------------------------------------------------------

  private void requireInitialised() {
    if (problems == null) {
      throw new IllegalStateException("reader not initialised: call initialize(file) first");
    }
  }

  private void closeParser() throws IOException {
    if (parser != null) {
      parser.close();
      parser = null;
    }
  }

  /** Reads entries until one is usable or the file ends. */
  private ImageRecord readEntry() {
    try {
      while (!finished) {
        JsonToken t = parser.nextToken();
        if (t == JsonToken.END_ARRAY) {
          JsonToken after = parser.nextToken();
          if (after != null) {
            fatal(parser.currentTokenLocation(), "unexpected content after the top-level array");
          }
          finish();
          return null;
        }
        if (t == null) {
          fatal(parser.currentLocation(), "unexpected end of file inside the top-level array");
          return null;
        }
        int index = entryIndex++;
        ImageRecord r = parseEntry(index, t);
        if (r != null) {
          return r;
        }
        skippedEntries++;
      }
    } catch (JsonProcessingException e) {
      malformed(e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return null;
  }

  private ImageRecord parseEntry(int index, JsonToken start) throws IOException {
    JsonLocation at = parser.currentTokenLocation();
    if (start != JsonToken.START_OBJECT) {
      parser.skipChildren();
      add(ProblemKind.WRONG_TYPE, index, at, "is " + describe(start) + ", expected an object");
      return null;
    }
    Long id = null;
    String splitName = null;
    JsonLocation splitAt = null;
    String path = null;
    JsonLocation pathAt = null;
    List<String> captions = null;
    List<String> tokenCaptions = null;
    boolean bad = false;
    java.util.Set<String> seen = new java.util.HashSet<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken v = parser.nextToken();
      JsonLocation vAt = parser.currentTokenLocation();
      boolean known =
          field.equals(ID)
              || field.equals(SPLIT)
              || field.equals(format.pathField())
              || field.equals(CAPTIONS)
              || field.equals(TOKENS);
      if (known && !seen.add(field)) {
        // two values for one field: other tools may read the other one
        add(
            ProblemKind.DUPLICATE_KEY,
            index,
            parser.currentLocation(),
            "field \""
                + field
                + "\" appears more than once in this entry; which value is meant is ambiguous");
        bad = true;
        parser.skipChildren();
        continue;
      }
      if (field.equals(ID)) {
        if (v == JsonToken.VALUE_NUMBER_INT
            && parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          add(
              ProblemKind.BAD_VALUE,
              index,
              vAt,
              "field \"id\": " + parser.getText() + " is beyond the range of a 64-bit integer");
          bad = true;
        } else if (v == JsonToken.VALUE_NUMBER_INT) {
          id = parser.getLongValue();
        } else {
          bad |= wrongType(index, vAt, ID, v, "an integer");
        }
      } else if (field.equals(SPLIT)) {
        if (v == JsonToken.VALUE_STRING) {
          splitName = parser.getText();
          splitAt = vAt;
        } else {
          bad |= wrongType(index, vAt, SPLIT, v, "a string (" + Split.validNames() + ")");
        }
      } else if (field.equals(format.pathField())) {
        if (v == JsonToken.VALUE_STRING) {
          path = parser.getText();
          pathAt = vAt;
        } else {
          bad |= wrongType(index, vAt, field, v, "a string (image path)");
        }
      } else if (field.equals(CAPTIONS)) {
        captions = readStrings(index, CAPTIONS, v, vAt);
        bad |= captions == null;
      } else if (field.equals(TOKENS)) {
        tokenCaptions = readTokenLists(index, v, vAt);
        bad |= tokenCaptions == null;
      } else {
        parser.skipChildren();
      }
    }
    // required fields
    List<String> missing = new ArrayList<>();
    if (id == null && !hasProblem(index, ID)) {
      missing.add(ID);
    }
    if (path == null && !hasProblem(index, format.pathField())) {
      missing.add(format.pathField());
    }
    if (captions == null && tokenCaptions == null && !hasProblem(index, CAPTIONS, TOKENS)) {
      missing.add(CAPTIONS);
    }
    if (!missing.isEmpty()) {
      add(
          ProblemKind.MISSING_FIELD,
          index,
          at,
          "missing field"
              + (missing.size() > 1 ? "s " : " ")
              + quoteAll(missing)
              + " (required: "
              + quoteAll(List.of(ID, SPLIT, CAPTIONS, format.pathField()))
              + ")");
      bad = true;
    }
    Split split = null;
    if (options.splitRule() != null) {
      split = options.splitRule().splitOf(index);
      if (split == null) {
        add(
            ProblemKind.BAD_VALUE,
            index,
            at,
            "lies beyond the split rule "
                + options.splitRule()
                + ", which covers "
                + options.splitRule().total()
                + " entries");
        bad = true;
      }
    } else if (splitName != null) {
      entriesWithSplit++;
      try {
        split = Split.fromName(splitName);
      } catch (IllegalArgumentException e) {
        add(ProblemKind.BAD_VALUE, index, splitAt, "field \"split\": " + e.getMessage());
        bad = true;
      }
    } else if (!hasProblem(index, SPLIT)) {
      missingSplit.add(
          problem(
              ProblemKind.MISSING_FIELD,
              index,
              at,
              "missing field \"split\" (valid values: " + Split.validNames() + ")"));
      bad = true;
    }
    String imagePath = null;
    if (path != null) {
      String reason = ImagePaths.unsafeReason(path);
      if (reason != null) {
        add(
            ProblemKind.UNSAFE_PATH,
            index,
            pathAt,
            "field \""
                + format.pathField()
                + "\": \""
                + path
                + "\" "
                + reason
                + "; the entry is rejected (always, even when lenient)");
        bad = true;
      } else {
        String norm = ImagePaths.normalise(path);
        imagePath = options.imageDir().isEmpty() ? norm : options.imageDir() + "/" + norm;
      }
    }
    if (bad) {
      return null;
    }
    Integer first = seenPaths.putIfAbsent(imagePath, index);
    if (first != null) {
      long firstId = seenIds.get(imagePath);
      add(
          ProblemKind.DUPLICATE_IMAGE,
          index,
          at,
          "image "
              + imagePath
              + " is already listed by entry "
              + first
              + (firstId != id
                  ? " with another person id (" + firstId + " there, " + id + " here)"
                  : "")
              + "; kept entry "
              + first
              + ", this one is ignored");
      return null;
    }
    seenIds.put(imagePath, id);
    List<String> texts = captions != null ? captions : tokenCaptions;
    List<CaptionRecord> kept = new ArrayList<>(texts.size());
    for (int c = 0; c < texts.size(); c++) {
      String text = texts.get(c);
      if (text.isBlank()) {
        skippedCaptions++;
        add(
            ProblemKind.EMPTY_CAPTION,
            index,
            at,
            "caption " + c + " is empty or whitespace-only; skipped");
      } else {
        kept.add(new CaptionRecord(split, id, imagePath, index, c, text));
      }
    }
    if (texts.isEmpty()) {
      add(
          ProblemKind.EMPTY_CAPTION,
          index,
          at,
          "has no captions; the image is kept for the gallery only");
    }
    return new ImageRecord(split, id, imagePath, index, kept);
  }

  private List<String> readStrings(int index, String field, JsonToken v, JsonLocation vAt)
      throws IOException {
    if (v != JsonToken.START_ARRAY) {
      wrongType(index, vAt, field, v, "an array of strings");
      return null;
    }
    List<String> out = new ArrayList<>();
    int i = 0;
    for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken(), i++) {
      if (t == JsonToken.VALUE_STRING) {
        out.add(parser.getText());
      } else {
        JsonLocation tAt = parser.currentTokenLocation();
        parser.skipChildren();
        wrongType(index, tAt, field + "[" + i + "]", t, "a string");
        skipRestOfArray();
        return null;
      }
    }
    return out;
  }

  private List<String> readTokenLists(int index, JsonToken v, JsonLocation vAt) throws IOException {
    if (v != JsonToken.START_ARRAY) {
      wrongType(index, vAt, TOKENS, v, "an array of token arrays");
      return null;
    }
    List<String> out = new ArrayList<>();
    int i = 0;
    for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken(), i++) {
      List<String> tokens =
          readStrings(index, TOKENS + "[" + i + "]", t, parser.currentTokenLocation());
      if (tokens == null) {
        parser.skipChildren();
        skipRestOfArray();
        return null;
      }
      out.add(String.join(" ", tokens));
    }
    return out;
  }

  private void skipRestOfArray() throws IOException {
    int depth = 1;
    while (depth > 0) {
      JsonToken t = parser.nextToken();
      if (t == null) {
        return;
      }
      if (t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) {
        depth++;
      } else if (t == JsonToken.END_ARRAY || t == JsonToken.END_OBJECT) {
        depth--;
      }
    }
  }

  private boolean wrongType(int index, JsonLocation at, String field, JsonToken t, String expected)
      throws IOException {
    if (t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) {
      parser.skipChildren();
    }
    add(
        ProblemKind.WRONG_TYPE,
        index,
        at,
        "field \"" + field + "\" is " + describe(t) + ", expected " + expected);
    return true;
  }

  private boolean hasProblem(int index, String... fields) {
    for (int i = problems.size() - 1; i >= 0 && problems.get(i).entry() == index; i--) {
      for (String f : fields) {
        if (problems.get(i).message().startsWith("field \"" + f)) {
          return true;
        }
      }
    }
    return false;
  }

  private void finish() throws IOException {
    finished = true;
    if (options.splitRule() == null && entriesWithSplit == 0 && !missingSplit.isEmpty()) {
      add(
          ProblemKind.NO_SPLIT,
          -1,
          null,
          "no entry has a \"split\" field ("
              + missingSplit.size()
              + " entries); this looks like a file without splits (such as CUHK-PEDES's"
              + " caption_all.json): give a split rule by entry position, --split-rule"
              + " TRAIN,VAL,TEST (e.g. --split-rule "
              + SplitRule.CUHK_PEDES
              + ", or --split-rule "
              + SplitRule.CUHK_PEDES_NAME
              + ")");
    } else {
      for (Problem p : missingSplit) {
        record(p);
      }
    }
    if (options.splitRule() != null && entryIndex != options.splitRule().total()) {
      add(
          ProblemKind.BAD_VALUE,
          -1,
          null,
          "the split rule "
              + options.splitRule()
              + " covers "
              + options.splitRule().total()
              + " entries but the file has "
              + entryIndex);
    }
    problems.sort(Comparator.comparingInt(p -> p.entry() < 0 ? Integer.MAX_VALUE : p.entry()));
    closeParser();
  }

  private void malformed(JsonProcessingException e) {
    fatal(e.getLocation(), "malformed JSON: " + e.getOriginalMessage());
  }

  private void fatal(JsonLocation at, String message) {
    finished = true;
    for (Problem p : missingSplit) {
      record(p);
    }
    missingSplit.clear();
    add(ProblemKind.MALFORMED_JSON, -1, at, message);
    problems.sort(Comparator.comparingInt(p -> p.entry() < 0 ? Integer.MAX_VALUE : p.entry()));
    try {
      closeParser();
    } catch (IOException ignored) {
      // the parse error is what the user needs to see
    }
  }

  private Problem problem(ProblemKind kind, int index, JsonLocation at, String message) {
    int line = at == null ? -1 : at.getLineNr();
    int column = at == null ? -1 : at.getColumnNr();
    return new Problem(kind, kind.severity(options), index, file.toString(), line, column, message);
  }

  private void add(ProblemKind kind, int index, JsonLocation at, String message) {
    record(problem(kind, index, at, message));
  }

  private void record(Problem p) {
    if (failFast && p.severity() == Severity.ERROR) {
      throw new IllegalArgumentException(p.describe());
    }
    problems.add(p);
  }

  private static String quoteAll(List<String> names) {
    return String.join(", ", names.stream().map(n -> "\"" + n + "\"").toList());
  }

  /** The JSON type of a token, for messages. */
  static String describe(JsonToken t) {
    if (t == null) {
      return "missing";
    }
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT -> "an integer";
      case VALUE_NUMBER_FLOAT -> "a decimal number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.toString();
    };
  }
}
