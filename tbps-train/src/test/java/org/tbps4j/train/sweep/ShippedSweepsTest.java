package org.tbps4j.train.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.tbps4j.train.config.ConfigLoader;
import org.tbps4j.train.config.TrainConfig;

/** The example sweeps in configs/sweeps/ load, are checked against their base and are small. */
class ShippedSweepsTest {
  static final Path SWEEPS = Path.of("..", "configs", "sweeps");
  static final String BASE = "synthetic-base.yaml";

  @Test
  void everyExampleSweepIsValidDocumentedAndShort() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(SWEEPS)) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    Set<String> names =
        files.stream().map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    assertTrue(
        names.containsAll(
            List.of(
                BASE,
                "mam-margin.yaml",
                "psw-coefficients.yaml",
                "sn-alpha-k.yaml",
                "asm-margin.yaml",
                "ranking-margin.yaml",
                "mam-margin-quickstart.yaml")),
        names.toString());
    TrainConfig base = ConfigLoader.load(SWEEPS.resolve(BASE), List.of());
    assertEquals("data/sweep-synthetic", base.data().root());
    assertTrue(base.totalEpochs() <= 2, "a sweep candidate trains in about half a minute");
    for (Path f : files) {
      String text = Files.readString(f);
      assertTrue(text.startsWith("#"), f + " documents itself at the top");
      if (f.getFileName().toString().equals(BASE)) {
        continue;
      }
      assertTrue(
          text.contains("./tbps sweep --config configs/sweeps/" + f.getFileName()), f.toString());
      SweepPlan p = SweepPlan.load(f);
      if (f.getFileName().toString().endsWith("-quickstart.yaml")) {
        // at the quickstart's budget: its data, its recipe, its step count, seeds in the space
        assertTrue(text.contains("./tbps synth --out data/synthetic --ids 1000 --size 64x32"));
        assertEquals("data/synthetic", p.base().data().root());
        assertEquals(13, p.base().totalEpochs(), f.toString());
        assertTrue(p.config().paths().contains(SeedSpread.SEED_PATH), f + " repeats seeds");
      } else {
        assertTrue(text.contains("./tbps synth --out data/sweep-synthetic --ids 300 --size 64x32"));
        assertEquals(base.data(), p.base().data(), f + " trains on the shared synthetic set");
      }
      assertTrue(p.budget() <= 9, f + ": " + p.budget() + " candidates");
      if (p.config().search().equals(SweepConfig.GRID)) {
        assertEquals(p.budget(), SweepCandidates.preview(p, 100).size(), "the whole grid");
      }
    }
  }

  @Test
  void theReadmeSweepIsTheMamGridOfEightCandidates() throws Exception {
    SweepPlan p = SweepPlan.load(SWEEPS.resolve("mam-margin.yaml"));
    List<SweepPoint> all = SweepCandidates.preview(p, 100);
    assertEquals(8, all.size());
    assertEquals(
        Set.of(1.0, 2.0, 3.0, 4.0),
        all.stream().map(x -> x.value("loss.mam.params.m")).collect(Collectors.toSet()));
    assertEquals(
        Set.of(0.2, 0.5),
        all.stream().map(x -> x.value("loss.mam.weight")).collect(Collectors.toSet()));
    SweepPlan ranking = SweepPlan.load(SWEEPS.resolve("ranking-margin.yaml"));
    List<Double> margins =
        SweepCandidates.preview(ranking, 10).stream()
            .map(x -> x.value("loss.ranking.params.margin"))
            .toList();
    assertEquals(4, margins.size());
    double[] expected = {0.1, 0.4, 0.7, 1.0};
    for (int i = 0; i < 4; i++) {
      assertEquals(expected[i], margins.get(i), 1e-12);
    }
    assertTrue(SweepPlan.load(SWEEPS.resolve("asm-margin.yaml")).base().model().esa());
  }
}
