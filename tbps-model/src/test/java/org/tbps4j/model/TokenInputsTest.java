package org.tbps4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tbps4j.model.search.Embedder;

class TokenInputsTest {
  private static final ModelConfig MICRO =
      ModelConfig.preset("micro", 2, 10).toBuilder().optMaxLength(4).build();

  @Test
  void twoStepPlaceholdersHoldSortedUniqueIdsAndSlots() {
    INDArray tokens = Nd4j.createFromArray(new int[][] {{5, 3, 5, 0}, {3, 0, 0, 0}});
    Map<String, INDArray> m =
        TokenInputs.of(tokens, MICRO.toBuilder().optUniqueTokenCapacity(5).build());
    assertArrayEquals(new int[] {0, 3, 5, 0, 0}, m.get(GraphNames.TOKEN_UNIQUE).toIntVector());
    assertArrayEquals(
        new int[] {2, 1, 2, 0, 1, 0, 0, 0}, m.get(GraphNames.TOKEN_SLOTS).reshape(8).toIntVector());
    Map<String, INDArray> plain = TokenInputs.of(tokens, MICRO);
    assertEquals(Set.of(GraphNames.TOKENS), plain.keySet());
  }

  @Test
  void badTokensAreRejectedWithPosition() {
    INDArray tokens = Nd4j.createFromArray(new int[][] {{5, 3, 5, 0}, {3, 0, 10, 0}});
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TokenInputs.of(tokens, MICRO));
    assertEquals(
        "token id 10 at row 1, column 2 is outside the vocabulary [0, 10)", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TokenInputs.of(Nd4j.createFromArray(new int[][] {{1, 2, 3}}), MICRO));
    assertEquals("tokens must be [N, 4] (maxLength), got [1, 3]", e.getMessage());
    INDArray many = Nd4j.createFromArray(new int[][] {{1, 2, 3, 4}});
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TokenInputs.of(many, MICRO.toBuilder().optUniqueTokenCapacity(3).build()));
    assertEquals(
        "the batch has 4 distinct token ids but uniqueTokenCapacity is 3 (raise"
            + " uniqueTokenCapacity or use smaller batches)",
        e.getMessage());
  }

  @Test
  void twoStepLookupGivesTheSameEmbeddingsAsOneHot() {
    ModelConfig c = ModelConfig.preset("micro", 3, 12);
    TbpsModel oneHot = TbpsModel.create(c);
    TbpsModel twoStep = TbpsModel.create(c.toBuilder().optUniqueTokenCapacity(16).build());
    INDArray tokens = TestData.tokens(c, 5, 9);
    INDArray a = new Embedder(oneHot, 8).embedTexts(tokens);
    INDArray b = new Embedder(twoStep, 8).embedTexts(tokens);
    assertTrue(a.equalsWithEps(b, 1e-5), a + " vs " + b);
  }
}
