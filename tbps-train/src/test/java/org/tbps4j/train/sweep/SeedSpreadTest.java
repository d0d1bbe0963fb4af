package org.tbps4j.train.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.train.config.TrainConfig;

/** Settings over seeds: grouping, mean and half-range, and the separation verdict. */
class SeedSpreadTest {
  @TempDir Path dir;

  static final List<String> PATHS = List.of("loss.mam.params.m", "seed");

  static SweepResults.Row row(int index, double m, double seed, Double score) {
    Map<String, Double> p = new LinkedHashMap<>();
    p.put("loss.mam.params.m", m);
    p.put("seed", seed);
    return new SweepResults.Row(
        index,
        score == null ? SweepResults.FAILED : SweepResults.COMPLETE,
        p,
        score,
        1,
        "c/" + index,
        score == null ? "boom" : null);
  }

  static List<SweepResults.Row> rows(double[][] scoresByM) {
    List<SweepResults.Row> rows = new ArrayList<>();
    int i = 0;
    for (int m = 0; m < scoresByM.length; m++) {
      for (int s = 0; s < scoresByM[m].length; s++) {
        rows.add(row(i++, m + 1, s + 1, scoresByM[m][s]));
      }
    }
    return rows;
  }

  @Test
  void groupsBySettingWithMeanAndHalfRangeBestFirst() {
    SeedSpread sp =
        SeedSpread.of(PATHS, rows(new double[][] {{50, 52, 54}, {60, 61, 59}})).orElseThrow();
    assertEquals(2, sp.groups().size());
    SeedSpread.Group best = sp.groups().get(0);
    assertEquals(Map.of("loss.mam.params.m", 2.0), best.setting());
    assertEquals(60.0, best.mean(), 1e-12);
    assertEquals(1.0, best.halfRange(), 1e-12);
    assertEquals(List.of(60.0, 61.0, 59.0), best.scores());
    assertEquals(52.0, sp.groups().get(1).mean(), 1e-12);
    assertEquals(8.0, sp.gap(), 1e-12);
    assertEquals(2.0, sp.spread(), 1e-12); // the larger half-range of the two settings
    assertTrue(sp.separated()); // 8 > 2 × 2
    assertTrue(sp.verdict().startsWith("best and worst settings 8.00 points apart"), sp.verdict());
    assertTrue(sp.verdict().contains("separated (gap > 2 × spread)"), sp.verdict());
  }

  @Test
  void aGapWithinTwiceTheSpreadIsNotSeparated() {
    // gap 3.0, spread 2.0: 3 <= 4
    SeedSpread sp = SeedSpread.of(PATHS, rows(new double[][] {{50, 54}, {53, 57}})).orElseThrow();
    assertEquals(3.0, sp.gap(), 1e-12);
    assertEquals(2.0, sp.spread(), 1e-12);
    assertFalse(sp.separated());
    assertTrue(sp.verdict().contains("NOT separated"), sp.verdict());
    // exactly twice the spread is not enough either
    SeedSpread edge = SeedSpread.of(PATHS, rows(new double[][] {{50, 54}, {55, 57}})).orElseThrow();
    assertEquals(4.0, edge.gap(), 1e-12);
    assertFalse(edge.separated());
  }

  @Test
  void failedCandidatesAreIgnoredAndTooFewSeedsGiveNothing() {
    List<SweepResults.Row> rows = rows(new double[][] {{50, 52, 51}, {60, 62, 61}});
    rows.add(row(9, 2, 4, null)); // failed: not a score
    SeedSpread sp = SeedSpread.of(PATHS, rows).orElseThrow();
    assertEquals(3, sp.groups().get(0).scores().size());
    // one seed for a setting: no spread to compare against
    assertTrue(SeedSpread.of(PATHS, rows(new double[][] {{50, 52}, {60}})).isEmpty());
    // no seed in the space, or a single setting: nothing to say
    assertTrue(SeedSpread.of(List.of("loss.mam.params.m"), rows).isEmpty());
    assertTrue(SeedSpread.of(PATHS, rows(new double[][] {{50, 52}})).isEmpty());
  }

  @Test
  void theReportShowsTheSettingsAndTheVerdict() throws Exception {
    SweepFixtures.baseFile(dir, dir.resolve("data"));
    SweepPlan plan =
        SweepPlan.load(
            SweepFixtures.sweepFile(
                dir,
                """
                name: t
                base: base.yaml
                search: grid
                space:
                  - {path: loss.mam.params.m, type: discrete, values: [1, 2]}
                  - {path: seed, type: discrete, values: [1, 2, 3]}
                """));
    assertEquals(6, plan.gridSize());
    // the seed is a searched path like any other: each candidate trains with its own seed
    TrainConfig c = plan.configFor(SweepPoint.of(Map.of("loss.mam.params.m", 2.0, "seed", 3.0)));
    assertEquals(3L, c.seed());
    String html = SweepReport.render(plan, rows(new double[][] {{50, 52, 54}, {60, 61, 59}}));
    assertTrue(html.contains("<h2>Settings over seeds</h2>"), html);
    assertTrue(html.contains("best and worst settings 8.00 points apart"), html);
    assertTrue(html.contains("<td>60.00</td><td>1.00</td><td>60.00, 61.00, 59.00</td>"), html);
  }
}
