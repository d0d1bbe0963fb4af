package org.tbps4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tbps4j.model.search.Embedder;
import org.tbps4j.model.search.Embeddings;

/**
 * The committed format-drift fixture: a micro model with ESA and dropout, its batch-norm running
 * statistics recalibrated on a seeded batch, saved without updater state ({@code model.zip}), plus
 * seeded inputs and the embeddings it gives for them ({@code fixture.json}).
 *
 * <p>Regenerate (after an intended change of the graph, the initialisation or the file format) from
 * the repository root:
 *
 * <pre>
 * mvn -B -q -pl tbps-model test-compile org.codehaus.mojo:exec-maven-plugin:3.5.0:java \
 *     -Dexec.classpathScope=test \
 *     -Dexec.mainClass=org.tbps4j.model.ModelFixture
 * </pre>
 */
public final class ModelFixture {
  /** Where the fixture lives in the source tree (relative to the repository root). */
  public static final String SOURCE_DIR = "tbps-model/src/test/resources/org/tbps4j/model/fixture";

  /** Classpath location of the fixture. */
  public static final String RESOURCE_DIR = "/org/tbps4j/model/fixture/";

  static final ModelConfig CONFIG =
      ModelConfig.preset("micro", 3, 12)
          .withEsa(new ModelConfig.EsaConfig(true, 2, 0.5))
          .withDropFraction(0.3);

  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelFixture() {}

  /**
   * Writes {@code model.zip} and {@code fixture.json} into a directory.
   *
   * @param dir target directory
   * @throws IOException on write errors
   */
  public static void write(Path dir) throws IOException {
    TbpsModel model = TbpsModel.create(CONFIG);
    INDArray images = TestData.images(CONFIG, 2, 101, DataType.FLOAT);
    INDArray tokens = TestData.tokens(CONFIG, 3, 102);
    BatchNormStatistics.recalibrate(
        model,
        List.of(
            model.inputs(
                TestData.images(CONFIG, 4, 103, DataType.FLOAT),
                TestData.tokens(CONFIG, 4, 104),
                TestData.labels(4, 3))));
    model.putAttachment("fixture.txt", "format-drift fixture, see ModelFixture");
    Files.createDirectories(dir);
    model.save(dir.resolve("model.zip"), false);
    Embedder e = new Embedder(model, 8);
    Embeddings img = e.embedImagesWithSets(images);
    Embeddings txt = e.embedTextsWithSets(tokens);
    ObjectNode root = JSON.createObjectNode();
    root.putPOJO("imageShape", images.shape());
    root.putPOJO("images", images.dup().data().asDouble());
    root.putPOJO("tokens", tokens.toIntMatrix());
    root.putPOJO("imageGlobal", img.global().toDoubleMatrix());
    root.putPOJO("imageSets", img.sets().dup().data().asDouble());
    root.putPOJO("textGlobal", txt.global().toDoubleMatrix());
    root.putPOJO("textSets", txt.sets().dup().data().asDouble());
    Files.writeString(dir.resolve("fixture.json"), JSON.writeValueAsString(root));
  }

  /**
   * Reads a fixture array.
   *
   * @param root the parsed {@code fixture.json}
   * @param field field name
   * @return the values as DOUBLE
   */
  static double[] doubles(JsonNode root, String field) {
    JsonNode n = root.path(field);
    List<Double> out = new java.util.ArrayList<>();
    collect(n, out);
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static void collect(JsonNode n, List<Double> out) {
    if (n.isArray()) {
      n.forEach(c -> collect(c, out));
    } else {
      out.add(n.asDouble());
    }
  }

  static INDArray images(JsonNode root) {
    long[] shape = JSON.convertValue(root.path("imageShape"), long[].class);
    return Nd4j.create(doubles(root, "images"), shape, 'c').castTo(DataType.FLOAT);
  }

  static INDArray tokens(JsonNode root) {
    return Nd4j.createFromArray(JSON.convertValue(root.path("tokens"), int[][].class));
  }

  static JsonNode read(Path file) throws IOException {
    return JSON.readTree(Files.readString(file));
  }

  /**
   * Regenerates the committed fixture.
   *
   * @param args optional target directory (default {@link #SOURCE_DIR})
   * @throws IOException on write errors
   */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : SOURCE_DIR);
    write(dir);
    System.out.println("fixture written to " + dir.toAbsolutePath());
  }
}
