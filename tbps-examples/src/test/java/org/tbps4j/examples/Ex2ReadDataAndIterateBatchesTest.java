package org.tbps4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.data.PedesDataset;
import org.tbps4j.data.Split;
import org.tbps4j.data.synth.SynthConfig;
import org.tbps4j.data.synth.SyntheticDataset;

/** Runs example 2 on 12 synthetic people and checks what it read against what was generated. */
class Ex2ReadDataAndIterateBatchesTest {
  @TempDir Path dir;

  @Test
  void readsEveryCaptionAndDrawsPxKBatches() throws Exception {
    SyntheticDataset.Summary generated = SyntheticDataset.generate(SynthConfig.of(12, 3), dir);
    int p = 3;
    int k = 2;
    Ex2ReadDataAndIterateBatches.Result r = Ex2ReadDataAndIterateBatches.run(dir, p, k, 5);

    // the record reader saw every caption the generator wrote, split by split
    Map<String, Integer> expected = new LinkedHashMap<>();
    for (Map.Entry<Split, PedesDataset.SplitStats> e : generated.splits().entrySet()) {
      expected.put(e.getKey().jsonName(), e.getValue().captions());
    }
    assertEquals(expected, r.recordsPerSplit());
    assertEquals(0, r.problems());
    assertTrue(r.vocabularySize() > 2, "vocabulary beyond PAD and UNK");

    assertArrayEquals(new long[] {p * k, 3, 64, 32}, r.imageShape());
    assertArrayEquals(new long[] {p * k, 16}, r.tokenShape());
    int classes = generated.splits().get(Split.TRAIN).ids();
    assertEquals(5, r.batchLabels().size());
    for (int[] y : r.batchLabels()) {
      assertEquals(p * k, y.length);
      Set<Integer> identities = new HashSet<>();
      for (int g = 0; g < p; g++) {
        for (int j = 1; j < k; j++) {
          assertEquals(y[g * k], y[g * k + j], "the K rows of a group are one identity");
        }
        assertTrue(y[g * k] >= 0 && y[g * k] < classes, "class index in range");
        identities.add(y[g * k]);
      }
      assertEquals(p, identities.size(), "P different identities per batch");
    }
  }
}
