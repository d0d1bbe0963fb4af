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

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(ModelFixtureTest.class.getResource(ModelFixture.RESOURCE_DIR + name).toURI());
  }

  private static void assertEmbeds(Path model, JsonNode fixture) throws IOException {
    TbpsModel m = TbpsModel.load(model);
    assertEquals(ModelFixture.CONFIG, m.config());
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
  void committedFixtureLoadsAndGivesTheRecordedEmbeddings() throws Exception {
    Path model = resource("model.zip");
    assertTrue(Files.size(model) < 1_000_000, "fixture must stay small");
    assertEmbeds(model, ModelFixture.read(resource("fixture.json")));
  }

  @Test
  void regeneratingGivesTheCommittedValues() throws Exception {
    ModelFixture.write(tmp);
    JsonNode fresh = ModelFixture.read(tmp.resolve("fixture.json"));
    assertEmbeds(tmp.resolve("model.zip"), fresh);
    // same code, same seeds: the regenerated fixture equals the committed one (a failure here
    // means the graph or its initialisation changed: regenerate, see ModelFixture)
    JsonNode committed = ModelFixture.read(resource("fixture.json"));
    for (String f : new String[] {"images", "imageGlobal", "imageSets", "textGlobal", "textSets"}) {
      assertArrayEquals(
          ModelFixture.doubles(committed, f), ModelFixture.doubles(fresh, f), 1e-5, f);
    }
    assertEquals(committed.path("tokens"), fresh.path("tokens"));
  }
}
