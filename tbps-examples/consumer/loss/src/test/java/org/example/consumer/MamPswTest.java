package org.example.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.tbps4j.loss.MamLoss;
import org.tbps4j.loss.PswLoss;

/**
 * Checks tbps-loss, as installed, against the reference values of docs/losses.md (computed
 * independently with NumPy and by hand).
 */
class MamPswTest {
  /** Six samples of three people (ids 0, 1, 2), D = 3: the arrays of tbps-examples' Ex1. */
  static final double[][] IMAGE = {
    {0.9, 0.1, 0.2},
    {0.7, 0.3, -0.1},
    {-0.2, 1.0, 0.1},
    {0.1, 0.8, 0.4},
    {0.0, -0.3, 1.1},
    {0.3, 0.2, 0.9}
  };

  static final double[][] TEXT = {
    {1.0, 0.2, 0.0},
    {0.5, 0.1, 0.3},
    {0.1, 0.9, -0.2},
    {-0.3, 0.7, 0.2},
    {0.2, 0.1, 1.0},
    {0.4, -0.2, 0.6}
  };

  static final long[] IDS = {0, 0, 1, 1, 2, 2};

  static final double[][] CLASS_WEIGHTS = {{1.0, 0.1, -0.2}, {0.0, 1.2, 0.1}, {0.2, -0.1, 0.9}};

  @Test
  void mamPlusPswOnABatch() {
    MamPsw.Values v = MamPsw.compute(IMAGE, TEXT, IDS, CLASS_WEIGHTS);
    assertEquals(2.4572250759520857, v.mam(), 1e-9);
    assertEquals(0.904885256434929, v.psw(), 1e-9);
    assertEquals(3.3621103323870147, v.total(), 1e-9);
    assertEquals(v.total(), v.graphTotal(), 1e-5); // graph and eager agree to 1e-5
  }

  @Test
  void theMarginFunctionPsi() {
    double[] c = {1, 0.9, 0.7071, 0.5, 0, -0.5, -0.9, -1};
    double[] psi = {1, -0.2312, -1, -1.5, -3, -4.5, -5.7688, -7};
    for (int i = 0; i < c.length; i++) {
      assertEquals(psi[i], MamLoss.psi(4, c[i]), 1e-4, "psi(" + c[i] + ")");
    }
  }

  @Test
  void theSimilarityWeightingTerm() {
    PswLoss psw = new PswLoss();
    assertEquals(0.398, psw.term(0.8, 0.5), 1e-12);
    assertEquals(0.650, psw.term(0.6, 0.6), 1e-12);
    assertEquals(0.050, psw.term(0.9, 0.1), 1e-12);
    assertEquals(1.010, psw.term(0.3, 0.7), 1e-12);
  }
}
