package org.tbps4j.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
      BatchingQueryEncoder.Stats st = batching.stats();
      assertEquals(passes.get(), st.passes());
      assertEquals(texts.size(), st.texts());
      assertTrue(st.largestBatch() >= 2 && st.meanBatch() >= 2, st.toString());
      assertEquals(2, batching.encode(texts.subList(0, 2)).length);
    } finally {
      pool.shutdownNow();
    }
    direct.close();
    BatchingQueryEncoder closed = new BatchingQueryEncoder(direct, 4, 4);
    closed.close();
    assertThrows(
        java.util.concurrent.RejectedExecutionException.class, () -> closed.encode(List.of("x")));
  }

  /** An encoder that records every batch and blocks while {@code gate} is closed. */
  private static final class Recording implements QueryEncoder {
    final List<List<String>> batches = java.util.Collections.synchronizedList(new ArrayList<>());
    volatile CountDownLatch gate = new CountDownLatch(0);

    @Override
    public int dim() {
      return 2;
    }

    @Override
    public float[][] encode(List<String> texts) {
      batches.add(List.copyOf(texts));
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      float[][] out = new float[texts.size()][];
      for (int i = 0; i < out.length; i++) {
        if (texts.get(i).contains("boom")) {
          throw new IllegalArgumentException("cannot encode " + texts.get(i));
        }
        out[i] = new float[] {texts.get(i).length(), i};
      }
      return out;
    }
  }

  private static void awaitWaiting(BatchingQueryEncoder b, int n) throws InterruptedException {
    long t0 = System.nanoTime();
    while (b.waiting() < n) {
      assertTrue(System.nanoTime() - t0 < 20_000_000_000L, "callers never queued: " + b.waiting());
      Thread.sleep(2);
    }
  }

  @Test
  void callersArrivingDuringAPassFormTheNextBatchAndEachGetsItsOwnRows() throws Exception {
    Recording inner = new Recording();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (BatchingQueryEncoder b = new BatchingQueryEncoder(inner, 5, 64)) {
      inner.gate = new CountDownLatch(1);
      CompletableFuture<float[][]> first =
          CompletableFuture.supplyAsync(() -> b.encode(List.of("first")), pool);
      while (inner.batches.isEmpty()) {
        Thread.sleep(2);
      }
      // while the first pass runs, 7 callers with 1 or 2 texts queue up (10 texts)
      List<List<String>> calls = new ArrayList<>();
      List<CompletableFuture<float[][]>> fs = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        List<String> t = i % 3 == 0 ? List.of("q" + i, "qq" + i + "x") : List.of("query " + i);
        calls.add(t);
        fs.add(CompletableFuture.supplyAsync(() -> b.encode(t), pool));
        awaitWaiting(b, i + 1); // queued in this order
      }
      inner.gate.countDown();
      assertArrayEquals(new float[] {5, 0}, first.get(20, TimeUnit.SECONDS)[0]);
      for (int i = 0; i < calls.size(); i++) {
        float[][] got = fs.get(i).get(20, TimeUnit.SECONDS);
        assertEquals(calls.get(i).size(), got.length);
        for (int r = 0; r < got.length; r++) {
          assertEquals(calls.get(i).get(r).length(), got[r][0], 0f, calls.get(i) + " row " + r);
        }
      }
      // at most 5 texts per pass, a caller's texts never split, queue order kept: [first], then
      // greedy groups of the waiting callers
      assertEquals(
          List.of(
              List.of("first"),
              List.of("q0", "qq0x", "query 1", "query 2"),
              List.of("q3", "qq3x", "query 4", "query 5"),
              List.of("q6", "qq6x")),
          inner.batches);
      assertEquals(new BatchingQueryEncoder.Stats(4, 11, 4), b.stats());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFailingCallerFailsAloneAndTheOthersOfItsBatchAreAnswered() throws Exception {
    Recording inner = new Recording();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (BatchingQueryEncoder b = new BatchingQueryEncoder(inner, 64, 64)) {
      inner.gate = new CountDownLatch(1);
      CompletableFuture<float[][]> first =
          CompletableFuture.supplyAsync(() -> b.encode(List.of("first")), pool);
      while (inner.batches.isEmpty()) {
        Thread.sleep(2);
      }
      List<String> texts = List.of("a", "bb", "boom", "dddd");
      List<CompletableFuture<float[][]>> fs = new ArrayList<>();
      for (int i = 0; i < texts.size(); i++) {
        String t = texts.get(i);
        fs.add(CompletableFuture.supplyAsync(() -> b.encode(List.of(t)), pool));
        awaitWaiting(b, i + 1);
      }
      inner.gate.countDown();
      first.get(20, TimeUnit.SECONDS);
      for (int i = 0; i < texts.size(); i++) {
        if (texts.get(i).equals("boom")) {
          int at = i;
          ExecutionException e =
              assertThrows(ExecutionException.class, () -> fs.get(at).get(20, TimeUnit.SECONDS));
          assertEquals("cannot encode boom", e.getCause().getMessage());
        } else {
          assertEquals(texts.get(i).length(), fs.get(i).get(20, TimeUnit.SECONDS)[0][0], 0f);
        }
      }
      // the group of four failed, then each was encoded alone
      assertEquals(List.of(List.of("first"), texts), inner.batches.subList(0, 2));
      assertEquals(6, inner.batches.size());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void maxWaitLetsALoneCallerWaitForCompanyButAFullBatchGoesAtOnce() throws Exception {
    Recording inner = new Recording();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (BatchingQueryEncoder b =
        new BatchingQueryEncoder(inner, 3, 64, java.time.Duration.ofMillis(300))) {
      long t0 = System.nanoTime();
      b.encode(List.of("alone"));
      double ms = (System.nanoTime() - t0) / 1e6;
      assertTrue(ms >= 290, "a lone caller waited " + ms + " ms, not the 300 ms max wait");
      assertEquals(List.of(List.of("alone")), inner.batches);
    } finally {
      pool.shutdownNow();
    }
    inner.batches.clear();
    pool = Executors.newFixedThreadPool(4);
    try (BatchingQueryEncoder b =
        new BatchingQueryEncoder(inner, 3, 64, java.time.Duration.ofSeconds(1))) {
      // three callers 50 ms apart: one pass, sent as soon as it is full (long before 1 s)
      List<CompletableFuture<float[][]>> fs = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int i = 0; i < 3; i++) {
        String t = "c" + i;
        fs.add(CompletableFuture.supplyAsync(() -> b.encode(List.of(t)), pool));
        Thread.sleep(50);
      }
      for (CompletableFuture<float[][]> f : fs) {
        f.get(20, TimeUnit.SECONDS);
      }
      assertEquals(1, inner.batches.size());
      assertEquals(
          java.util.Set.of("c0", "c1", "c2"), new java.util.HashSet<>(inner.batches.get(0)));
      assertEquals(1, b.stats().passes());
      assertTrue(
          (System.nanoTime() - t0) / 1e6 < 950, "a full batch waited for the max wait anyway");
    } finally {
      pool.shutdownNow();
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> new BatchingQueryEncoder(inner, 3, 3, java.time.Duration.ofMillis(-1)));
  }
}
