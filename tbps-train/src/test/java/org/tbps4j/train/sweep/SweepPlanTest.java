package org.tbps4j.train.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.train.config.TrainConfig;

/** Loading a sweep file: defaults, the base config, and every invalid bound or path rejected. */
class SweepPlanTest {
  @TempDir static Path dir;

  @BeforeAll
  static void base() throws Exception {
    SweepFixtures.baseFile(dir, dir.resolve("data"));
  }

  /** The dimension goes on line 6 of this template. */
  static final String TEMPLATE =
      """
      name: t
      base: base.yaml
      search: random
      max_candidates: 3
      space:
        - %s
      """;

  static SweepPlan plan(String dimension) throws Exception {
    return SweepPlan.load(SweepFixtures.sweepFile(dir, TEMPLATE.formatted(dimension)));
  }

  static void rejected(String dimension, String... fragments) throws Exception {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> plan(dimension), dimension);
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
    }
  }

  @Test
  void loadsTheBaseRelativeToTheSweepFileAndAppliesOverrides() throws Exception {
    Path sub = dir.resolve("sub");
    Files.createDirectories(sub);
    Path f = sub.resolve("s.yaml");
    Files.writeString(
        f,
        """
        name: mam-grid
        base: ../base.yaml
        overrides: [stages.joint.epochs=2, "loss.psw.params.a2=0.25"]
        search: grid
        space:
          - {path: loss.mam.params.m, type: discrete, values: [1, 2, 3, 4]}
          - {path: loss.mam.weight, type: uniform, min: 0.1, max: 0.5}
        """);
    SweepPlan p = SweepPlan.load(f);
    assertEquals("mam-grid", p.config().name());
    assertEquals(2, p.base().stages().get(0).epochs());
    assertEquals(0.25, ((Number) p.base().loss().get(3).params().get("a2")).doubleValue());
    assertEquals(List.of("loss.mam.params.m", "loss.mam.weight"), p.config().paths());
    assertEquals(42L, p.config().seed());
    assertEquals(1, p.config().parallelism());
    assertEquals(12, p.gridSize()); // 4 values × 3 grid points
    assertEquals(12, p.budget());
    assertEquals(5, p.withBudget(5, null).budget());
    assertEquals(12, p.withBudget(50, null).budget(), "a grid budget is capped by the grid");
    TrainConfig c = p.configFor(new SweepPoint(p.config().paths(), List.of(2.0, 0.3)));
    assertEquals(2, ((Number) c.loss().get(2).params().get("m")).intValue());
    assertEquals(0.3, c.loss().get(2).weight());
    assertEquals(p.base().optimizer(), c.optimizer());
  }

  @Test
  void inlineBaseConfigWorksLikeAFile() throws Exception {
    String inline =
        """
        name: inline
        base_config:
          data: {root: data, image_height: 32, image_width: 16, p: 4, k: 2}
          model: {preset: micro}
          loss: [{name: ranking, weight: 1, params: {margin: 0.2}}]
          stages: [{name: joint, epochs: 1}]
        max_minutes: 1.5
        space:
          - {path: loss.ranking.params.margin, type: uniform, min: 0.1, max: 0.5}
        """;
    SweepPlan p = SweepPlan.parse(inline, "inline.yaml", dir);
    assertEquals("ranking", p.base().loss().get(0).name());
    assertEquals(Integer.MAX_VALUE, p.budget(), "random search bounded by time only");
    assertEquals(1.5, p.config().maxMinutes());
  }

  @Test
  void invalidBoundsAreRejectedWithFileLineAndPath() throws Exception {
    rejected(
        "{path: loss.mam.weight, type: uniform, min: 2, max: 1}",
        "sweep.yaml:6:",
        "loss.mam.weight",
        "min 2.0 > max 1.0");
    rejected(
        "{path: optimizer.lr, type: log_uniform, min: 0, max: 0.1}",
        "sweep.yaml:6:",
        "optimizer.lr",
        "log_uniform needs min > 0");
    rejected(
        "{path: optimizer.lr, type: log_uniform, min: -1, max: 0.1}", "log_uniform needs min > 0");
    rejected(
        "{path: optimizer.lr, type: log_uniform, min: 0.1, max: 0.1}",
        "min equals max (0.1): fix the value with discrete [0.1]");
    rejected(
        "{path: loss.mam.params.m, type: discrete, values: []}",
        "sweep.yaml:6:",
        "loss.mam.params.m",
        "'values' must list at least one number");
    rejected("{path: loss.mam.params.m, type: discrete}", "'values' must list at least one number");
    rejected(
        "{path: loss.mam.weight, type: discrete, values: [0.1, 0.1]}", "value 0.1 is listed twice");
    rejected(
        "{path: data.p, type: integer, min: 2.5, max: 4}",
        "integer bounds must be whole numbers, got 2.5 and 4.0");
    rejected("{path: data.p, type: integer, min: 2}", "needs both min and max");
    rejected(
        "{path: data.p, type: normal, min: 2, max: 4}",
        "unknown type 'normal' (valid: uniform, log_uniform, integer, discrete)");
    rejected(
        "{path: data.p, type: uniform, min: 2, max: 4, values: [1]}",
        "'values' belongs to type discrete");
  }

  @Test
  void unknownOrNonNumericPathsAreRejectedBeforeAnyTraining() throws Exception {
    rejected(
        "{path: loss.nope.weight, type: uniform, min: 0.1, max: 1}",
        "sweep.yaml:6: space[0] 'loss.nope.weight': ",
        "no entry named 'nope' in 'loss' (entries: cmpm, cmpc, mam, psw)");
    rejected(
        "{path: optimizer.lrr, type: log_uniform, min: 0.001, max: 0.1}",
        "sweep.yaml:6: space[0] 'optimizer.lrr': ",
        "unknown key 'lrr' in optimizer");
    rejected(
        "{path: loss.mam.params.mm, type: discrete, values: [1, 2]}",
        "sweep.yaml:6:",
        "unknown parameter 'mm' for loss 'mam' (valid: ");
    rejected(
        "{path: data.format, type: discrete, values: [1]}",
        "'data.format'",
        "holds 'cuhk-pedes' there, not a number");
    rejected(
        "{path: optimizer, type: discrete, values: [1]}", "holds a section there, not a number");
    rejected(
        "{path: data.p, type: uniform, min: 2, max: 8}",
        "'data.p'",
        "the setting takes whole numbers (use type integer or discrete)");
    rejected(
        "{path: loss.mam.params.m, type: integer, min: 0, max: 4}",
        "'loss.mam.params.m': value 0 is rejected: ",
        "parameter 'm' of loss 'mam'");
    rejected(
        "{path: optimizer.beta1, type: uniform, min: 0.5, max: 1.5}",
        "value 1.5 is rejected: optimizer.beta1 must be in [0, 1)");
    rejected("{path: loss.mam..m, type: uniform, min: 1, max: 2}", "malformed path");
  }

  @Test
  void sweepFileProblemsNameTheLine() throws Exception {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SweepPlan.load(
                    SweepFixtures.sweepFile(
                        dir,
                        """
                        name: t
                        base: base.yaml
                        max_candidate: 3
                        max_minutes: 1
                        space: [{path: optimizer.lr, type: log_uniform, min: 0.001, max: 0.1}]
                        """)));
    assertTrue(e.getMessage().contains("sweep.yaml:3:"), e.getMessage());
    assertTrue(e.getMessage().contains("unknown key 'max_candidate'"), e.getMessage());
    assertTrue(e.getMessage().contains("max_candidates"), "lists the valid keys");

    String[][] cases = {
      {
        "name: t\nbase: nope.yaml\nmax_candidates: 1\nspace: [{path: optimizer.lr, type: uniform,"
            + " min: 0.1, max: 0.2}]\n",
        "sweep.yaml:2: base: training config",
        "nope.yaml not found"
      },
      {
        "name: t\nbase: base.yaml\nspace: [{path: optimizer.lr, type: uniform, min: 0.1, max: 0.2}]\n",
        "a random search needs a budget: set max_candidates and/or max_minutes"
      },
      {
        "name: t\nbase: base.yaml\nmax_candidates: 2\nspace:\n  - {path: optimizer.lr, type: uniform,"
            + " min: 0.1, max: 0.2}\n  - {path: optimizer.lr, type: uniform, min: 0.1, max: 0.3}\n",
        "path 'optimizer.lr' is listed twice"
      },
      {
        "name: t\nmax_candidates: 2\nspace: [{path: optimizer.lr, type: uniform, min: 0.1, max: 0.2}]\n",
        "give exactly one of 'base'"
      },
      {"name: t\nbase: base.yaml\nmax_candidates: 2\nspace: []\n", "space: list at least one"},
      {
        "name: t\nbase: base.yaml\nsearch: bayes\nmax_candidates: 2\n"
            + "space: [{path: optimizer.lr, type: uniform, min: 0.1, max: 0.2}]\n",
        "search: unknown value 'bayes' (valid: random, grid)"
      },
      {
        "name: t\nbase: base.yaml\nmax_candidates: 0\n"
            + "space: [{path: optimizer.lr, type: uniform, min: 0.1, max: 0.2}]\n",
        "max_candidates must be >= 1, got 0"
      },
      {
        "name: t\nbase: base.yaml\noverrides: [loss.nope.weight=1]\nmax_candidates: 1\n"
            + "space: [{path: optimizer.lr, type: uniform, min: 0.1, max: 0.2}]\n",
        "sweep.yaml:3: overrides: loss.nope.weight: no entry named 'nope'",
      },
    };
    for (String[] c : cases) {
      IllegalArgumentException x =
          assertThrows(
              IllegalArgumentException.class,
              () -> SweepPlan.load(SweepFixtures.sweepFile(dir, c[0])),
              c[0]);
      for (int i = 1; i < c.length; i++) {
        assertTrue(x.getMessage().contains(c[i]), "expected '" + c[i] + "' in " + x.getMessage());
      }
    }
  }
}
