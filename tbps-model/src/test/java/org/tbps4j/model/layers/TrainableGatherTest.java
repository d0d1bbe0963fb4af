package org.tbps4j.model.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The gradient of the trainable gather against a slow obvious accumulation, for repeated, reversed
 * and random ids in one- and two-dimensional index arrays, before and after a save/load round trip.
 */
class TrainableGatherTest {
  @TempDir Path tmp;

  /** sum(table[ids] ⊙ w) and its table gradient from the graph. */
  private static INDArray graphGradient(SameDiff sd) {
    Map<String, INDArray> g = sd.calculateGradients(Map.of(), "table");
    return g.get("table");
  }

  private static SameDiff graph(INDArray table, INDArray ids, INDArray w) {
    TrainableGather.install();
    SameDiff sd = SameDiff.create();
    SDVariable t = sd.var("table", table.dup());
    SDVariable i = sd.constant("ids", ids);
    SDVariable rows = sd.gather(t, i, 0); // [ids..., E]
    SDVariable loss = sd.sum("loss", rows.mul(sd.constant("w", w)));
    loss.markAsLoss();
    return sd;
  }

  /** grad[ids[k]] += w[k] for every position k, one row at a time. */
  private static INDArray slowGradient(INDArray table, INDArray ids, INDArray w) {
    INDArray g = Nd4j.zeros(DataType.DOUBLE, table.shape());
    long[] flat = ids.reshape(-1).toLongVector();
    INDArray wr = w.reshape(flat.length, table.size(1));
    for (int k = 0; k < flat.length; k++) {
      g.getRow(flat[k]).addi(wr.getRow(k));
    }
    return g;
  }

  @Test
  void gradientSumsTheRowsOfRepeatedReversedAndRandomIds() {
    int v = 9;
    int e = 4;
    java.util.Random r = new java.util.Random(3);
    int[][] cases = {
      {4, 0, 4, 2, 2, 2, 1}, // repeats
      {8, 7, 6, 5, 4, 3, 2, 1, 0}, // reversed
      {0, 1, 2, 3, 4, 5, 6, 7, 8}, // identity
      r.ints(40, 0, v).toArray() // random, many repeats
    };
    for (int[] c : cases) {
      for (boolean twoD : new boolean[] {false, true}) {
        if (twoD && c.length % 2 != 0) {
          continue;
        }
        INDArray ids = Nd4j.createFromArray(c);
        if (twoD) {
          ids = ids.reshape(2, c.length / 2);
        }
        INDArray table = Nd4j.rand(DataType.DOUBLE, v, e);
        long[] wShape = twoD ? new long[] {2, c.length / 2, e} : new long[] {c.length, e};
        INDArray w = Nd4j.rand(DataType.DOUBLE, wShape).subi(0.5);
        INDArray expected = slowGradient(table, ids, w);
        INDArray got = graphGradient(graph(table, ids, w));
        String what = java.util.Arrays.toString(c) + (twoD ? " as 2-D" : "");
        assertEquals(0.0, got.sub(expected).amaxNumber().doubleValue(), 1e-12, what);
        assertTrue(expected.amaxNumber().doubleValue() > 0, what);
      }
    }
  }

  @Test
  void aLoadedGraphKeepsTheExactGradient() throws Exception {
    INDArray ids = Nd4j.createFromArray(new int[] {3, 3, 0, 3, 1});
    INDArray table = Nd4j.rand(DataType.DOUBLE, 4, 2);
    INDArray w = Nd4j.rand(DataType.DOUBLE, 5, 2);
    SameDiff sd = graph(table, ids, w);
    Path f = tmp.resolve("g.fb");
    sd.save(f.toFile(), false);
    SameDiff loaded = SameDiff.load(f.toFile(), false);
    assertEquals(slowGradient(table, ids, w), graphGradient(loaded));
  }

  @Test
  void theForwardValuesAreTheTableRows() {
    INDArray table = Nd4j.rand(DataType.DOUBLE, 5, 3);
    INDArray ids = Nd4j.createFromArray(new int[] {4, 4, 0});
    SameDiff sd = graph(table, ids, Nd4j.ones(DataType.DOUBLE, 3, 3));
    INDArray rows = sd.getVariable("loss").eval(); // sum of the rows
    double expected =
        table.getRow(4).sumNumber().doubleValue() * 2 + table.getRow(0).sumNumber().doubleValue();
    assertEquals(expected, rows.getDouble(0), 1e-12);
  }
}
