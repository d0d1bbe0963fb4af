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
 * The committed format-drift fixtures: a micro model with ESA and dropout, its batch-norm running
 * statistics recalibrated on a seeded batch, saved without updater state ({@code model.zip}), plus
 * seeded inputs and the embeddings it gives for them ({@code fixture.json}). Two of them: {@code
 * fixture/} holds the first design (projection heads, bottleneck text path, batch-norm composed
 * from basic ops, saved before the head and the text path were config fields), {@code fixture-v2/}
 * the current one (batch-norm heads, kernel-3 text path, fused batch-norm).
 *
 * <p>Regenerate (after an intended change of the graph, the initialisation or the file format) from
 * the repository root:
 *
 * <pre>
 * mvn -B -q -pl tbps-model test-compile org.codehaus.mojo:exec-maven-plugin:3.5.0:java \
 *     -Dexec.classpathScope=test \
 *     -Dexec.mainClass=org.tbps4j.model.ModelFixture -Dexec.args=v2
 * </pre>
 *
 * <p>({@code v1} rewrites the first design's fixture with today's code: only when its file format
 * must change on purpose.)
 */
public final class ModelFixture {
  /**
   * One fixture: its directory name and the config it was made from.
   *
   * @param dir directory under {@link #SOURCE_DIR_PARENT}
   * @param config the model config
   */
  record Version(String dir, ModelConfig config) {
    /** Where the fixture lives in the source tree (relative to the repository root). */
    String sourceDir() {
      return SOURCE_DIR_PARENT + dir;
    }

    /** Classpath location of the fixture. */
    String resourceDir() {
      return "/org/tbps4j/model/" + dir + "/";
    }
  }

  static final String SOURCE_DIR_PARENT = "tbps-model/src/test/resources/org/tbps4j/model/";

  static final ModelConfig CONFIG =
      ModelConfig.preset("micro", 3, 12).toBuilder()
          .optEsa(new ModelConfig.EsaConfig(true, 2, 0.5))
          .optDropFraction(0.3)
          .build();

  /** The first design, saved before head and text path were fields. */
  static final Version V1 =
      new Version(
          "fixture",
          CONFIG.toBuilder()
              .optHead(ModelConfig.Head.PROJECTION)
              .optTextPath(ModelConfig.TextPath.BOTTLENECK)
              .build());

  /** The current design. */
  static final Version V2 = new Version("fixture-v2", CONFIG);

  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelFixture() {}

  /**
   * Writes {@code model.zip} and {@code fixture.json} into a directory.
   *
   * @param dir target directory
   * @param config the model config
   * @throws IOException on write errors
   */
  public static void write(Path dir, ModelConfig config) throws IOException {
    TbpsModel model = TbpsModel.create(config);
    INDArray images = TestData.images(config, 2, 101, DataType.FLOAT);
    INDArray tokens = TestData.tokens(config, 3, 102);
    BatchNormStatistics.recalibrate(
        model,
        List.of(
            model.inputs(
                TestData.images(config, 4, 103, DataType.FLOAT),
                TestData.tokens(config, 4, 104),
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
   * Regenerates a committed fixture.
   *
   * @param args {@code v1} or {@code v2}, then optionally a target directory (default: the
   *     fixture's place in the source tree)
   * @throws IOException on write errors
   */
  public static void main(String[] args) throws IOException {
    Version v = args.length > 0 && args[0].equals("v1") ? V1 : V2;
    Path dir = Path.of(args.length > 1 ? args[1] : v.sourceDir());
    write(dir, v.config());
    System.out.println("fixture written to " + dir.toAbsolutePath());
  }
}
