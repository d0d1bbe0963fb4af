package org.tbps4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tbps4j.loss.LossArrays;

/**
 * Reads the input of {@code tbps loss-value}: a JSON object with {@code "image"} [N][D], {@code
 * "text"} [N][D], {@code "ids"} [N] (integers), and optionally {@code "class_weights"} [D][C],
 * {@code "class_bias"} [C] and {@code "similarity"} [N][N]. Arrays become float64. Every problem is
 * an {@link IllegalArgumentException} naming the file and the field (and entry).
 */
final class LossCase {
  /** The fields a case file may have. */
  static final List<String> FIELDS =
      List.of("image", "text", "ids", "class_weights", "class_bias", "similarity");

  private LossCase() {}

  /**
   * Reads and validates a case file.
   *
   * @param file the JSON file
   * @return the arrays in float64
   * @throws IOException when the file cannot be read
   */
  static LossArrays read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString());
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      String where = loc == null ? "" : ":" + loc.getLineNr() + ":" + loc.getColumnNr();
      throw new IllegalArgumentException(
          file + where + ": malformed JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw bad(file, "expected a JSON object with the fields " + String.join(", ", FIELDS));
    }
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      String name = field.getKey();
      if (!FIELDS.contains(name)) {
        throw bad(
            file, "unknown field \"" + name + "\" (valid: " + String.join(", ", FIELDS) + ")");
      }
    }
    try {
      LossArrays.Builder b =
          LossArrays.builder()
              .setImage(matrix(file, root, "image", true))
              .setText(matrix(file, root, "text", true))
              .setIds(ids(file, root));
      INDArray w = matrix(file, root, "class_weights", false);
      INDArray bias = vector(file, root, "class_bias");
      if (w != null) {
        b.optClassifier(w, bias);
      } else if (bias != null) {
        throw bad(file, "\"class_bias\" was given without \"class_weights\"");
      }
      INDArray s = matrix(file, root, "similarity", false);
      if (s != null) {
        b.optSimilarity(s);
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(file.toString())) {
        throw e;
      }
      throw bad(file, e.getMessage());
    }
  }

  private static IllegalArgumentException bad(Path file, String message) {
    return new IllegalArgumentException(file + ": " + message);
  }

  private static INDArray matrix(Path file, JsonNode root, String field, boolean required) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      if (required) {
        throw bad(file, "missing array \"" + field + "\"");
      }
      return null;
    }
    if (!node.isArray() || node.isEmpty()) {
      throw bad(file, "\"" + field + "\" must be a non-empty array of rows");
    }
    int rows = node.size();
    int cols = -1;
    double[][] out = new double[rows][];
    for (int i = 0; i < rows; i++) {
      JsonNode row = node.get(i);
      if (!row.isArray()) {
        throw bad(
            file, field + "[" + i + "] is " + describe(row) + ", expected an array of numbers");
      }
      if (cols < 0) {
        cols = row.size();
        if (cols == 0) {
          throw bad(file, field + "[0] is empty");
        }
      } else if (row.size() != cols) {
        throw bad(
            file,
            "ragged \""
                + field
                + "\": row "
                + i
                + " has "
                + row.size()
                + " values, row 0 has "
                + cols);
      }
      out[i] = numbers(file, row, field + "[" + i + "]");
    }
    return Nd4j.createFromArray(out);
  }

  private static INDArray vector(Path file, JsonNode root, String field) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isArray() || node.isEmpty()) {
      throw bad(file, "\"" + field + "\" must be a non-empty array of numbers");
    }
    return Nd4j.createFromArray(numbers(file, node, field));
  }

  private static double[] numbers(Path file, JsonNode row, String where) {
    double[] v = new double[row.size()];
    for (int j = 0; j < v.length; j++) {
      JsonNode e = row.get(j);
      if (!e.isNumber()) {
        throw bad(file, where + "[" + j + "] is " + describe(e) + ", expected a number");
      }
      v[j] = e.doubleValue();
    }
    return v;
  }

  private static long[] ids(Path file, JsonNode root) {
    JsonNode node = root.get("ids");
    if (node == null || node.isNull()) {
      throw bad(file, "missing array \"ids\"");
    }
    if (!node.isArray()) {
      throw bad(file, "\"ids\" must be an array of integers");
    }
    long[] ids = new long[node.size()];
    for (int i = 0; i < ids.length; i++) {
      JsonNode e = node.get(i);
      if (!e.isIntegralNumber() || !e.canConvertToLong()) {
        throw bad(file, "ids[" + i + "] is " + describe(e) + ", expected an integer id");
      }
      ids[i] = e.longValue();
    }
    return ids;
  }

  private static String describe(JsonNode n) {
    if (n.isTextual()) {
      return "the string \"" + n.textValue() + "\"";
    }
    if (n.isArray()) {
      return "an array";
    }
    if (n.isObject()) {
      return "an object";
    }
    return n.toString();
  }
}
