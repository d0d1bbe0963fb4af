package org.tbps4j.train.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Grid and random candidates from Arbiter's generators over the sweep space (no training). */
class SweepCandidatesTest {
  @TempDir static Path dir;

  @BeforeAll
  static void base() throws Exception {
    SweepFixtures.baseFile(dir, dir.resolve("data"));
  }

  static SweepPlan plan(String head, String... dims) throws Exception {
    StringBuilder b =
        new StringBuilder("name: t\nbase: base.yaml\n").append(head).append("\nspace:\n");
    for (String d : dims) {
      b.append("  - ").append(d).append('\n');
    }
    return SweepPlan.parse(b.toString(), "t.yaml", dir);
  }

  @Test
  void gridSearchEnumeratesTheDiscreteProductFirstPathFastest() throws Exception {
    SweepPlan p =
        plan(
            "search: grid",
            "{path: loss.mam.params.m, type: discrete, values: [1, 2, 3, 4]}",
            "{path: loss.mam.weight, type: discrete, values: [0.1, 0.5]}");
    assertEquals(8, p.gridSize());
    List<SweepPoint> got = SweepCandidates.preview(p, 100);
    List<List<Double>> expected = new ArrayList<>();
    for (double w : new double[] {0.1, 0.5}) {
      for (double m : new double[] {1, 2, 3, 4}) {
        expected.add(List.of(m, w));
      }
    }
    assertEquals(expected, got.stream().map(SweepPoint::values).toList());
  }

  @Test
  void gridOverRangesTakesEvenlySpacedPointsIncludingTheBounds() throws Exception {
    SweepPlan p =
        plan(
            "search: grid\ngrid_points: 3",
            "{path: loss.mam.weight, type: uniform, min: 0.1, max: 0.3}",
            "{path: optimizer.lr, type: log_uniform, min: 0.0001, max: 0.01}",
            "{path: loss.mam.params.m, type: integer, min: 1, max: 2}",
            "{path: data.k, type: integer, min: 2, max: 10}");
    assertEquals(3 * 3 * 2 * 3, p.gridSize());
    List<SweepPoint> got = SweepCandidates.preview(p, 1000);
    assertEquals(54, got.size());
    assertEquals(54, new HashSet<>(got).size(), "no duplicates");
    Set<Double> w = new HashSet<>();
    Set<Double> lr = new HashSet<>();
    Set<Double> m = new HashSet<>();
    Set<Double> k = new HashSet<>();
    for (SweepPoint x : got) {
      w.add(x.value("loss.mam.weight"));
      lr.add(x.value("optimizer.lr"));
      m.add(x.value("loss.mam.params.m"));
      k.add(x.value("data.k"));
    }
    assertEquals(Set.of(0.1, 0.2, 0.3), w);
    assertEquals(3, lr.size());
    assertTrue(lr.contains(0.0001) && lr.contains(0.01), lr.toString());
    double mid = lr.stream().filter(v -> v != 0.0001 && v != 0.01).findFirst().orElseThrow();
    assertEquals(0.001, mid, 1e-15, "log-spaced middle");
    assertEquals(Set.of(1.0, 2.0), m);
    assertEquals(Set.of(2.0, 6.0, 10.0), k, "a wide integer range gets grid_points values");
  }

  @Test
  void randomSearchIsReproducibleAndStaysInBounds() throws Exception {
    String[] dims = {
      "{path: loss.mam.params.m, type: discrete, values: [1, 2, 3, 4]}",
      "{path: optimizer.lr, type: log_uniform, min: 0.0001, max: 0.01}",
      "{path: loss.mam.weight, type: uniform, min: 0.1, max: 0.3}",
      "{path: data.k, type: integer, min: 2, max: 5}"
    };
    SweepPlan a = plan("seed: 11\nmax_candidates: 400", dims);
    List<SweepPoint> first = SweepCandidates.preview(a, 400);
    assertEquals(first, SweepCandidates.preview(a, 400), "same seed, same candidates");
    assertEquals(first, SweepCandidates.preview(plan("seed: 11\nmax_candidates: 3", dims), 400));
    assertNotEquals(
        first.subList(0, 5),
        SweepCandidates.preview(plan("seed: 12\nmax_candidates: 400", dims), 5));
    Set<Double> ms = new HashSet<>();
    Set<Double> ks = new HashSet<>();
    int lowLr = 0;
    for (SweepPoint x : first) {
      ms.add(x.value("loss.mam.params.m"));
      ks.add(x.value("data.k"));
      double lr = x.value("optimizer.lr");
      assertTrue(lr >= 0.0001 && lr <= 0.01, "lr " + lr);
      lowLr += lr < 0.001 ? 1 : 0;
      double w = x.value("loss.mam.weight");
      assertTrue(w >= 0.1 && w <= 0.3, "w " + w);
    }
    assertEquals(Set.of(1.0, 2.0, 3.0, 4.0), ms);
    assertEquals(Set.of(2.0, 3.0, 4.0, 5.0), ks);
    // log-uniform: half the draws fall below the geometric mean 1e-3 (binomial sd = 10 of 400)
    assertTrue(lowLr > 160 && lowLr < 240, "draws below 1e-3: " + lowLr);
  }

  @Test
  void completedCandidatesAreSkippedAndTheBudgetKept() throws Exception {
    SweepPlan p =
        plan(
            "seed: 5\nmax_candidates: 4",
            "{path: loss.mam.weight, type: uniform, min: 0.1, max: 0.3}");
    List<SweepPoint> all = SweepCandidates.preview(p, 6);
    SweepCandidates c =
        new SweepCandidates(
            SweepCandidates.arbiter(p), 4, Map.of(0, all.get(0), 2, all.get(2), 5, all.get(5)));
    List<Integer> handed = new ArrayList<>();
    while (c.hasMoreCandidates()) {
      Candidate<?> x = c.getCandidate();
      handed.add(x.getIndex());
      assertEquals(all.get(x.getIndex()), x.getValue());
    }
    assertEquals(List.of(1, 3), handed);
    assertEquals(List.of(0, 2), c.skipped());
    assertFalse(c.hasMoreCandidates());

    SweepPoint wrong = new SweepPoint(List.of("loss.mam.weight"), List.of(0.123));
    SweepCandidates changed = new SweepCandidates(SweepCandidates.arbiter(p), 4, Map.of(1, wrong));
    changed.getCandidate(); // candidate 0 is new
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, changed::hasMoreCandidates);
    assertTrue(e.getMessage().contains("candidate 1 was recorded as {loss.mam.weight=0.123}"));
    assertTrue(e.getMessage().contains("the sweep file (space, search or seed) changed"));
  }

  @Test
  void pointsFormatExactlyAndSerialise() throws Exception {
    assertEquals("3", SweepPoint.format(3.0));
    assertEquals("-2", SweepPoint.format(-2.0));
    assertEquals("0.0001", SweepPoint.format(1e-4));
    assertEquals("0.30000000000000004", SweepPoint.format(0.1 + 0.2));
    for (double v : new double[] {1e-7, 0.123456789012345, 12345.678, 2.5e-12}) {
      assertEquals(v, Double.parseDouble(SweepPoint.format(v)));
    }
    SweepPoint p = new SweepPoint(List.of("a.b", "c"), List.of(2.0, 0.25));
    assertEquals(List.of("a.b=2", "c=0.25"), p.overrides());
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (ObjectOutputStream o = new ObjectOutputStream(buf)) {
      o.writeObject(p); // Arbiter keeps candidates serialised
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(buf.toByteArray()))) {
      assertEquals(p, in.readObject());
    }
  }
}
