package org.tbps4j.model.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.model.TestData;

class GallerySearchTest {
  @TempDir Path dir;

  private static INDArray unit(INDArray x) {
    INDArray n = x.norm2(x.rank() - 1);
    return x.div(Nd4j.expandDims(n, x.rank() - 1));
  }

  private static List<String> paths(int g) {
    List<String> p = new ArrayList<>();
    for (int i = 0; i < g; i++) {
      p.add("imgs/" + i + ".jpg");
    }
    return p;
  }

  private static long[] ids(int g) {
    long[] ids = new long[g];
    for (int i = 0; i < g; i++) {
      ids[i] = 1000 + i / 2;
    }
    return ids;
  }

  @Test
  void plantedMatchComesFirst() {
    Nd4j.getRandom().setSeed(3);
    int g = 200;
    INDArray gallery = unit(Nd4j.randn(DataType.FLOAT, g, 32));
    INDArray query =
        unit(gallery.getRow(137).reshape(1, 32).add(Nd4j.randn(DataType.FLOAT, 1, 32).mul(0.05)));
    Gallery gal = new Gallery(gallery, ids(g), paths(g), null, 0);
    List<Gallery.Hit> hits = gal.search(new Embeddings(query, null), 5).get(0);
    assertEquals(5, hits.size());
    assertEquals(137, hits.get(0).index());
    assertEquals(1068, hits.get(0).personId());
    assertEquals("imgs/137.jpg", hits.get(0).path());
    double cos = query.getRow(0).mul(gallery.getRow(137)).sumNumber().doubleValue();
    assertEquals(cos, hits.get(0).score(), 1e-5);
    for (int i = 1; i < hits.size(); i++) {
      assertTrue(hits.get(i - 1).score() >= hits.get(i).score());
    }
  }

  @Test
  void withSetsThePlantedSetMatchWinsAndScoresAddLambdaTimesSetSimilarity() {
    Nd4j.getRandom().setSeed(4);
    int g = 60;
    int m = 3;
    int d = 16;
    INDArray global = unit(Nd4j.randn(DataType.FLOAT, g, d));
    INDArray sets = unit(Nd4j.randn(DataType.FLOAT, g, m, d));
    // the query's global embedding is uninformative; its sets are gallery item 41's, permuted
    INDArray qGlobal = unit(Nd4j.randn(DataType.FLOAT, 1, d));
    INDArray item = sets.get(NDArrayIndex.point(41), NDArrayIndex.all(), NDArrayIndex.all());
    INDArray qSets =
        unit(Nd4j.concat(
                    0,
                    item.getRow(2).reshape(1, d),
                    item.getRow(0).reshape(1, d),
                    item.getRow(1).reshape(1, d))
                .add(Nd4j.randn(DataType.FLOAT, m, d).mul(0.02)))
            .reshape(1, m, d);
    Gallery gal = new Gallery(global, ids(g), paths(g), sets, 2.0);
    List<Gallery.Hit> hits = gal.search(new Embeddings(qGlobal, qSets), 3).get(0);
    assertEquals(41, hits.get(0).index());
    for (Gallery.Hit h : hits) {
      INDArray gs = sets.get(NDArrayIndex.point(h.index()), NDArrayIndex.all(), NDArrayIndex.all());
      double expected =
          qGlobal.getRow(0).mul(global.getRow(h.index())).sumNumber().doubleValue()
              + 2.0 * SetSimilarity.pair(qSets.reshape(m, d), gs);
      assertEquals(expected, h.score(), 1e-5);
    }
  }

  @Test
  void eagerSetSimilarityMatchesTheSlowFormula() {
    Nd4j.getRandom().setSeed(5);
    INDArray q = unit(Nd4j.randn(DataType.FLOAT, 4, 3, 8));
    INDArray g = unit(Nd4j.randn(DataType.FLOAT, 6, 3, 8));
    INDArray s = SetSimilarity.matrix(q, g);
    assertArrayEquals(new long[] {4, 6}, s.shape());
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 6; j++) {
        double slow =
            SetSimilarity.pair(
                q.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all()),
                g.get(NDArrayIndex.point(j), NDArrayIndex.all(), NDArrayIndex.all()));
        assertEquals(slow, s.getDouble(i, j), 1e-5);
      }
    }
    // hand-made case: M = 2, D = 2; v = {e1, e2}, u = {e1, (e1+e2)/√2}
    INDArray v = Nd4j.createFromArray(new float[][] {{1, 0}, {0, 1}}).reshape(1, 2, 2);
    float r = (float) Math.sqrt(0.5);
    INDArray u = Nd4j.createFromArray(new float[][] {{1, 0}, {r, r}}).reshape(1, 2, 2);
    // v side: max(1, r) + max(0, r) = 1 + r; u side: max(1, 0) + max(r, r) = 1 + r
    assertEquals(
        0.5 * ((1 + r) / 2 + (1 + r) / 2), SetSimilarity.matrix(v, u).getDouble(0, 0), 1e-6);
  }

  @Test
  void saveLoadRoundTrip() throws IOException {
    Nd4j.getRandom().setSeed(6);
    INDArray global = unit(Nd4j.randn(DataType.FLOAT, 5, 4));
    INDArray sets = unit(Nd4j.randn(DataType.FLOAT, 5, 2, 4));
    Gallery g = new Gallery(global, ids(5), paths(5), sets, 0.7);
    Path f = dir.resolve("g/gallery.zip");
    g.save(f);
    Gallery back = Gallery.load(f);
    assertEquals(global, back.embeddings());
    assertEquals(sets, back.sets());
    assertArrayEquals(ids(5), back.personIds());
    assertEquals(paths(5), back.paths());
    assertEquals(0.7, back.lambda());
    Gallery plain = new Gallery(global, ids(5), paths(5), null, 0);
    plain.save(f);
    assertEquals(null, Gallery.load(f).sets());
  }

  @Test
  void badInputsAreRejected() {
    INDArray global = Nd4j.ones(DataType.FLOAT, 3, 4);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new Gallery(global, ids(2), paths(3), null, 0));
    assertEquals("gallery has 3 embeddings but 2 person ids and 3 paths", e.getMessage());
    Gallery g = new Gallery(global, ids(3), paths(3), null, 0);
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> g.search(new Embeddings(Nd4j.ones(DataType.FLOAT, 1, 5), null), 1));
    assertEquals("query embeddings have D=5, the gallery has D=4", e.getMessage());
  }

  @Test
  void embedderOutputIsNormalisedAndIndependentOfTheBatchSize() {
    ModelConfig c =
        ModelConfig.preset("micro", 3, 12).toBuilder()
            .optEsa(new ModelConfig.EsaConfig(true, 2, 1))
            .build();
    TbpsModel model = TbpsModel.create(c);
    INDArray images = TestData.images(c, 5, 1, DataType.FLOAT);
    Embeddings a = new Embedder(model, 2).embedImagesWithSets(images);
    Embeddings b = new Embedder(model, 5).embedImagesWithSets(images);
    INDArray single = new Embedder(model, 1).embedImages(images);
    assertTrue(a.global().equalsWithEps(b.global(), 1e-5));
    assertTrue(a.sets().equalsWithEps(b.sets(), 1e-5));
    assertTrue(single.equalsWithEps(b.global(), 1e-5));
    assertTrue(b.global().norm2(1).equalsWithEps(Nd4j.ones(DataType.FLOAT, 5), 1e-5));
    assertTrue(b.sets().norm2(2).equalsWithEps(Nd4j.ones(DataType.FLOAT, 5, 2), 1e-5));
    // an image of the gallery, used as the query, finds itself first
    Gallery gal = Gallery.of(b, ids(5), paths(5), c.esa().lambda());
    INDArray q =
        images.get(
            NDArrayIndex.interval(3, 4),
            NDArrayIndex.all(),
            NDArrayIndex.all(),
            NDArrayIndex.all());
    assertEquals(
        3, gal.search(new Embedder(model, 4).embedImagesWithSets(q), 1).get(0).get(0).index());
  }
}
