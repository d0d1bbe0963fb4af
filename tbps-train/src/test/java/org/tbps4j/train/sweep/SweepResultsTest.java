package org.tbps4j.train.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.train.Trainer;

/** The results table (CSV/JSON round trip, best row, atomic files), the score and the report. */
@SuppressWarnings("deprecation") // Arbiter's TaskCreator/ScoreFunction signatures use DataProvider
class SweepResultsTest {
  @TempDir Path dir;

  static final List<String> PATHS = List.of("loss.mam.params.m", "optimizer.lr");

  static Map<String, Double> params(double m, double lr) {
    Map<String, Double> p = new LinkedHashMap<>();
    p.put("loss.mam.params.m", m);
    p.put("optimizer.lr", lr);
    return p;
  }

  static SweepResults table(Path dir) throws Exception {
    SweepResults t = new SweepResults(dir, "s", PATHS);
    t.put(new SweepResults.Row(2, SweepResults.COMPLETE, params(3, 1e-4), 40.0, 12.5, "c/2", null));
    t.put(new SweepResults.Row(0, SweepResults.COMPLETE, params(1, 0.003), 52.5, 10, "c/0", null));
    t.put(
        new SweepResults.Row(
            1, SweepResults.FAILED, params(2, 0.01), null, 1.25, "c/1", "NaN in loss, \"mam\""));
    t.put(new SweepResults.Row(3, SweepResults.COMPLETE, params(4, 0.002), 52.5, 9, "c/3", null));
    t.put(new SweepResults.Row(4, SweepResults.RUNNING, params(1, 0.001), null, 0, "c/4", null));
    return t;
  }

  @Test
  void csvHasOneRowPerCandidateWithQuotedErrors() throws Exception {
    table(dir);
    assertEquals(
        """
        index,status,score,seconds,loss.mam.params.m,optimizer.lr,run_dir,error
        0,complete,52.5,10.0,1,0.003,c/0,
        1,failed,,1.25,2,0.01,c/1,"NaN in loss, ""mam\"\"\"
        2,complete,40.0,12.5,3,0.0001,c/2,
        3,complete,52.5,9.0,4,0.002,c/3,
        4,running,,0.0,1,0.001,c/4,
        """,
        Files.readString(dir.resolve(SweepResults.CSV_FILE)));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(
          List.of("results.csv", "results.json"),
          s.map(p -> p.getFileName().toString()).sorted().toList(),
          "no temporary files left behind");
    }
  }

  @Test
  void jsonRoundTripsAndTheBestIsTheLowestIndexAmongEqualScores() throws Exception {
    SweepResults t = table(dir);
    SweepResults back = SweepResults.load(dir, "s", PATHS);
    assertEquals(t.rows(), back.rows());
    assertEquals(0, back.best().orElseThrow().index(), "52.5 twice: the first candidate wins");
    assertEquals(List.of(0, 2, 3), List.copyOf(back.completed().keySet()));
    assertEquals(
        List.of(0, 3, 2, 1, 4),
        SweepResults.ranked(back.rows()).stream().map(SweepResults.Row::index).toList());
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(t.json());
    assertEquals(0, json.get("best_index").asInt());
    assertEquals(5, json.get("candidates").size());
    assertTrue(json.get("candidates").get(1).get("score").isNull());
    assertEquals(SweepResults.SCORE_MEANING, json.get("score").asText());
  }

  @Test
  void loadRejectsATableOfOtherPaths() throws Exception {
    table(dir);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SweepResults.load(dir, "s", List.of("optimizer.lr")));
    assertTrue(e.getMessage().contains("are not the sweep's searched paths"), e.getMessage());
    Files.writeString(dir.resolve(SweepResults.JSON_FILE), "{\"candidates\": 3}");
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> SweepResults.load(dir, "s", PATHS))
            .getMessage()
            .contains("no 'candidates' array"));
    assertTrue(SweepResults.load(dir.resolve("none"), "s", PATHS).rows().isEmpty());
  }

  @Test
  void theScoreIsTheBestValidationR1AndNothingElse() {
    ValidationScore s = new ValidationScore();
    Trainer.Result r = new Trainer.Result(dir, dir.resolve("model.zip"), 10, 37.5, null, true);
    assertEquals(37.5, s.score(r, (DataProvider) null, Map.of()));
    assertEquals(37.5, s.score(r, null, new java.util.Properties()));
    assertFalse(s.minimize());
    Trainer.Result none = new Trainer.Result(dir, dir.resolve("model.zip"), 10, -1, null, true);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> s.score(none, (DataProvider) null, null));
    assertTrue(e.getMessage().contains("has no validation R@1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ValidationScore.of("model"));
  }

  @Test
  void reportPlotsEveryParameterAndListsEveryCandidate() throws Exception {
    SweepFixtures.baseFile(dir, dir.resolve("data"));
    SweepPlan plan =
        SweepPlan.parse(
            """
            name: s
            base: base.yaml
            max_candidates: 5
            space:
              - {path: loss.mam.params.m, type: discrete, values: [1, 2, 3, 4]}
              - {path: optimizer.lr, type: log_uniform, min: 0.0001, max: 0.01}
            """,
            "s.yaml",
            dir);
    String html = SweepReport.render(plan, table(dir).rows());
    assertEquals(2, count(html, "<svg"));
    assertEquals(2 * 3, count(html, "<circle class=\"pt\""), "3 complete candidates per plot");
    assertEquals(2, count(html, "class=\"failed\""), "the failed candidate, once per plot");
    assertEquals(2, count(html, "fill=\"#2ca02c\""), "the best candidate ringed in each plot");
    assertTrue(html.contains("optimizer.lr (log scale)"));
    assertTrue(html.contains("Best: candidate 0, val R@1 52.50"));
    assertTrue(html.contains("NaN in loss, &quot;mam&quot;"));
    assertEquals(
        5 + 1, // five candidates and the failed one's error line
        count(html, "<tr><td>") + count(html, "<tr class=\"best\">"));
    for (String tick : new String[] {">1<", ">2<", ">3<", ">4<", ">0.0001<", ">0.001<", ">0.01<"}) {
      assertTrue(html.contains(tick), "axis tick " + tick);
    }
    assertEquals("0.2", SweepReport.short4(0.2));
    assertEquals("1.675", SweepReport.short4(1.675));
    assertEquals("0.1235", SweepReport.short4(0.123456));
    assertEquals("3", SweepReport.short4(3.0));
  }

  static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }
}
