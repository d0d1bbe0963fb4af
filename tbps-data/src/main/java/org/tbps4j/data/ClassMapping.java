package org.tbps4j.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Train person id → class index {@code 0..C−1}: the ids sorted ascending, the index is the
 * position. Deterministic for a set of ids whatever the file order; saved with the model as JSON
 * ({@code {"format": "tbps-class-mapping", "version": 1, "ids": [...]}}). Immutable.
 */
public final class ClassMapping {

  /** {@code format} field of the JSON file. */
  public static final String FORMAT = "tbps-class-mapping";

  private final long[] ids;
  private final Map<Long, Integer> index;

  private ClassMapping(long[] sortedIds) {
    this.ids = sortedIds;
    this.index = new HashMap<>(sortedIds.length * 2);
    for (int i = 0; i < sortedIds.length; i++) {
      index.put(sortedIds[i], i);
    }
  }

  /**
   * The mapping of a set of ids.
   *
   * @param personIds the train ids (duplicates allowed, order irrelevant)
   * @return the mapping
   */
  public static ClassMapping of(Collection<Long> personIds) {
    return new ClassMapping(
        personIds.stream().mapToLong(Long::longValue).sorted().distinct().toArray());
  }

  /**
   * Number of classes.
   *
   * @return C
   */
  public int size() {
    return ids.length;
  }

  /**
   * The class index of a train person id.
   *
   * @param personId a train id
   * @return its index in {@code [0, C)}
   * @throws IllegalArgumentException if the id is not a train id
   */
  public int classOf(long personId) {
    Integer c = index.get(personId);
    if (c == null) {
      throw new IllegalArgumentException(
          "person id " + personId + " is not one of the " + ids.length + " train ids");
    }
    return c;
  }

  /**
   * Whether an id has a class.
   *
   * @param personId a person id
   * @return true for train ids
   */
  public boolean contains(long personId) {
    return index.containsKey(personId);
  }

  /**
   * The person id of a class.
   *
   * @param classIndex an index in {@code [0, C)}
   * @return the person id
   * @throws IllegalArgumentException if out of range
   */
  public long personId(int classIndex) {
    if (classIndex < 0 || classIndex >= ids.length) {
      throw new IllegalArgumentException(
          "class index " + classIndex + " out of range [0, " + ids.length + ")");
    }
    return ids[classIndex];
  }

  /**
   * All person ids in class order.
   *
   * @return a copy, ascending
   */
  public long[] personIds() {
    return ids.clone();
  }

  /**
   * Writes the mapping as JSON.
   *
   * @param file target file
   * @throws IOException on write failure
   */
  public void save(Path file) throws IOException {
    Files.writeString(file, toJson());
  }

  /**
   * The JSON form.
   *
   * @return pretty-printed JSON
   */
  public String toJson() {
    ObjectNode root = JsonText.MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", 1);
    ArrayNode a = root.putArray("ids");
    for (long id : ids) {
      a.add(id);
    }
    return JsonText.write(root);
  }

  /**
   * Reads a mapping written by {@link #save}.
   *
   * @param file the JSON file
   * @return the mapping
   * @throws IOException on read failure
   * @throws IllegalArgumentException if the content is not a mapping (message names the file)
   */
  public static ClassMapping load(Path file) throws IOException {
    return fromJson(Files.readString(file), file.toString());
  }

  /**
   * Parses the JSON form.
   *
   * @param json the text
   * @param source a name for messages
   * @return the mapping
   * @throws IllegalArgumentException on bad content: not a mapping, ids not integers, not strictly
   *     ascending
   */
  public static ClassMapping fromJson(String json, String source) {
    JsonNode root = JsonText.readTree(json, source);
    if (root == null || !FORMAT.equals(root.path("format").asText())) {
      throw new IllegalArgumentException(
          source + ": not a class mapping (field \"format\" must be \"" + FORMAT + "\")");
    }
    JsonNode a = root.path("ids");
    if (!a.isArray()) {
      throw new IllegalArgumentException(source + ": field \"ids\" must be an array of integers");
    }
    long[] ids = new long[a.size()];
    for (int i = 0; i < ids.length; i++) {
      if (!a.get(i).isIntegralNumber()) {
        throw new IllegalArgumentException(source + ": ids[" + i + "] is not an integer");
      }
      ids[i] = a.get(i).asLong();
      if (i > 0 && ids[i] <= ids[i - 1]) {
        throw new IllegalArgumentException(
            source + ": ids must be strictly ascending, ids[" + i + "] = " + ids[i]);
      }
    }
    return new ClassMapping(ids);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClassMapping m && Arrays.equals(m.ids, ids);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(ids);
  }

  @Override
  public String toString() {
    return "ClassMapping(" + ids.length + " classes)";
  }
}
