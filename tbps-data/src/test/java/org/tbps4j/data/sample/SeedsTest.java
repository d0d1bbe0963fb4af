package org.tbps4j.data.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/**
 * The one seed derivation. The pinned values are those of the training module's former {@code
 * Seeds} (computed independently with 64-bit arithmetic outside Java): runs seeded before the two
 * classes became one keep their random streams.
 */
class SeedsTest {
  @Test
  void componentSeedsKeepTheirValues() {
    assertEquals(-8979316528197269404L, Seeds.derive(42, "sampler"));
    assertEquals(6202891597089500699L, Seeds.derive(3, "step"));
    assertEquals(2020882153146723740L, Seeds.derive(-7, "init"));
    assertEquals(-1558976352172202913L, Seeds.derive(42, "shift", 5));
    assertEquals(4449008311927992015L, Seeds.derive(3, "calibration", 0));
  }

  @Test
  void theFinaliserIsSplitMix64() {
    // the loss-term listener's per-step seed: finalise(7 · 0x9E3779B97F4A7C15 + 3)
    assertEquals(2493001065868230072L, Seeds.finalise(7 * 0x9E3779B97F4A7C15L + 3));
    assertEquals(0L, Seeds.finalise(0));
  }

  @Test
  void componentsAndStepsGetDifferentStreams() {
    assertNotEquals(Seeds.derive(42, "sampler"), Seeds.derive(42, "samplers"));
    assertNotEquals(Seeds.derive(42, "sampler"), Seeds.derive(43, "sampler"));
    assertNotEquals(Seeds.derive(42, "shift", 0), Seeds.derive(42, "shift", 1));
    assertNotEquals(Seeds.derive(42, "shift", 0), Seeds.derive(42, "shift"));
  }
}
