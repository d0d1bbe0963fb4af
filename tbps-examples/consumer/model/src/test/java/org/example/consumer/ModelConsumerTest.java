package org.example.consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.model.search.Embedder;
import org.tbps4j.model.search.Embeddings;
import org.tbps4j.model.search.Gallery;

/** tbps-model, as installed and resolved through the BOM: load, embed, save, search. */
class ModelConsumerTest {
  @TempDir Path tmp;

  /**
   * The repository's format-drift fixture (a micro model with an ESA head, and the embeddings it
   * gave for seeded inputs when it was saved) loads and embeds the same way here.
   */
  @Test
  void theFixtureModelEmbedsItsInputsAsRecorded() throws Exception {
    Path dir = Path.of(System.getProperty("tbps.fixture.dir"));
    JsonNode fixture = new ObjectMapper().readTree(Files.readString(dir.resolve("fixture.json")));
    TbpsModel model = TbpsModel.load(dir.resolve("model.zip"));
    assertEquals("micro", model.config().preset());

    long[] shape = new ObjectMapper().convertValue(fixture.get("imageShape"), long[].class);
    INDArray images =
        Nd4j.create(doubles(fixture.get("images")), shape, 'c').castTo(DataType.FLOAT);
    INDArray tokens =
        Nd4j.createFromArray(new ObjectMapper().convertValue(fixture.get("tokens"), int[][].class));
    Embedder embedder = new Embedder(model, 2);
    Embeddings img = embedder.embedImagesWithSets(images);
    Embeddings txt = embedder.embedTextsWithSets(tokens);
    assertArrayEquals(
        doubles(fixture.get("imageGlobal")), img.global().dup().data().asDouble(), 1e-5);
    assertArrayEquals(
        doubles(fixture.get("textGlobal")), txt.global().dup().data().asDouble(), 1e-5);
    assertArrayEquals(doubles(fixture.get("imageSets")), img.sets().dup().data().asDouble(), 1e-5);
    assertArrayEquals(doubles(fixture.get("textSets")), txt.sets().dup().data().asDouble(), 1e-5);
  }

  /**
   * A micro model built here from its preset survives a save/load round trip bit for bit, embeds
   * into unit vectors, and a gallery of its image embeddings returns, for each query, the items
   * with the largest cosines.
   */
  @Test
  void aMicroModelRoundTripsAndSearches() throws Exception {
    ModelConfig config = ModelConfig.preset("micro", 4, 20);
    TbpsModel model = TbpsModel.create(config);
    Nd4j.getRandom().setSeed(5);
    INDArray images = Nd4j.randn(DataType.FLOAT, 6, 3, config.imageHeight(), config.imageWidth());
    INDArray tokens = Nd4j.randomBernoulli(0.5, 3, config.maxLength()).castTo(DataType.INT).add(2);

    Embedder before = new Embedder(model, 4);
    INDArray imgBefore = before.embedImages(images);
    INDArray txtBefore = before.embedTexts(tokens);
    Path file = tmp.resolve("micro.zip");
    model.save(file, false);
    Embedder after = new Embedder(TbpsModel.load(file), 4);
    assertArrayEquals(imgBefore.data().asDouble(), after.embedImages(images).data().asDouble(), 0);
    assertArrayEquals(txtBefore.data().asDouble(), after.embedTexts(tokens).data().asDouble(), 0);
    assertEquals(config.embeddingDim(), imgBefore.columns());
    for (double n : imgBefore.norm2(1).toDoubleVector()) {
      assertEquals(1.0, n, 1e-5);
    }

    List<String> paths = new ArrayList<>();
    long[] ids = new long[6];
    for (int i = 0; i < 6; i++) {
      paths.add("img" + i + ".jpg");
      ids[i] = i / 2;
    }
    Gallery gallery = Gallery.of(new Embeddings(imgBefore, null), ids, paths, 0.0);
    List<List<Gallery.Hit>> hits = gallery.search(new Embeddings(imgBefore, null), 3);
    // the top 3 of each query are the 3 largest cosines of its row, computed here directly
    double[][] cosines = imgBefore.mmul(imgBefore.transpose()).toDoubleMatrix();
    for (int i = 0; i < 6; i++) {
      double[] row = cosines[i].clone();
      Arrays.sort(row);
      for (int r = 0; r < 3; r++) {
        Gallery.Hit hit = hits.get(i).get(r);
        assertEquals(row[row.length - 1 - r], hit.score(), 1e-5, "query " + i + " rank " + r);
        assertEquals(cosines[i][hit.index()], hit.score(), 1e-5);
        assertEquals(paths.get(hit.index()), hit.path());
        assertEquals(ids[hit.index()], hit.personId());
      }
    }
  }

  private static double[] doubles(JsonNode n) {
    List<Double> out = new ArrayList<>();
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
}
