package org.tbps4j.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads the inputs of {@code tbps score}: a similarity matrix and the query/gallery person ids,
 * from one JSON file ({@code {"similarity": [[...]], "query_ids": [...], "gallery_ids": [...]}}) or
 * from a {@code .npy} matrix plus two JSON id arrays. JSON is streamed, so a CUHK-PEDES-sized
 * matrix never becomes a tree. Every problem is an {@link IllegalArgumentException} naming the
 * file, the line and column, and the entry.
 */
final class ScoreInput {
  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  /** What a scoring run needs: either {@code rows} or {@code matrix} is set. */
  record Data(double[][] rows, INDArray matrix, long[] queryIds, long[] galleryIds) {}

  private ScoreInput() {}

  /** Reads the single-file JSON form. */
  static Data readJson(Path file) throws IOException {
    double[][] rows = null;
    long[] q = null;
    long[] g = null;
    try (InputStream in = Files.newInputStream(file);
        JsonParser p = FACTORY.createParser(in)) {
      expect(p, p.nextToken(), JsonToken.START_OBJECT, file, "the top-level JSON object");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "similarity" -> rows = readMatrix(p, file);
          case "query_ids" -> q = readIds(p, file, "query_ids");
          case "gallery_ids" -> g = readIds(p, file, "gallery_ids");
          default ->
              throw error(
                  file,
                  p.currentLocation(),
                  "unknown field \"" + field + "\" (expected similarity, query_ids, gallery_ids)");
        }
      }
    } catch (JsonProcessingException e) {
      throw error(file, e.getLocation(), "malformed JSON: " + e.getOriginalMessage());
    }
    require(rows != null, file, "missing field \"similarity\"");
    require(q != null, file, "missing field \"query_ids\"");
    require(g != null, file, "missing field \"gallery_ids\"");
    checkShape(rows.length, rows.length == 0 ? 0 : rows[0].length, q, g, file.toString());
    return new Data(rows, null, q, g);
  }

  /** Reads the {@code .npy} + two id files form. */
  static Data readNpy(Path npy, Path queryIds, Path galleryIds) throws IOException {
    if (!Files.isRegularFile(npy)) {
      throw new java.nio.file.NoSuchFileException(npy.toString());
    }
    INDArray m;
    try {
      m = Nd4j.createFromNpyFile(npy.toFile());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(npy + ": not a readable .npy array: " + e.getMessage(), e);
    }
    if (m.rank() != 2 || !m.dataType().isFPType()) {
      throw new IllegalArgumentException(
          npy
              + ": expected a 2-D float32/float64 array [queries, gallery], got "
              + m.dataType()
              + " "
              + java.util.Arrays.toString(m.shape()));
    }
    long[] q = readIdFile(queryIds, "query ids");
    long[] g = readIdFile(galleryIds, "gallery ids");
    checkShape(m.rows(), m.columns(), q, g, npy.toString());
    return new Data(null, m, q, g);
  }

  private static long[] readIdFile(Path file, String what) throws IOException {
    try (InputStream in = Files.newInputStream(file);
        JsonParser p = FACTORY.createParser(in)) {
      p.nextToken();
      return readIds(p, file, what);
    } catch (JsonProcessingException e) {
      throw error(file, e.getLocation(), "malformed JSON: " + e.getOriginalMessage());
    }
  }

  private static void checkShape(long rows, long cols, long[] q, long[] g, String source) {
    if (rows != q.length) {
      throw new IllegalArgumentException(
          source
              + ": the similarity matrix has "
              + rows
              + " rows but there are "
              + q.length
              + " query ids");
    }
    if (cols != g.length) {
      throw new IllegalArgumentException(
          source
              + ": the similarity matrix has "
              + cols
              + " columns but there are "
              + g.length
              + " gallery ids");
    }
    if (g.length == 0) {
      throw new IllegalArgumentException(source + ": the gallery is empty");
    }
  }

  private static double[][] readMatrix(JsonParser p, Path file) throws IOException {
    expect(p, p.currentToken(), JsonToken.START_ARRAY, file, "\"similarity\" as an array of rows");
    List<double[]> rows = new ArrayList<>();
    double[] buf = new double[16];
    int width = -1;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      int r = rows.size();
      JsonLocation rowStart = p.currentLocation();
      expect(
          p, p.currentToken(), JsonToken.START_ARRAY, file, "similarity row " + r + " as an array");
      int n = 0;
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
          throw error(
              file,
              p.currentLocation(),
              "similarity[" + r + "][" + n + "] is " + describe(p, t) + ", expected a number");
        }
        double v = p.getDoubleValue();
        if (Double.isNaN(v) || Double.isInfinite(v)) {
          throw error(
              file,
              p.currentLocation(),
              "similarity[" + r + "][" + n + "] is " + v + " (not finite)");
        }
        if (n == buf.length) {
          buf = java.util.Arrays.copyOf(buf, n * 2);
        }
        buf[n++] = v;
      }
      if (width < 0) {
        width = n;
      } else if (n != width) {
        throw error(
            file,
            rowStart,
            "ragged matrix: similarity row " + r + " has " + n + " values, row 0 has " + width);
      }
      rows.add(java.util.Arrays.copyOf(buf, n));
    }
    return rows.toArray(new double[0][]);
  }

  private static long[] readIds(JsonParser p, Path file, String what) throws IOException {
    expect(p, p.currentToken(), JsonToken.START_ARRAY, file, what + " as an array of integers");
    long[] ids = new long[16];
    int n = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.VALUE_NUMBER_INT) {
        throw error(
            file,
            p.currentLocation(),
            what + "[" + n + "] is " + describe(p, t) + ", expected an integer person id");
      }
      if (n == ids.length) {
        ids = java.util.Arrays.copyOf(ids, n * 2);
      }
      ids[n++] = p.getLongValue();
    }
    return java.util.Arrays.copyOf(ids, n);
  }

  private static String describe(JsonParser p, JsonToken t) throws IOException {
    return switch (t) {
      case VALUE_STRING -> "the string \"" + p.getText() + "\"";
      case VALUE_NULL -> "null";
      case START_ARRAY -> "an array";
      case START_OBJECT -> "an object";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      default -> String.valueOf(p.getText());
    };
  }

  private static void expect(JsonParser p, JsonToken got, JsonToken want, Path file, String what)
      throws IOException {
    if (got != want) {
      throw error(
          file,
          p.currentLocation(),
          "expected " + what + ", found " + (got == null ? "end of file" : describe(p, got)));
    }
  }

  private static void require(boolean ok, Path file, String message) {
    if (!ok) {
      throw new IllegalArgumentException(file + ": " + message);
    }
  }

  private static IllegalArgumentException error(Path file, JsonLocation loc, String message) {
    String where = loc == null ? "" : ":" + loc.getLineNr() + ":" + loc.getColumnNr();
    return new IllegalArgumentException(file + where + ": " + message);
  }
}
