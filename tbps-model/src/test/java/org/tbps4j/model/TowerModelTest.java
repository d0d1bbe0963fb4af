package org.tbps4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.tbps4j.model.layers.TokenFeatureHead;
import org.tbps4j.model.search.Embedder;

/**
 * A dual-path model whose text path is a {@link TokenFeatureHead} on a tower's token features
 * (small feature width F = 5 instead of MiniLM's 384): inputs, outputs, ESA, save/load.
 */
class TowerModelTest {
  @TempDir Path dir;

  static ModelConfig config(TokenFeatureHead.Variant head, boolean esa) {
    ModelConfig c =
        ModelConfig.preset("micro", 4, 10).toBuilder()
            .optText(new ModelConfig.TextEncoder("minilm-l6", head, 6, 1, 5))
            .optMaxLength(7)
            .build();
    return esa ? c.toBuilder().optEsa(new ModelConfig.EsaConfig(true, 3, 0.5)).build() : c;
  }

  /** Packed {@code [n, 7, 6]} features + mask with random lengths 2..7 and zero padding. */
  static INDArray packed(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n * 7 * 6];
    for (int i = 0; i < n; i++) {
      int len = 2 + r.nextInt(6);
      for (int t = 0; t < len; t++) {
        for (int f = 0; f < 5; f++) {
          v[(i * 7 + t) * 6 + f] = (float) (2 * r.nextDouble() - 1);
        }
        v[(i * 7 + t) * 6 + 5] = 1f;
      }
    }
    return Nd4j.create(v, new long[] {n, 7, 6}, DataType.FLOAT);
  }

  @Test
  void theGraphTakesFeaturesAndMaskInsteadOfTokens() {
    try (TbpsModel m = TbpsModel.create(config(TokenFeatureHead.Variant.CNN_ATTENTION, false))) {
      assertEquals(
          List.of(GraphNames.IMAGES, TokenFeatureHead.FEATURES, TokenFeatureHead.MASK),
          m.featureNames());
      assertFalse(m.sameDiff().hasVariable(GraphNames.TOKENS));
      assertFalse(m.sameDiff().hasVariable(GraphNames.TEXT_TABLE));
      INDArray p = packed(3, 1);
      Map<String, INDArray> in = m.textInputs(p);
      assertArrayEquals(new long[] {3, 7, 5}, in.get(TokenFeatureHead.FEATURES).shape());
      assertArrayEquals(new long[] {3, 7}, in.get(TokenFeatureHead.MASK).shape());
      // the split is exact: channel f of the features, channel 5 the mask
      assertEquals(
          p.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(5)),
          in.get(TokenFeatureHead.MASK));
      assertEquals(
          p.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 5)),
          in.get(TokenFeatureHead.FEATURES));
      // token ids given to a tower model are refused with the expected layout
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> m.textInputs(Nd4j.createFromArray(new int[][] {{2, 3, 0, 0, 0, 0, 0}})));
      assertTrue(e.getMessage().contains("[N, 7, 6] (features + mask)"), e.getMessage());
    }
  }

  @Test
  void anInferenceEmbeddingDoesNotDependOnItsBatch() {
    try (TbpsModel m = TbpsModel.create(config(TokenFeatureHead.Variant.CNN_ATTENTION, false))) {
      Embedder e = new Embedder(m, 16);
      INDArray p = packed(5, 2);
      INDArray all = e.embedTexts(p);
      INDArray one = e.embedTexts(p.get(NDArrayIndex.interval(2, 3)).dup());
      assertEquals(5, all.rows());
      assertTrue(all.getRow(2).equalsWithEps(one.getRow(0), 1e-5), all.getRow(2) + " " + one);
      assertEquals(1.0, one.getRow(0).norm2Number().doubleValue(), 1e-5);
    }
  }

  @Test
  void esaPoolsTheCnnTokenMapAndIsRefusedWithMeanMlp() {
    ModelConfig c = config(TokenFeatureHead.Variant.CNN_ATTENTION, true);
    try (TbpsModel m = TbpsModel.create(c)) {
      Map<String, INDArray> in = m.imageInputs(TestData.images(c, 4, 3, DataType.FLOAT));
      in.putAll(m.textInputs(packed(4, 3)));
      INDArray sets =
          m.sameDiff()
              .output(in, GraphNames.ESA_TEXT_SETS_INFERENCE)
              .get(GraphNames.ESA_TEXT_SETS_INFERENCE);
      assertArrayEquals(new long[] {4, 3, c.embeddingDim()}, sets.shape());
      assertFalse(sets.isNaN().any());
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> config(TokenFeatureHead.Variant.MEAN_MLP, true));
    assertTrue(e.getMessage().contains("mean-mlp"), e.getMessage());
  }

  @Test
  void aSavedTowerModelLoadsWithItsTextConfigAndEmbedsTheSame() throws Exception {
    ModelConfig c = config(TokenFeatureHead.Variant.MEAN_MLP, false);
    Path file = dir.resolve("m.zip");
    INDArray p = packed(4, 4);
    INDArray before;
    try (TbpsModel m = TbpsModel.create(c)) {
      before = new Embedder(m, 8).embedTexts(p);
      m.save(file, false);
    }
    try (TbpsModel m = TbpsModel.load(file)) {
      assertEquals(c, m.config());
      assertEquals(TokenFeatureHead.Variant.MEAN_MLP, m.config().text().head());
      assertEquals(before, new Embedder(m, 8).embedTexts(p));
    }
    assertTrue(c.toJson().contains("\"head\" : \"mean-mlp\""), c.toJson());
  }
}
