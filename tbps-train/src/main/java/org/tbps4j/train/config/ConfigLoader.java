package org.tbps4j.train.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Loads {@link TrainConfig} from YAML or JSON and applies {@code path=value} overrides.
 *
 * <p>Errors are {@link IllegalArgumentException}s that name the file, the line and column, the key
 * path and, for unknown keys, the valid keys. Override paths use dots and {@code [i]} indices; an
 * element of a list of named entries (loss terms, stages) can be selected by its name, e.g. {@code
 * loss.mam.params.m=3}, {@code stages.joint.epochs=20}, {@code optimizer.lr=3e-4}. Values are
 * parsed as YAML scalars or flow collections ({@code [1, 2]}).
 */
public final class ConfigLoader {

  private static final ObjectMapper YAML = configure(new ObjectMapper(yamlFactory()));

  private ConfigLoader() {}

  private static YAMLFactory yamlFactory() {
    return YAMLFactory.builder()
        .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
        .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
        .build();
  }

  private static ObjectMapper configure(ObjectMapper m) {
    return m.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .registerModule(ConfigChoices.module())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
        .enable(SerializationFeature.INDENT_OUTPUT);
  }

  /**
   * The mapper used for configs (snake_case keys, unknown keys rejected); also reads JSON.
   *
   * @return the shared mapper
   */
  public static ObjectMapper mapper() {
    return YAML;
  }

  /**
   * Loads a config file and applies overrides.
   *
   * @param file a {@code .yaml}, {@code .yml} or {@code .json} file
   * @param overrides {@code path=value} strings, applied in order
   * @return the validated config
   * @throws IllegalArgumentException on any problem, naming file/line/key
   * @throws NoSuchFileException if the file does not exist
   */
  public static TrainConfig load(Path file, List<String> overrides) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString());
    }
    String text = readUtf8(file);
    // First pass straight from the text, so that errors carry line numbers.
    TrainConfig base = bind(() -> YAML.readValue(text, TrainConfig.class), file.toString(), text);
    if (overrides == null || overrides.isEmpty()) {
      return base;
    }
    JsonNode tree = YAML.readTree(text);
    for (String o : overrides) {
      apply(tree, o);
    }
    return bind(
        () -> YAML.treeToValue(tree, TrainConfig.class), file + " (after --set overrides)", null);
  }

  /**
   * Reads a text file that must be UTF-8 (configs, sweeps).
   *
   * @param file the file
   * @return its text
   * @throws IllegalArgumentException naming the file, the byte offset and the line of the first
   *     byte sequence that is not UTF-8
   * @throws IOException when the file cannot be read
   */
  public static String readUtf8(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    java.nio.charset.CharsetDecoder d =
        java.nio.charset.StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length + 1);
    java.nio.charset.CoderResult r = d.decode(in, out, true);
    if (!r.isError()) {
      r = d.flush(out);
    }
    if (r.isError()) {
      int at = in.position();
      int line = 1;
      for (int i = 0; i < at; i++) {
        line += bytes[i] == '\n' ? 1 : 0;
      }
      throw new IllegalArgumentException(
          String.format(
              java.util.Locale.ROOT,
              "%s: not UTF-8 text: byte 0x%02X at byte offset %d (line %d); save the file as"
                  + " UTF-8",
              file,
              bytes[at] & 0xFF,
              at,
              line));
    }
    out.flip();
    return out.toString();
  }

  /**
   * Parses a config from text (used by sweeps and tests).
   *
   * @param text YAML or JSON
   * @param source a name for error messages
   * @return the validated config
   */
  public static TrainConfig parse(String text, String source) {
    return bind(() -> YAML.readValue(text, TrainConfig.class), source, text);
  }

  /**
   * Applies overrides to a config (used by sweeps).
   *
   * @param base the config
   * @param overrides {@code path=value} strings
   * @return a new validated config
   */
  public static TrainConfig override(TrainConfig base, List<String> overrides) {
    JsonNode tree = YAML.valueToTree(base);
    for (String o : overrides) {
      apply(tree, o);
    }
    return bind(() -> YAML.treeToValue(tree, TrainConfig.class), "overrides " + overrides, null);
  }

  /**
   * Writes a config as YAML (e.g. the resolved config of a run, or the best config of a sweep).
   *
   * @param config the config
   * @return YAML text
   */
  public static String toYaml(TrainConfig config) {
    try {
      return YAML.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise config: " + e.getMessage(), e);
    }
  }

  /**
   * Reads any config record (e.g. a sweep) from YAML/JSON text with this loader's mapping and error
   * reporting: unknown keys are rejected, and every error names the source, line and key.
   *
   * @param text YAML or JSON
   * @param source a name for error messages (usually the file)
   * @param type the record type
   * @param <T> the record type
   * @return the validated value
   * @throws IllegalArgumentException on any problem, naming source/line/key
   */
  public static <T> T read(String text, String source, Class<T> type) {
    return bind(() -> YAML.readValue(text, type), source, text);
  }

  /**
   * The value a config holds at an override path ({@code loss.mam.params.m}, {@code
   * stages[0].epochs}, ...), as a tree node.
   *
   * @param config the config
   * @param path a path in {@code --set} syntax
   * @return the node, or {@code null} when the path leads to nothing (an absent optional value)
   * @throws IllegalArgumentException when the path is malformed or names no list entry
   */
  public static JsonNode valueAt(TrainConfig config, String path) {
    JsonNode node = YAML.valueToTree(config);
    StringBuilder at = new StringBuilder();
    for (String seg : split(path)) {
      if (node == null || node.isNull()) {
        return null;
      }
      if (node instanceof ObjectNode obj) {
        node = obj.get(seg);
      } else if (node instanceof ArrayNode arr) {
        node = arr.get(indexIn(arr, seg, at.toString(), path));
      } else {
        throw new IllegalArgumentException(
            path + ": '" + at + "' is a value, it has no key '" + seg + "'");
      }
      at.append(at.length() == 0 ? "" : ".").append(seg);
    }
    return node;
  }

  @FunctionalInterface
  private interface Reader<T> {
    T read() throws IOException;
  }

  private static <T> T bind(Reader<T> r, String source, String text) {
    try {
      return r.read();
    } catch (ConfigChoices.UnknownName e) {
      // at the value itself: data.format, model.preset, optimizer.type, schedule.type
      throw new IllegalArgumentException(
          where(source, e.getLocation()) + e.getOriginalMessage(), e);
    } catch (UnrecognizedPropertyException e) {
      String known =
          e.getKnownPropertyIds() == null
              ? ""
              : e.getKnownPropertyIds().stream()
                  .map(Object::toString)
                  .sorted()
                  .collect(Collectors.joining(", "));
      String parent = pathOf(e, true);
      throw new IllegalArgumentException(
          whereKey(source, e.getLocation(), text, String.valueOf(e.getPropertyName()))
              + "unknown key '"
              + e.getPropertyName()
              + "'"
              + (parent.isEmpty() ? "" : " in " + parent)
              + " (valid: "
              + known
              + ")",
          e);
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalArgumentException(where(source, e.getLocation()) + cause.getMessage(), e);
    } catch (InvalidFormatException e) {
      throw new IllegalArgumentException(
          where(source, e.getLocation())
              + pathOf(e, false)
              + ": '"
              + e.getValue()
              + "' is not a valid "
              + e.getTargetType().getSimpleName(),
          e);
    } catch (MismatchedInputException e) {
      throw new IllegalArgumentException(
          where(source, e.getLocation())
              + pathOf(e, false)
              + ": wrong type ("
              + e.getOriginalMessage().split("\n")[0]
              + ")",
          e);
    } catch (JsonMappingException e) {
      if (e.getCause() instanceof com.fasterxml.jackson.core.JsonParseException p) {
        throw new IllegalArgumentException(
            where(source, p.getLocation()) + "malformed YAML/JSON: " + p.getOriginalMessage(), e);
      }
      throw new IllegalArgumentException(
          where(source, e.getLocation()) + pathOf(e, false) + ": " + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          where(source, e.getLocation()) + "malformed YAML/JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(source + ": " + e.getMessage(), e);
    }
  }

  /**
   * Record creators see unknown keys only at the end of their mapping, so the parser's location is
   * past the key: find the key's own line in the text when we have it.
   */
  private static String whereKey(String source, JsonLocation loc, String text, String key) {
    if (text != null) {
      java.util.regex.Pattern p =
          java.util.regex.Pattern.compile(
              "(^|[\\s{,])\"?" + java.util.regex.Pattern.quote(key) + "\"?\\s*:",
              java.util.regex.Pattern.MULTILINE);
      java.util.regex.Matcher m = p.matcher(text);
      if (m.find()) {
        int start = m.start() + m.group(1).length();
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < start; i++) {
          if (text.charAt(i) == '\n') {
            line++;
            lineStart = i + 1;
          }
        }
        return source + ":" + line + ":" + (start - lineStart + 1) + ": ";
      }
    }
    return where(source, loc);
  }

  private static String where(String source, JsonLocation loc) {
    if (loc == null || loc.getLineNr() < 1) {
      return source + ": ";
    }
    return source + ":" + loc.getLineNr() + ":" + loc.getColumnNr() + ": ";
  }

  private static String pathOf(JsonMappingException e, boolean dropLast) {
    List<JsonMappingException.Reference> refs = new ArrayList<>(e.getPath());
    if (dropLast && !refs.isEmpty()) {
      refs.remove(refs.size() - 1);
    }
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : refs) {
      if (ref.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  /**
   * Applies one {@code path=value} override to a config tree.
   *
   * @param tree the config as a tree (modified)
   * @param override the override
   */
  static void apply(JsonNode tree, String override) {
    int eq = override.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException(
          "--set '" + override + "': expected path=value, e.g. optimizer.lr=3e-4");
    }
    String path = override.substring(0, eq).trim();
    String valueText = override.substring(eq + 1).trim();
    JsonNode value;
    try {
      value = YAML.readTree(valueText.isEmpty() ? "\"\"" : valueText);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "--set " + path + ": cannot parse value '" + valueText + "'", e);
    }
    List<String> segments = split(path);
    JsonNode node = tree;
    StringBuilder at = new StringBuilder();
    for (int i = 0; i < segments.size(); i++) {
      String seg = segments.get(i);
      boolean last = i == segments.size() - 1;
      if (node instanceof ObjectNode obj) {
        if (last) {
          obj.set(seg, value);
          return;
        }
        JsonNode child = obj.get(seg);
        if (child == null || child.isNull()) {
          child = segments.get(i + 1).matches("\\d+") ? obj.putArray(seg) : obj.putObject(seg);
        }
        node = child;
      } else if (node instanceof ArrayNode arr) {
        int idx = indexIn(arr, seg, at.toString(), path);
        if (last) {
          arr.set(idx, value);
          return;
        }
        node = arr.get(idx);
      } else {
        throw new IllegalArgumentException(
            "--set " + path + ": '" + at + "' is a value, it has no key '" + seg + "'");
      }
      at.append(at.length() == 0 ? "" : ".").append(seg);
    }
  }

  private static int indexIn(ArrayNode arr, String seg, String at, String path) {
    if (seg.matches("\\d+")) {
      int idx = Integer.parseInt(seg);
      if (idx >= arr.size()) {
        throw new IllegalArgumentException(
            "--set "
                + path
                + ": index "
                + idx
                + " is out of range for '"
                + at
                + "' (size "
                + arr.size()
                + ")");
      }
      return idx;
    }
    List<String> names = new ArrayList<>();
    for (int j = 0; j < arr.size(); j++) {
      JsonNode n = arr.get(j).get("name");
      if (n != null && n.isTextual()) {
        if (n.asText().equals(seg)) {
          return j;
        }
        names.add(n.asText());
      }
    }
    throw new IllegalArgumentException(
        "--set "
            + path
            + ": no entry named '"
            + seg
            + "' in '"
            + at
            + "' (entries: "
            + String.join(", ", names)
            + ")");
  }

  private static List<String> split(String path) {
    List<String> out = new ArrayList<>();
    for (String part : path.replace("]", "").split("[.\\[]")) {
      if (part.isEmpty()) {
        throw new IllegalArgumentException("--set: malformed path '" + path + "'");
      }
      out.add(part);
    }
    return out;
  }
}
