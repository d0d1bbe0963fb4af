package org.tbps4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Fast implementations against {@link SlowRetrieval} on random cases. */
class RetrievalDifferentialTest {

  /** Random case: unequal group sizes, some queries without any relevant item, optional ties. */
  record Case(double[][] s, long[] qIds, long[] gIds) {}

  static Case randomCase(Random rnd, boolean ties) {
    int g = 1 + rnd.nextInt(40);
    int q = 1 + rnd.nextInt(30);
    int ids = 1 + rnd.nextInt(8);
    long[] gIds = new long[g];
    for (int i = 0; i < g; i++) {
      // skewed: low ids are more frequent, so group sizes differ
      gIds[i] = 100 + (long) Math.floor(ids * Math.pow(rnd.nextDouble(), 2));
    }
    long[] qIds = new long[q];
    for (int i = 0; i < q; i++) {
      // ids + 2 possible values: some queries have no relevant item
      qIds[i] = 100 + rnd.nextInt(ids + 2);
    }
    gIds[0] = qIds[0]; // at least one query is scorable
    double[][] s = new double[q][g];
    for (double[] row : s) {
      for (int j = 0; j < g; j++) {
        row[j] = ties ? rnd.nextInt(4) / 4.0 : rnd.nextGaussian();
      }
    }
    return new Case(s, qIds, gIds);
  }

  static void assertSame(double[] expected, RetrievalMetrics m, String what) {
    assertEquals(expected[0], m.recallAt1(), 1e-12, what + " R@1");
    assertEquals(expected[1], m.recallAt5(), 1e-12, what + " R@5");
    assertEquals(expected[2], m.recallAt10(), 1e-12, what + " R@10");
    assertEquals(expected[3], m.meanAveragePrecision(), 1e-12, what + " mAP");
    assertEquals(expected[4], m.meanInversePenalty(), 1e-12, what + " mINP");
    assertEquals((int) expected[5], m.queries(), what + " queries");
    assertEquals((int) expected[6], m.skippedQueries(), what + " skipped");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void matrixEvaluationAgreesWithFullSort(boolean ties) {
    Random rnd = new Random(ties ? 11 : 12);
    for (int trial = 0; trial < 300; trial++) {
      Case c = randomCase(rnd, ties);
      double[] slow = SlowRetrieval.evaluate(c.s, c.qIds, c.gIds);
      assertSame(slow, Retrieval.evaluate(c.s, c.qIds, c.gIds), "trial " + trial);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 64})
  void chunkedEvaluationAgreesWithFullSort(int chunk) {
    Random rnd = new Random(chunk);
    ChunkedRetrieval cr = new ChunkedRetrieval(chunk);
    for (int trial = 0; trial < 60; trial++) {
      boolean ties = trial % 2 == 0;
      Case c = randomCase(rnd, ties);
      // scores as a DOUBLE matrix handed out chunk by chunk
      INDArray full = Nd4j.createFromArray(c.s);
      ChunkedRetrieval.Result r =
          cr.evaluate(
              (from, to) ->
                  full.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to)).dup(),
              c.qIds,
              c.gIds,
              10);
      assertSame(SlowRetrieval.evaluate(c.s, c.qIds, c.gIds), r.metrics(), "trial " + trial);
      for (int q = 0; q < c.s.length; q++) {
        Integer[] order = SlowRetrieval.order(c.s[q]);
        int[] expected =
            Arrays.stream(order)
                .limit(Math.min(10, order.length))
                .mapToInt(Integer::intValue)
                .toArray();
        assertArrayEquals(expected, r.topK()[q], "trial " + trial + " query " + q);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4, 64})
  void topKWithScoresAgreesWithFullSortAndKeepsTheScores(int chunk) {
    Random rnd = new Random(100 + chunk);
    ChunkedRetrieval cr = new ChunkedRetrieval(chunk);
    for (int trial = 0; trial < 40; trial++) {
      Case c = randomCase(rnd, trial % 2 == 0);
      INDArray full = Nd4j.createFromArray(c.s);
      int g = c.s[0].length;
      int k = 1 + rnd.nextInt(g);
      ChunkedRetrieval.Top top =
          cr.topKWithScores(
              (from, to) ->
                  full.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to)).dup(),
              c.s.length,
              g,
              k);
      for (int q = 0; q < c.s.length; q++) {
        Integer[] order = SlowRetrieval.order(c.s[q]);
        int[] expected = Arrays.stream(order).limit(k).mapToInt(Integer::intValue).toArray();
        assertArrayEquals(expected, top.indices()[q], "trial " + trial + " query " + q);
        for (int j = 0; j < k; j++) {
          assertEquals(c.s[q][expected[j]], top.scores()[q][j], 0.0, "score of hit " + j);
        }
      }
    }
  }

  @Test
  void embeddingsPathAgreesWithExplicitMatrix() {
    Nd4j.getRandom().setSeed(5);
    INDArray queries = Nd4j.randn(DataType.FLOAT, 37, 16);
    INDArray gallery = Nd4j.randn(DataType.FLOAT, 23, 16);
    long[] qIds = new long[37];
    long[] gIds = new long[23];
    Random rnd = new Random(3);
    for (int i = 0; i < qIds.length; i++) {
      qIds[i] = rnd.nextInt(9);
    }
    for (int i = 0; i < gIds.length; i++) {
      gIds[i] = rnd.nextInt(9);
    }
    INDArray sim = queries.mmul(gallery.transpose());
    double[][] s = sim.toDoubleMatrix();
    double[] slow = SlowRetrieval.evaluate(s, qIds, gIds);
    for (int chunk : new int[] {1, 5, 100}) {
      assertSame(
          slow,
          new ChunkedRetrieval(chunk).evaluate(queries, qIds, gallery, gIds, 0).metrics(),
          "chunk " + chunk);
    }
    // c-order, f-order and transposed-view matrices all read the same
    assertSame(slow, Retrieval.evaluate(sim, qIds, gIds), "c order");
    assertSame(slow, Retrieval.evaluate(sim.dup('f'), qIds, gIds), "f order");
    assertSame(slow, Retrieval.evaluate(sim.transpose().dup('c').transpose(), qIds, gIds), "view");
  }

  @Test
  void raggedRowsAndIdMismatchesAreRejected() {
    double[][] ragged = {{1, 2, 3}, {1, 2}};
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Retrieval.evaluate(ragged, new long[] {1, 2}, new long[] {1, 2, 3}));
    assertTrue(e.getMessage().contains("row 1 has 2 columns, expected 3"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Retrieval.evaluate(new double[][] {{1, 2}}, new long[] {1, 2}, new long[] {1, 2}));
    assertTrue(e.getMessage().contains("1 rows but there are 2 query ids"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Retrieval.evaluate(new double[][] {{1, 2}}, new long[] {7}, new long[] {1, 2}));
    assertTrue(e.getMessage().contains("no query has a relevant gallery item"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Retrieval.evaluate(
                    new double[][] {{1, 2}, {Double.NaN, 1}},
                    new long[] {1, 2},
                    new long[] {1, 2}));
    assertTrue(
        e.getMessage().contains("query 1: similarity is NaN at gallery index 0"), e.getMessage());
  }
}
