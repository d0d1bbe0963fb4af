package org.tbps4j.train.listeners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressAndGuardTest {

  static IterationReport report(long it, Map<String, Double> terms) {
    return new IterationReport(it, 0, "joint", 1, 3, 10, 100, 64, 1e-3, terms, 0.5);
  }

  static Map<String, Double> terms(double a, double total) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("loss/cmpm", a);
    m.put("loss/total", total);
    return m;
  }

  @Test
  void progressLineShowsEveryTermRateAndEta() {
    String line = ProgressListener.format(report(49, terms(1.5, 2.25)), 0.5);
    assertTrue(line.startsWith("[joint] epoch 2 it 50/100 ##########..........  50%"), line);
    assertTrue(line.contains("128 img/s"), line); // 64 images / 0.5 s
    assertTrue(line.contains("ETA 25s"), line); // 50 steps left * 0.5 s
    assertTrue(line.contains("lr 1.00e-03"), line);
    assertTrue(line.contains("cmpm 1.500"), line);
    assertTrue(line.contains("total 2.250"), line);
    assertEquals("1h02m", ProgressListener.duration(3725));
    assertEquals("3m05s", ProgressListener.duration(185));
  }

  @Test
  void aTimeBudgetThatEndsFirstDrivesTheBarAndTheEta() {
    // 50 steps left at 0.5 s = 25 s, but only 12 s of a 48 s budget remain: 75 % done, ETA 12 s
    String line = ProgressListener.format(report(49, terms(1.5, 2.25)), 0.5, 12, 48);
    assertTrue(line.contains("###############.....  75%"), line);
    assertTrue(line.contains("ETA 12s (time budget)"), line);
    // a budget that outlasts the iterations changes nothing
    String later = ProgressListener.format(report(49, terms(1.5, 2.25)), 0.5, 100, 120);
    assertEquals(ProgressListener.format(report(49, terms(1.5, 2.25)), 0.5), later);
  }

  @Test
  void logModePrintsLines() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    ProgressListener p =
        new ProgressListener(new PrintStream(buf, true, StandardCharsets.UTF_8), false, 0);
    p.runStarted(0, 100);
    p.iterationDone(report(0, terms(1, 1)));
    p.iterationDone(report(1, terms(1, 1)));
    p.validationDone(1, 2, Map.of("R@1", 12.5, "R@5", 30.0, "mAP", 20.0), true);
    String out = buf.toString(StandardCharsets.UTF_8);
    assertEquals(3, out.lines().count(), out);
    assertTrue(
        out.contains("validation after epoch 2: R@1 12.50  R@5 30.00  mAP 20.00  (best so far)"),
        out);
  }

  @Test
  void nanGuardStopsWithTheIterationAndEveryTerm() {
    NanGuard g = new NanGuard();
    g.iterationDone(report(3, terms(1, 2)));
    NonFiniteLossException e =
        assertThrows(
            NonFiniteLossException.class, () -> g.iterationDone(report(4, terms(Double.NaN, 2))));
    assertEquals(4, e.iteration());
    assertTrue(e.getMessage().contains("iteration 4"), e.getMessage());
    assertTrue(e.getMessage().contains("loss/cmpm=NaN"), e.getMessage());
    assertThrows(
        NonFiniteLossException.class,
        () -> g.iterationDone(report(5, terms(1, Double.POSITIVE_INFINITY))));
  }
}
