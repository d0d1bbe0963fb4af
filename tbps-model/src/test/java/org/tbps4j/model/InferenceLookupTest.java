package org.tbps4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tbps4j.model.search.Embedder;

/**
 * The inference pass looks words up with a row gather instead of the training pass's one-hot
 * product (docs/models.md, "Text path"): the same embeddings, fewer ops, and a saved model keeps
 * the gather.
 */
class InferenceLookupTest {
  @TempDir Path tmp;

  /** Tokens with padding, repeated ids, the padding id inside a row and the highest id. */
  private static INDArray tokens(ModelConfig c) {
    int len = c.maxLength();
    int v = c.vocabularySize();
    int[][] t = new int[6][len];
    java.util.Random r = new java.util.Random(5);
    for (int i = 0; i < t.length; i++) {
      int real = 1 + r.nextInt(len);
      for (int j = 0; j < real; j++) {
        t[i][j] = i == 1 ? 7 % v : r.nextInt(v);
      }
    }
    t[2][0] = v - 1;
    return Nd4j.createFromArray(t);
  }

  @Test
  void gatherAtInferenceGivesTheOneHotEmbeddingsForEveryTextPathAndLookup() {
    for (ModelConfig.TextPath path : ModelConfig.TextPath.values()) {
      for (int capacity : new int[] {0, 64}) {
        ModelConfig c =
            ModelConfig.preset("micro", 3, 40).toBuilder()
                .optMaxLength(9)
                .optTextPath(path)
                .optUniqueTokenCapacity(capacity)
                .build();
        TbpsModel gather = TbpsModel.create(c);
        TbpsModel oneHot = TbpsModel.createWithOneHotInference(c);
        String what = path + ", capacity " + capacity;
        // no one-hot left with the training gather; the two-step lookup keeps its two in training
        int perLookup = capacity == 0 ? 1 : 2;
        assertEquals(capacity == 0 ? 0 : 2, TestData.ops(gather.sameDiff(), "onehot"), what);
        assertEquals(2 * perLookup, TestData.ops(oneHot.sameDiff(), "onehot"), what);
        assertTrue(
            TestData.ops(gather.sameDiff(), "gather") > TestData.ops(oneHot.sameDiff(), "gather"),
            what);
        INDArray t = tokens(c);
        INDArray a = new Embedder(gather, 4).embedTexts(t);
        INDArray b = new Embedder(oneHot, 4).embedTexts(t);
        assertEquals(0.0, a.sub(b).amaxNumber().doubleValue(), 1e-6, what);
        assertTrue(a.norm2Number().doubleValue() > 1, what); // not all zero
      }
    }
  }

  @Test
  void aSavedModelKeepsTheGatherAndItsEmbeddings() throws Exception {
    ModelConfig c = ModelConfig.preset("micro", 3, 40).toBuilder().optMaxLength(9).build();
    TbpsModel m = TbpsModel.create(c);
    INDArray t = tokens(c);
    INDArray before = new Embedder(m, 4).embedTexts(t);
    Path f = tmp.resolve("m.zip");
    m.save(f, false);
    TbpsModel loaded = TbpsModel.load(f);
    assertEquals(0, TestData.ops(loaded.sameDiff(), "onehot"));
    assertEquals(TestData.ops(m.sameDiff(), "gather"), TestData.ops(loaded.sameDiff(), "gather"));
    INDArray after = new Embedder(loaded, 4).embedTexts(t);
    assertEquals(before, after);
  }
}
