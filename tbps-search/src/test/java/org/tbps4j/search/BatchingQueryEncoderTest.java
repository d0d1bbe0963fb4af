package org.tbps4j.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchingQueryEncoderTest {
  @TempDir Path tmp;

  @Test
  void concurrentCallersGetWhatTheModelGivesEachAloneInFewerPasses() throws Exception {
    ModelBundle bundle = ModelBundle.open(MicroBundle.save(tmp.resolve("m.zip"), 3));
    ModelQueryEncoder direct = new ModelQueryEncoder(bundle);
    AtomicInteger passes = new AtomicInteger();
    QueryEncoder counting =
        new QueryEncoder() {
          @Override
          public int dim() {
            return direct.dim();
          }

          @Override
          public float[][] encode(List<String> texts) {
            passes.incrementAndGet();
            try {
              Thread.sleep(20); // a slow forward pass, so that callers pile up
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return direct.encode(texts);
          }
        };
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      texts.add(
          (i % 2 == 0 ? "a man in a red coat " : "a woman in a blue skirt ") + "x".repeat(i % 5));
    }
    float[][] expected = new float[texts.size()][];
    for (int i = 0; i < texts.size(); i++) {
      expected[i] = direct.encode(List.of(texts.get(i)))[0];
    }
    ExecutorService pool = Executors.newFixedThreadPool(12);
    try (BatchingQueryEncoder batching = new BatchingQueryEncoder(counting, 32, 256)) {
      List<CompletableFuture<float[]>> fs = new ArrayList<>();
      for (String t : texts) {
        fs.add(CompletableFuture.supplyAsync(() -> batching.encode(List.of(t))[0], pool));
      }
      for (int i = 0; i < texts.size(); i++) {
        assertArrayEquals(expected[i], fs.get(i).get(), 1e-5f, texts.get(i));
      }
      assertTrue(passes.get() < texts.size() / 2, "forward passes: " + passes.get());
      assertEquals(2, batching.encode(texts.subList(0, 2)).length);
    } finally {
      pool.shutdownNow();
    }
    BatchingQueryEncoder closed = new BatchingQueryEncoder(direct, 4, 4);
    closed.close();
    assertThrows(
        java.util.concurrent.RejectedExecutionException.class, () -> closed.encode(List.of("x")));
  }
}
