package org.tbps4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tbps4j.model.search.Embedder;
import org.tbps4j.model.search.Embeddings;

/** Format drift: the committed model still loads and embeds its inputs as it did when saved. */
class ModelFixtureTest {
  @TempDir Path tmp;

  private static Path resource(ModelFixture.Version v, String name) throws URISyntaxException {
    return Path.of(ModelFixtureTest.class.getResource(v.resourceDir() + name).toURI());
  }

  private static void assertEmbeds(Path model, JsonNode fixture, ModelConfig config)
      throws IOException {
    TbpsModel m = TbpsModel.load(model);
    assertEquals(config, m.config());
    Embedder e = new Embedder(m, 2);
    Embeddings img = e.embedImagesWithSets(ModelFixture.images(fixture));
    Embeddings txt = e.embedTextsWithSets(ModelFixture.tokens(fixture));
    assertClose(ModelFixture.doubles(fixture, "imageGlobal"), img.global());
    assertClose(ModelFixture.doubles(fixture, "imageSets"), img.sets());
    assertClose(ModelFixture.doubles(fixture, "textGlobal"), txt.global());
    assertClose(ModelFixture.doubles(fixture, "textSets"), txt.sets());
  }

  private static void assertClose(double[] expected, INDArray actual) {
    assertArrayEquals(expected, actual.dup().data().asDouble(), 1e-5);
  }

  @Test
  void committedFixturesLoadAndGiveTheRecordedEmbeddings() throws Exception {
    for (ModelFixture.Version v : new ModelFixture.Version[] {ModelFixture.V1, ModelFixture.V2}) {
      Path model = resource(v, "model.zip");
      assertTrue(Files.size(model) < 1_000_000, "fixture must stay small");
      assertEmbeds(model, ModelFixture.read(resource(v, "fixture.json")), v.config());
    }
  }

  @Test
  void regeneratingTheFirstDesignGivesItsCommittedValues() throws Exception {
    // today's code (fused batch-norm) builds the first design's graph with the same function
    regenerates(ModelFixture.V1);
  }

  @Test
  void regeneratingTheCurrentDesignGivesItsCommittedValues() throws Exception {
    regenerates(ModelFixture.V2);
  }

  private void regenerates(ModelFixture.Version v) throws Exception {
    ModelFixture.write(tmp, v.config());
    JsonNode fresh = ModelFixture.read(tmp.resolve("fixture.json"));
    assertEmbeds(tmp.resolve("model.zip"), fresh, v.config());
    // same code, same seeds: the regenerated fixture equals the committed one (a failure here
    // means the graph or its initialisation changed: regenerate, see ModelFixture)
    JsonNode committed = ModelFixture.read(resource(v, "fixture.json"));
    for (String f : new String[] {"images", "imageGlobal", "imageSets", "textGlobal", "textSets"}) {
      assertArrayEquals(
          ModelFixture.doubles(committed, f), ModelFixture.doubles(fresh, f), 1e-5, f);
    }
    assertEquals(committed.path("tokens"), fresh.path("tokens"));
  }
}
