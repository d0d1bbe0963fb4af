package org.tbps4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class MatchingLossTest {

  /** log-softmax of one row in double, by the textbook formula around the row maximum. */
  private static double[] reference(double[] v) {
    double max = Double.NEGATIVE_INFINITY;
    for (double x : v) {
      max = Math.max(max, x);
    }
    double sum = 0;
    for (double x : v) {
      sum += Math.exp(x - max);
    }
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] - max - Math.log(sum);
    }
    return out;
  }

  @Test
  void logSoftmaxStaysFiniteAndExactForLogitsBeyondTheFloatExpRange() {
    double[][] rows = {{1000, 0, -1000}, {1, 2, 3}, {95, 94, 90}};
    SameDiff sd = SameDiff.create();
    SDVariable logits = sd.constant("z", Nd4j.createFromArray(rows).castTo(DataType.FLOAT));
    INDArray out = MatchingLoss.logSoftmax(sd, logits).eval();
    for (int r = 0; r < rows.length; r++) {
      double[] want = reference(rows[r]);
      for (int c = 0; c < want.length; c++) {
        double got = out.getDouble(r, c);
        assertTrue(Double.isFinite(got), "row " + r + " col " + c + " is " + got);
        assertEquals(want[c], got, 1e-3 * Math.max(1, Math.abs(want[c])), "row " + r + " col " + c);
      }
    }
    // what the workaround is for: the stock op gives -inf where the answer is -1000 (a canary: if a
    // newer ND4J fixes this, the max-shifted composition can go)
    INDArray stock =
        sd.nn()
            .logSoftmax(
                sd.constant(
                    "s", Nd4j.createFromArray(rows[0]).castTo(DataType.FLOAT).reshape(1, 3)))
            .eval();
    assertEquals(
        Double.NEGATIVE_INFINITY, stock.getDouble(0, 1), "ND4J's log_softmax of 0 beside 1000");
  }
}
