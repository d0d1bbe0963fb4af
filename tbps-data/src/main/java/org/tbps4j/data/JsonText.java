package org.tbps4j.data;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The JSON reading and writing the data module's small files share (vocabulary, class mapping,
 * image settings, synthetic attributes and metadata): one indented mapper, parse errors as {@link
 * IllegalArgumentException} naming {@code source:line:column}, and text with a final newline.
 */
public final class JsonText {
  /** Mapper with indented output. */
  public static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private JsonText() {}

  /**
   * Parses JSON text into a tree.
   *
   * @param json the text
   * @param source a name for messages (file name)
   * @return the root node ({@code null} for empty text, as Jackson returns it)
   * @throws IllegalArgumentException on malformed JSON: {@code source:line:column: malformed JSON:
   *     ...}
   */
  public static JsonNode readTree(String json, String source) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr();
      throw new IllegalArgumentException(
          source + where + ": malformed JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Writes a value as indented JSON text ending with a newline.
   *
   * @param value a tree or any value Jackson serialises
   * @return the text
   * @throws IllegalStateException if Jackson cannot serialise the value (a programming error)
   */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
