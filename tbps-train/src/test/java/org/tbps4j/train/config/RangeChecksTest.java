package org.tbps4j.train.config;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tbps4j.train.sweep.SweepPlan;

/**
 * Sizes that overflow an int or a Java array somewhere down the line are refused when the config is
 * read, naming the keys: the batch (p × k), the image (3 × h × w, times the batch), the scoring
 * block (eval.chunk), the data workers, a sweep's parallelism and grid.
 */
class RangeChecksTest {
  static final String BASE =
      """
      name: r
      data: {root: /data, image_height: 32, image_width: 16, p: 4, k: 2, workers: 1}
      stages: [{name: joint, epochs: 1}]
      loss: [{name: cmpm, weight: 1}]
      """;

  private static void refused(String override, String... keys) {
    TrainConfig base = ConfigLoader.parse(BASE, "base");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConfigLoader.override(base, List.of(override.split(" "))),
            override);
    for (String k : keys) {
      assertTrue(e.getMessage().contains(k), override + " -> " + e.getMessage());
    }
  }

  @Test
  void trainingSizesAreRangeChecked() {
    refused("data.p=100000 data.k=100000", "data.p", "data.k", "4096");
    refused("data.image_height=100000", "data.image_height");
    refused("data.image_width=70000", "data.image_width");
    refused(
        "data.image_height=4096 data.image_width=4096 data.p=16 data.k=4",
        "data.image_height",
        "data.image_width",
        "data.p",
        "data.k");
    refused("data.max_length=1000000", "data.max_length");
    refused("data.workers=100000", "data.workers");
    refused("eval.chunk=100000000", "eval.chunk");
    refused("eval.batch_size=100000000", "eval.batch_size");
  }

  @Test
  void sweepParallelismAndGridSizeAreRangeChecked() {
    String sweep =
        """
        base_config: {data: {root: /data, p: 4, k: 2}, stages: [{epochs: 1}],
                      loss: [{name: cmpm, weight: 1}, {name: mam, weight: 0.2}]}
        search: grid
        grid_points: %d
        parallelism: %d
        space:
          - {path: loss.mam.weight, type: uniform, min: 0.1, max: 1}
          - {path: optimizer.lr, type: uniform, min: 0.0001, max: 0.01}
          - {path: loss.cmpm.weight, type: uniform, min: 0.1, max: 1}
        """;
    IllegalArgumentException p =
        assertThrows(
            IllegalArgumentException.class,
            () -> SweepPlan.parse(sweep.formatted(3, 100000), "s.yaml", Path.of(".")));
    assertTrue(p.getMessage().contains("parallelism"), p.getMessage());
    // 2^21 points per range over three ranges: 2^63 overflows a long
    IllegalArgumentException g =
        assertThrows(
            IllegalArgumentException.class,
            () -> SweepPlan.parse(sweep.formatted(1 << 21, 1), "s.yaml", Path.of(".")));
    assertTrue(g.getMessage().contains("grid_points"), g.getMessage());
    assertTrue(g.getMessage().contains("s.yaml"), g.getMessage());
  }
}
