package org.tbps4j.train.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.train.Trainer;
import org.tbps4j.train.config.ConfigLoader;
import org.tbps4j.train.config.TrainConfig;

/** Real sweeps on 20 synthetic people with the micro model (a few seconds per candidate). */
class SweepRunTest {
  @TempDir static Path dir;
  static Path data;
  static final ObjectMapper JSON = new ObjectMapper();

  static final String SWEEP =
      """
      name: tiny
      base: base.yaml
      search: random
      seed: 7
      max_candidates: %d
      space:
        - {path: loss.mam.params.m, type: discrete, values: [1, 2, 3, 4]}
        - {path: loss.mam.weight, type: log_uniform, min: 0.05, max: 0.5}
      """;

  @BeforeAll
  static void setUp() throws Exception {
    data = SweepFixtures.dataset(dir);
  }

  @AfterEach
  void gc() {
    System.gc(); // native memory of the candidates' graphs
  }

  static SweepPlan plan(Path folder, Path dataRoot, int candidates) throws Exception {
    SweepFixtures.baseFile(folder, dataRoot);
    return SweepPlan.load(SweepFixtures.sweepFile(folder, SWEEP.formatted(candidates)));
  }

  /** Records every candidate start (counts the trainings). */
  static final class Starts implements Sweep.Listener {
    final List<Integer> started = new ArrayList<>();
    final List<SweepResults.Row> finished = new ArrayList<>();

    @Override
    public void candidateStarted(int index, SweepPoint point) {
      started.add(index);
    }

    @Override
    public void candidateFinished(SweepResults.Row row, java.util.Optional<SweepResults.Row> best) {
      finished.add(row);
    }
  }

  @Test
  void aThreeCandidateRandomSearchWritesTheTableBestConfigAndReport() throws Exception {
    Path folder = dir.resolve("three");
    SweepPlan plan = plan(folder, data, 3);
    Path out = folder.resolve("out");
    Starts starts = new Starts();
    Sweep.Result r = new Sweep(plan, out, Sweep.Options.defaults().withListener(starts)).run();

    assertEquals(List.of(0, 1, 2), r.trained());
    assertEquals(List.of(0, 1, 2), starts.started);
    assertEquals(3, starts.finished.size());
    List<SweepPoint> expected = SweepCandidates.preview(plan, 3);
    assertEquals(3, r.rows().size());
    double bestScore = -1;
    for (SweepResults.Row row : r.rows()) {
      assertEquals(SweepResults.COMPLETE, row.status(), String.valueOf(row.error()));
      assertTrue(Double.isFinite(row.score()) && row.score() >= 0 && row.score() <= 100);
      assertEquals(expected.get(row.index()), row.point());
      assertTrue(row.seconds() > 0);
      Path run = out.resolve(row.runDir());
      assertEquals(Sweep.runDir(out, row.index()), run);
      // the candidate trained the base config with its values set
      assertEquals(plan.configFor(row.point()), Trainer.configOf(run));
      // the score is the run's best validation R@1, and the test split was never evaluated
      JsonNode metrics = JSON.readTree(run.resolve(Trainer.METRICS_JSON).toFile());
      assertFalse(metrics.has("test"), "a sweep never evaluates the test split");
      double maxVal = -1;
      for (JsonNode v : metrics.get("validation")) {
        maxVal = Math.max(maxVal, v.get("R@1").asDouble());
      }
      assertEquals(maxVal, row.score(), 1e-9);
      bestScore = Math.max(bestScore, row.score());
    }
    assertEquals(bestScore, r.best().score());

    List<String> csv = Files.readAllLines(out.resolve(SweepResults.CSV_FILE));
    assertEquals(4, csv.size());
    assertEquals(
        "index,status,score,seconds,loss.mam.params.m,loss.mam.weight,run_dir,error", csv.get(0));
    JsonNode json = JSON.readTree(out.resolve(SweepResults.JSON_FILE).toFile());
    assertEquals(3, json.get("candidates").size());
    assertEquals(r.best().index(), json.get("best_index").asInt());

    // best-config.yaml is a ready training config: base + the best candidate's values
    TrainConfig best = ConfigLoader.load(r.bestConfig(), List.of());
    assertEquals(ConfigLoader.override(plan.base(), r.best().point().overrides()), best);
    assertTrue(Files.readString(r.bestConfig()).startsWith("# Best candidate of sweep 'tiny'"));

    String html = Files.readString(r.report());
    assertEquals(2, SweepResultsTest.count(html, "<svg"));
    assertEquals(6, SweepResultsTest.count(html, "<circle class=\"pt\""));
    assertTrue(Files.isRegularFile(out.resolve(Sweep.BASE_CONFIG)));
  }

  @Test
  void resumeTrainsOnlyTheCandidatesThatDidNotComplete() throws Exception {
    Path folder = dir.resolve("resume");
    Path out = folder.resolve("out");
    Sweep.Result first = new Sweep(plan(folder, data, 2), out, Sweep.Options.defaults()).run();
    assertEquals(List.of(0, 1), first.trained());

    // without --resume the folder is refused
    IllegalArgumentException busy =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Sweep(plan(folder, data, 3), out, Sweep.Options.defaults()).run());
    assertTrue(busy.getMessage().contains("already holds a sweep"), busy.getMessage());

    // resumed with a budget of 3: only the third candidate is trained
    Starts starts = new Starts();
    Sweep.Result second =
        new Sweep(
                plan(folder, data, 3),
                out,
                Sweep.Options.defaults().withResume(true).withListener(starts))
            .run();
    assertEquals(List.of(2), second.trained());
    assertEquals(List.of(2), starts.started);
    assertEquals(List.of(0, 1), second.skipped());
    assertEquals(3, second.rows().size());
    assertEquals(first.rows(), second.rows().subList(0, 2), "finished rows are kept as they were");
    assertEquals(
        SweepCandidates.preview(plan(folder, data, 3), 3).get(2), second.rows().get(2).point());
    try (Stream<Path> s = Files.list(out.resolve(SweepTaskCreator.CANDIDATES))) {
      assertEquals(3, s.count());
    }

    // a sweep killed while training candidate 1 left it as "running": resume trains it again
    ObjectNode json = (ObjectNode) JSON.readTree(out.resolve(SweepResults.JSON_FILE).toFile());
    ObjectNode c1 = (ObjectNode) ((ArrayNode) json.get("candidates")).get(1);
    c1.put("status", SweepResults.RUNNING);
    c1.putNull("score");
    Files.writeString(out.resolve(SweepResults.JSON_FILE), JSON.writeValueAsString(json));
    Starts again = new Starts();
    Sweep.Result third =
        new Sweep(
                plan(folder, data, 3),
                out,
                Sweep.Options.defaults().withResume(true).withListener(again))
            .run();
    assertEquals(List.of(1), again.started);
    assertEquals(second.rows().get(1).score(), third.rows().get(1).score());
    assertEquals(SweepResults.COMPLETE, third.rows().get(1).status());

    // a changed sweep (other seed) cannot resume these results
    Path changed =
        SweepFixtures.sweepFile(folder, SWEEP.formatted(3).replace("seed: 7", "seed: 8"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new Sweep(SweepPlan.load(changed), out, Sweep.Options.defaults().withResume(true))
                    .run());
    assertTrue(e.getMessage().contains("the sweep file (space, search or seed) changed"));
  }

  /**
   * The score is blind to the test split: the same sweep on a copy of the data whose test captions
   * are swapped between people gives bit-identical scores.
   */
  @Test
  void theTestSplitNeverInfluencesTheScore() throws Exception {
    Path other = dir.resolve("swapped-test");
    copyTree(data, other);
    Path ann = other.resolve("reid_raw.json");
    ArrayNode entries = (ArrayNode) JSON.readTree(ann.toFile());
    List<ObjectNode> test = new ArrayList<>();
    for (JsonNode e : entries) {
      if ("test".equals(e.get("split").asText())) {
        test.add((ObjectNode) e);
      }
    }
    assertTrue(test.size() >= 2);
    List<JsonNode> captions =
        test.stream().<JsonNode>map(e -> e.get("captions").deepCopy()).toList();
    for (int i = 0; i < test.size(); i++) {
      test.get(i).set("captions", captions.get(test.size() - 1 - i));
    }
    Files.writeString(ann, JSON.writeValueAsString(entries));
    assertNotEquals(Files.readString(data.resolve("reid_raw.json")), Files.readString(ann));

    Sweep.Result a =
        new Sweep(plan(dir.resolve("a"), data, 1), dir.resolve("a/out"), Sweep.Options.defaults())
            .run();
    Sweep.Result b =
        new Sweep(plan(dir.resolve("b"), other, 1), dir.resolve("b/out"), Sweep.Options.defaults())
            .run();
    assertEquals(a.rows().get(0).point(), b.rows().get(0).point());
    assertEquals(a.rows().get(0).score(), b.rows().get(0).score(), 0.0);
  }

  static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }
}
