package org.tbps4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tbps4j.data.Split;
import org.tbps4j.data.synth.SynthConfig;
import org.tbps4j.data.synth.SyntheticDataset;
import org.tbps4j.model.search.Embedder;
import org.tbps4j.model.search.Gallery;
import org.tbps4j.search.ModelBundle;

/**
 * Runs example 4 with a micro model trained for one epoch on 30 synthetic people, and checks its
 * ranking against scores computed here image by image.
 */
class Ex4EmbedAGalleryAndSearchItTest {
  @TempDir Path dir;

  @AfterEach
  void gc() {
    System.gc();
  }

  @Test
  void ranksTheTestImagesByTheirCosineToTheQuery() throws Exception {
    Path data = dir.resolve("data");
    SyntheticDataset.Summary generated = SyntheticDataset.generate(SynthConfig.of(30, 9), data);
    Path model = TinyTrainedModel.train(data, dir.resolve("run"), false);
    int k = 5;
    Ex4EmbedAGalleryAndSearchIt.Result r =
        Ex4EmbedAGalleryAndSearchIt.run(model, data, dir.resolve("gallery.zip"), k);

    int images = generated.splits().get(Split.TEST).images();
    assertEquals(images, r.gallerySize());
    assertTrue(Files.isRegularFile(r.galleryFile()));
    assertEquals(Math.min(k, images), r.hits().size());

    // the same scores, one image at a time: cosine of the query and each hit's image
    ModelBundle saved = ModelBundle.open(model);
    Embedder embedder = new Embedder(saved.model(), 1);
    int[] tokens = saved.vocabulary().encode(r.query(), saved.maxLength());
    INDArray q = embedder.embedTexts(Nd4j.createFromArray(new int[][] {tokens}));
    double previous = Double.POSITIVE_INFINITY;
    for (Gallery.Hit hit : r.hits()) {
      INDArray image =
          embedder.embedImages(saved.loader().loadBatch(List.of(data.resolve(hit.path()))));
      assertEquals(q.mul(image).sumNumber().doubleValue(), hit.score(), 1e-4, hit.path());
      assertTrue(hit.score() <= previous, "best first");
      previous = hit.score();
    }
    // and nothing outside the top k scores higher than the k-th
    Gallery gallery = Gallery.load(r.galleryFile());
    double[] all = gallery.embeddings().mmul(q.transpose()).toDoubleVector();
    double last = previous;
    long higher = Arrays.stream(all).filter(s -> s > last + 1e-5).count();
    assertTrue(higher <= r.hits().size() - 1, "only the hits above the last hit: " + higher);

    List<Long> ids = r.hits().stream().map(Gallery.Hit::personId).toList();
    int expectedRank = ids.indexOf(r.queryPersonId()) + 1;
    assertEquals(expectedRank, r.firstCorrectRank());
  }
}
