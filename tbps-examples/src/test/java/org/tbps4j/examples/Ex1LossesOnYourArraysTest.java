package org.tbps4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Runs example 1. Expected values were computed independently with NumPy
 * (tbps-loss/src/test/python/loss_reference.py: {@code mam(X, T, Y, W)}, {@code psw(cosine(X, T),
 * Y)} and central differences for two gradient entries) on the example's arrays.
 */
class Ex1LossesOnYourArraysTest {

  @Test
  void computesMamPlusPswEagerlyAndInAGraph() {
    Ex1LossesOnYourArrays.Result r = Ex1LossesOnYourArrays.run();
    assertEquals(2.4572250759520857, r.mam(), 1e-9);
    assertEquals(0.904885256434929, r.psw(), 1e-9);
    assertEquals(3.3621103323870147, r.total(), 1e-9);
    assertEquals(r.total(), r.graphTotal(), 1e-9);
    assertArrayEquals(new long[] {6, 3}, r.imageGradient().shape());
    assertEquals(-0.155276252744585, r.imageGradient().getDouble(0, 0), 1e-6);
    assertEquals(-0.02880964133922248, r.imageGradient().getDouble(4, 2), 1e-6);
  }

  @Test
  void mainPrintsTheValues() {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      Ex1LossesOnYourArrays.main(new String[0]);
    } finally {
      System.setOut(old);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("mam 2.457225 + psw 0.904885 = 3.362110 (eager)"), out);
    assertTrue(out.contains("graph loss/total 3.362110"), out);
  }
}
