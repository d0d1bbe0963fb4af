package org.tbps4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.tbps4j.model.search.Embedder;

/** Shapes per preset, oneDNN on/off, inference-mode independence, batch-norm statistics. */
class ModelBehaviourTest {

  @AfterEach
  void gc() {
    System.gc();
  }

  private static void assertForwardShapes(ModelConfig c, int n) {
    TbpsModel model = TbpsModel.create(c);
    Map<String, INDArray> ph = model.imageInputs(TestData.images(c, n, 1, DataType.FLOAT));
    ph.putAll(model.textInputs(TestData.tokens(c, n, 2)));
    List<String> outs =
        c.esa().enabled()
            ? List.of(
                GraphNames.IMAGE_EMBEDDING,
                GraphNames.TEXT_EMBEDDING,
                GraphNames.IMAGE_EMBEDDING_INFERENCE,
                GraphNames.TEXT_EMBEDDING_INFERENCE,
                GraphNames.ESA_IMAGE_SETS,
                GraphNames.ESA_TEXT_SETS,
                GraphNames.ESA_IMAGE_SETS_INFERENCE,
                GraphNames.ESA_TEXT_SETS_INFERENCE,
                GraphNames.ESA_SIMILARITY)
            : List.of(
                GraphNames.IMAGE_EMBEDDING,
                GraphNames.TEXT_EMBEDDING,
                GraphNames.IMAGE_EMBEDDING_INFERENCE,
                GraphNames.TEXT_EMBEDDING_INFERENCE);
    Map<String, INDArray> out = model.sameDiff().output(ph, outs);
    long d = c.embeddingDim();
    assertArrayEquals(new long[] {n, d}, out.get(GraphNames.IMAGE_EMBEDDING).shape());
    assertArrayEquals(new long[] {n, d}, out.get(GraphNames.TEXT_EMBEDDING).shape());
    assertArrayEquals(new long[] {n, d}, out.get(GraphNames.IMAGE_EMBEDDING_INFERENCE).shape());
    assertArrayEquals(new long[] {n, d}, out.get(GraphNames.TEXT_EMBEDDING_INFERENCE).shape());
    if (c.esa().enabled()) {
      long m = c.esa().sets();
      assertArrayEquals(new long[] {n, m, d}, out.get(GraphNames.ESA_IMAGE_SETS).shape());
      assertArrayEquals(new long[] {n, m, d}, out.get(GraphNames.ESA_TEXT_SETS).shape());
      assertArrayEquals(new long[] {n, m, d}, out.get(GraphNames.ESA_IMAGE_SETS_INFERENCE).shape());
      assertArrayEquals(new long[] {n, n}, out.get(GraphNames.ESA_SIMILARITY).shape());
    }
    assertArrayEquals(
        new long[] {d, c.numClasses()},
        model.sameDiff().getArrForVarName(GraphNames.CLASSIFIER_W).shape());
    assertArrayEquals(
        new long[] {c.numClasses()},
        model.sameDiff().getArrForVarName(GraphNames.CLASSIFIER_B).shape());
  }

  @Test
  void everyPresetBuildsWithTheConfiguredShapes() {
    ModelConfig.EsaConfig esa = new ModelConfig.EsaConfig(true, 3, 1.0);
    assertForwardShapes(ModelConfig.preset("micro", 4, 20).toBuilder().optEsa(esa).build(), 3);
    assertForwardShapes(ModelConfig.preset("tiny", 10, 300).toBuilder().optEsa(esa).build(), 2);
    assertForwardShapes(ModelConfig.preset("resnet18", 10, 300), 2);
  }

  @Test
  void resnet50OneForwardPassOnTwoSamples() {
    ModelConfig c = ModelConfig.preset("resnet50", 10, 300);
    TbpsModel model = TbpsModel.create(c);
    long params = model.parameterCount();
    // ResNet-50 body (23.5 M) + text CNN + two 2048×2048 heads
    assertTrue(params > 40_000_000 && params < 80_000_000, "resnet50 preset: " + params);
    model = null;
    System.gc();
    assertForwardShapes(c, 2);
  }

  @Test
  void tinyPresetHasAFewHundredThousandToAFewMillionParameters() {
    long p = TbpsModel.create(ModelConfig.preset("tiny", 100, 1000)).parameterCount();
    assertTrue(p > 300_000 && p < 3_000_000, "tiny preset: " + p);
  }

  @Test
  void oneDnnHelpersOnAndOffAgree() {
    ModelConfig c = ModelConfig.preset("tiny", 10, 100).toBuilder().optImageSize(64, 32).build();
    TbpsModel model = TbpsModel.create(c);
    INDArray images = TestData.images(c, 3, 4, DataType.FLOAT);
    INDArray tokens = TestData.tokens(c, 3, 5);
    boolean before = Nd4j.getEnvironment().helpersAllowed();
    try {
      Nd4j.getEnvironment().allowHelpers(true);
      Embedder e = new Embedder(model, 8);
      INDArray imgOn = e.embedImages(images);
      INDArray txtOn = e.embedTexts(tokens);
      Nd4j.getEnvironment().allowHelpers(false);
      INDArray imgOff = e.embedImages(images);
      INDArray txtOff = e.embedTexts(tokens);
      assertTrue(imgOn.equalsWithEps(imgOff, 1e-4), "image embeddings differ");
      assertTrue(txtOn.equalsWithEps(txtOff, 1e-4), "text embeddings differ");
      // training-mode outputs too (batch statistics path)
      Map<String, INDArray> ph = model.imageInputs(images);
      Nd4j.getRandom().setSeed(7); // same dropout masks
      INDArray trainOff =
          model
              .sameDiff()
              .output(ph, GraphNames.IMAGE_EMBEDDING_NORMALIZED)
              .get(GraphNames.IMAGE_EMBEDDING_NORMALIZED);
      Nd4j.getEnvironment().allowHelpers(true);
      Nd4j.getRandom().setSeed(7);
      INDArray trainOn =
          model
              .sameDiff()
              .output(ph, GraphNames.IMAGE_EMBEDDING_NORMALIZED)
              .get(GraphNames.IMAGE_EMBEDDING_NORMALIZED);
      assertTrue(trainOn.equalsWithEps(trainOff, 1e-4), "training-mode embeddings differ");
    } finally {
      Nd4j.getEnvironment().allowHelpers(before);
    }
  }

  @Test
  void inInferenceModeAnEmbeddingDoesNotDependOnTheRestOfItsBatch() {
    ModelConfig c = ModelConfig.preset("micro", 3, 20).toBuilder().optDropFraction(0.5).build();
    TbpsModel model = TbpsModel.create(c);
    INDArray images = TestData.images(c, 4, 8, DataType.FLOAT);
    INDArray other = TestData.images(c, 4, 9, DataType.FLOAT);
    INDArray mixed = Nd4j.concat(0, images.get(NDArrayIndex.interval(0, 1)), other);
    INDArray tokens = TestData.tokens(c, 4, 8);
    INDArray tokensMixed =
        Nd4j.concat(0, tokens.get(NDArrayIndex.interval(0, 1)), TestData.tokens(c, 4, 10));
    // make the running statistics non-trivial first
    BatchNormStatistics.recalibrate(
        model, List.of(model.inputs(other, tokens, TestData.labels(4, 3))));
    String[] outs = {GraphNames.IMAGE_EMBEDDING_INFERENCE, GraphNames.TEXT_EMBEDDING_INFERENCE};
    Map<String, INDArray> a =
        model.sameDiff().output(model.inputs(images, tokens, TestData.labels(4, 3)), outs);
    Map<String, INDArray> b =
        model.sameDiff().output(model.inputs(mixed, tokensMixed, TestData.labels(5, 3)), outs);
    for (String o : outs) {
      assertTrue(
          a.get(o).getRow(0).equalsWithEps(b.get(o).getRow(0), 1e-6),
          o + " of sample 0 changed with its batch in inference mode");
    }
    // in training mode it does depend on the batch (so the check above can fail)
    String train = GraphNames.IMAGE_EMBEDDING;
    Nd4j.getRandom().setSeed(1);
    INDArray ta = model.sameDiff().output(model.imageInputs(images), train).get(train);
    Nd4j.getRandom().setSeed(1);
    INDArray tb = model.sameDiff().output(model.imageInputs(mixed), train).get(train);
    assertFalse(ta.getRow(0).equalsWithEps(tb.getRow(0), 1e-6));
  }

  @Test
  void textPositionsThatSeeOnlyPaddingAreMaskedForBothLookups() {
    // micro: L = 8, text stages with strides 1 and 2 -> 4 positions, each seeing 2 tokens
    int[][] tokens = {
      {5, 6, 0, 0, 0, 0, 0, 0}, // short sentence at the start
      {0, 0, 0, 7, 8, 9, 0, 0}, // shifted inside the padded length
      {1, 2, 3, 4, 5, 6, 7, 8}, // full length
      {0, 0, 0, 0, 0, 0, 0, 9} // one token at the end
    };
    float[][] expected = {{1, 0, 0, 0}, {0, 1, 1, 0}, {1, 1, 1, 1}, {0, 0, 0, 1}};
    for (int unique : new int[] {0, 16}) {
      ModelConfig c =
          ModelConfig.preset("micro", 3, 20).toBuilder()
              .optTextPath(ModelConfig.TextPath.BOTTLENECK)
              .optUniqueTokenCapacity(unique)
              .build();
      TbpsModel model = TbpsModel.create(c);
      INDArray mask =
          model
              .sameDiff()
              .output(model.textInputs(Nd4j.createFromArray(tokens)), GraphNames.TEXT_POSITION_MASK)
              .get(GraphNames.TEXT_POSITION_MASK);
      assertArrayEquals(new long[] {4, 1, 1, 4}, mask.shape());
      assertArrayEquals(
          expected, mask.reshape(4, 4).toFloatMatrix(), "unique-token capacity " + unique);
    }
  }

  @Test
  void theConvTextPathMasksExactlyThePaddingTokens() {
    // the conv text path keeps the full length: one mask position per token, 1 where id != PAD
    int[][] tokens = {{5, 6, 0, 0, 0, 0, 0, 0}, {0, 0, 0, 7, 8, 9, 0, 0}, {1, 2, 3, 4, 5, 6, 7, 8}};
    for (int unique : new int[] {0, 16}) {
      ModelConfig c =
          ModelConfig.preset("micro", 3, 20).toBuilder().optUniqueTokenCapacity(unique).build();
      assertEquals(ModelConfig.TextPath.CONV, c.textPath());
      TbpsModel model = TbpsModel.create(c);
      INDArray mask =
          model
              .sameDiff()
              .output(model.textInputs(Nd4j.createFromArray(tokens)), GraphNames.TEXT_POSITION_MASK)
              .get(GraphNames.TEXT_POSITION_MASK);
      assertArrayEquals(new long[] {3, 1, 1, 8}, mask.shape());
      for (int i = 0; i < tokens.length; i++) {
        for (int j = 0; j < 8; j++) {
          assertEquals(tokens[i][j] != 0 ? 1.0 : 0.0, mask.getDouble(i, 0, 0, j), i + "," + j);
        }
      }
    }
  }

  @Test
  void graphSetSimilarityEqualsTheEagerOne() {
    ModelConfig c =
        ModelConfig.preset("micro", 3, 20).toBuilder()
            .optEsa(new ModelConfig.EsaConfig(true, 3, 1.0))
            .build();
    TbpsModel model = TbpsModel.create(c);
    Map<String, INDArray> ph =
        model.inputs(
            TestData.images(c, 4, 1, DataType.FLOAT),
            TestData.tokens(c, 4, 2),
            TestData.labels(4, 3));
    Map<String, INDArray> out =
        model
            .sameDiff()
            .output(
                ph, GraphNames.ESA_IMAGE_SETS, GraphNames.ESA_TEXT_SETS, GraphNames.ESA_SIMILARITY);
    INDArray eager =
        org.tbps4j.model.search.SetSimilarity.matrix(
            out.get(GraphNames.ESA_IMAGE_SETS), out.get(GraphNames.ESA_TEXT_SETS));
    assertTrue(
        eager.equalsWithEps(out.get(GraphNames.ESA_SIMILARITY), 1e-5),
        eager + " vs " + out.get(GraphNames.ESA_SIMILARITY));
  }

  @Test
  void inferenceOutputsEqualTrainingOutputsWhenRunningStatisticsAreTheBatchStatistics() {
    ModelConfig c =
        ModelConfig.preset("micro", 3, 20).toBuilder()
            .optEsa(new ModelConfig.EsaConfig(true, 2, 1.0))
            .build();
    TbpsModel model = TbpsModel.create(c);
    Map<String, INDArray> batch =
        model.inputs(
            TestData.images(c, 5, 3, DataType.FLOAT),
            TestData.tokens(c, 5, 4),
            TestData.labels(5, 3));
    // one batch: the pooled moments are exactly this batch's moments
    BatchNormStatistics.recalibrate(model, List.of(batch));
    String[][] pairs = {
      {GraphNames.IMAGE_EMBEDDING_NORMALIZED, GraphNames.IMAGE_EMBEDDING_INFERENCE},
      {GraphNames.TEXT_EMBEDDING_NORMALIZED, GraphNames.TEXT_EMBEDDING_INFERENCE},
      {GraphNames.ESA_IMAGE_SETS, GraphNames.ESA_IMAGE_SETS_INFERENCE},
      {GraphNames.ESA_TEXT_SETS, GraphNames.ESA_TEXT_SETS_INFERENCE}
    };
    for (String[] p : pairs) {
      Map<String, INDArray> out = model.sameDiff().output(batch, p);
      assertTrue(out.get(p[0]).equalsWithEps(out.get(p[1]), 1e-4), p[1] + " differs from " + p[0]);
    }
  }

  @Test
  void dropoutIsActiveOnlyInTrainingMode() {
    ModelConfig c = ModelConfig.preset("micro", 3, 20).toBuilder().optDropFraction(0.5).build();
    TbpsModel model = TbpsModel.create(c);
    Map<String, INDArray> ph = model.imageInputs(TestData.images(c, 6, 8, DataType.FLOAT));
    String o = GraphNames.IMAGE_EMBEDDING;
    INDArray t1 = model.sameDiff().output(ph, o).get(o);
    INDArray t2 = model.sameDiff().output(ph, o).get(o);
    assertFalse(t1.equalsWithEps(t2, 1e-6), "dropout masks should differ between calls");
    String inf = GraphNames.IMAGE_EMBEDDING_INFERENCE;
    INDArray i1 = model.sameDiff().output(ph, inf).get(inf);
    INDArray i2 = model.sameDiff().output(ph, inf).get(inf);
    assertEquals(i1, i2);
  }

  @Test
  void recalibrationSetsTheExactPooledMoments() {
    // the bottleneck text path starts with a batch-norm of the word vectors
    ModelConfig c =
        ModelConfig.preset("micro", 3, 9).toBuilder()
            .optTextPath(ModelConfig.TextPath.BOTTLENECK)
            .build();
    TbpsModel model = TbpsModel.create(c);
    INDArray t1 = TestData.tokens(c, 3, 1);
    INDArray t2 = TestData.tokens(c, 5, 2);
    int updated =
        BatchNormStatistics.recalibrate(model, List.of(model.textInputs(t1), model.textInputs(t2)));
    assertEquals(
        BatchNormStatistics.layers(model.sameDiff()).stream()
            .filter(l -> l.startsWith("text/"))
            .count(),
        updated);
    // the first text batch-norm normalises the looked-up word vectors: its statistics are the
    // moments of table[token] over every position of both batches
    INDArray table = model.sameDiff().getArrForVarName(GraphNames.TEXT_TABLE);
    int e = c.textEmbeddingSize();
    double[] sum = new double[e];
    double[] sq = new double[e];
    int count = 0;
    for (INDArray t : List.of(t1, t2)) {
      for (int id : t.dup().reshape(t.length()).toIntVector()) {
        for (int k = 0; k < e; k++) {
          double v = table.getDouble(id, k);
          sum[k] += v;
          sq[k] += v * v;
        }
        count++;
      }
    }
    INDArray mean =
        model.sameDiff().getArrForVarName("text/embedding/bn" + GraphNames.BN_RUNNING_MEAN);
    INDArray var =
        model.sameDiff().getArrForVarName("text/embedding/bn" + GraphNames.BN_RUNNING_VAR);
    for (int k = 0; k < e; k++) {
      double m = sum[k] / count;
      assertEquals(m, mean.getDouble(k), 1e-5);
      assertEquals(sq[k] / count - m * m, var.getDouble(k), 1e-5);
    }
  }

  @Test
  void emaMovesRunningStatisticsTowardsTheBatch() {
    ModelConfig c =
        ModelConfig.preset("micro", 3, 9).toBuilder()
            .optTextPath(ModelConfig.TextPath.BOTTLENECK)
            .build();
    TbpsModel model = TbpsModel.create(c);
    Map<String, INDArray> batch = model.imageInputs(TestData.images(c, 4, 3, DataType.FLOAT));
    String layer = GraphNames.IMAGE_BACKBONE_PREFIX + "stem/bn";
    INDArray batchMean =
        model
            .sameDiff()
            .output(batch, layer + GraphNames.BN_BATCH_MEAN)
            .get(layer + GraphNames.BN_BATCH_MEAN);
    BatchNormStatistics.updateEma(model, batch, 0.25);
    INDArray running = model.sameDiff().getArrForVarName(layer + GraphNames.BN_RUNNING_MEAN);
    assertTrue(running.equalsWithEps(batchMean.mul(0.25), 1e-6), running + " vs " + batchMean);
    INDArray textMean =
        model.sameDiff().getArrForVarName("text/embedding/bn" + GraphNames.BN_RUNNING_MEAN);
    assertEquals(0.0, textMean.amaxNumber().doubleValue(), "text layers untouched by image batch");
  }
}
