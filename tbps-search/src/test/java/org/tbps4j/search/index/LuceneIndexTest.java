package org.tbps4j.search.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.search.ImageItem;
import org.tbps4j.search.Planted;

class LuceneIndexTest {
  @TempDir Path tmp;

  /** Brute force in double precision: the reference for exact search. */
  private static List<Integer> reference(float[][] v, float[] q, int k) {
    return IntStream.range(0, v.length)
        .boxed()
        .sorted(
            Comparator.comparingDouble(
                    (Integer i) -> {
                      double s = 0;
                      for (int j = 0; j < q.length; j++) {
                        s += (double) q[j] * v[i][j];
                      }
                      return -s;
                    })
                .thenComparing(i -> i))
        .limit(k)
        .toList();
  }

  @Test
  void exactSearchEqualsBruteForceAndHnswRecallIsHigh() throws Exception {
    int n = 2000;
    int d = 32;
    float[][] v = Planted.unitVectors(n, d, 1);
    List<String> paths = Planted.paths(n);
    Planted.build(tmp.resolve("idx"), tmp, paths, v);
    float[][] queries = Planted.unitVectors(50, d, 2);
    double recall = 0;
    try (LuceneIndex idx = LuceneIndex.openReadOnly(tmp.resolve("idx"))) {
      assertEquals(n, idx.size());
      for (float[] q : queries) {
        List<IndexHit> exact = idx.search(q, 10, SearchMode.EXACT);
        List<Integer> ref = reference(v, q, 10);
        assertEquals(
            ref.stream().map(paths::get).toList(),
            exact.stream().map(h -> h.image().path()).toList());
        for (int i = 0; i < 10; i++) {
          double s = 0;
          for (int j = 0; j < d; j++) {
            s += (double) q[j] * v[ref.get(i)][j];
          }
          assertEquals(s, exact.get(i).score(), 1e-5);
        }
        Set<String> truth = new HashSet<>(exact.stream().map(h -> h.image().path()).toList());
        List<IndexHit> approx = idx.search(q, 10, SearchMode.HNSW);
        assertEquals(10, approx.size());
        recall += approx.stream().filter(h -> truth.contains(h.image().path())).count() / 10.0;
        // HNSW scores are the same cosine (from Lucene's (1 + cos) / 2)
        for (IndexHit h : approx) {
          int i = paths.indexOf(h.image().path());
          double s = 0;
          for (int j = 0; j < d; j++) {
            s += (double) q[j] * v[i][j];
          }
          assertEquals(s, h.score(), 1e-5);
        }
      }
    }
    recall /= queries.length;
    assertTrue(recall >= 0.95, "HNSW recall@10 against exact " + recall);
  }

  @Test
  void storesPathIdAndSizeAndMetadata() throws Exception {
    Path dir = tmp.resolve("idx");
    float[][] v = Planted.unitVectors(3, 8, 3);
    try (LuceneIndex idx = LuceneIndex.openWritable(dir, 8, 50)) {
      assertTrue(idx.info().isEmpty());
      idx.add(
          List.of(
              new IndexedImage("a/x.jpg", 7, 64, 128),
              new IndexedImage("a/y.jpg", ImageItem.UNKNOWN_ID, 10, 20),
              new IndexedImage("b.png", -3, 1, 2)),
          v);
      idx.commit(Planted.info(8, tmp));
    }
    try (LuceneIndex idx = LuceneIndex.openReadOnly(dir)) {
      assertEquals(Planted.info(8, tmp), idx.info().orElseThrow());
      assertEquals(Set.of("a/x.jpg", "a/y.jpg", "b.png"), idx.paths());
      assertEquals(new IndexedImage("a/x.jpg", 7, 64, 128), idx.get("a/x.jpg").orElseThrow());
      IndexedImage y = idx.get("a/y.jpg").orElseThrow();
      assertFalse(y.hasId());
      assertEquals(-3, idx.get("b.png").orElseThrow().personId());
      assertTrue(idx.get("a").isEmpty());
      IndexHit top = idx.search(v[1], 1, SearchMode.EXACT).get(0);
      assertEquals("a/y.jpg", top.image().path());
      assertEquals(1.0, top.score(), 1e-5);
    }
  }

  @Test
  void addReplacesSamePathRemoveDeletesAndUncommittedWorkIsDropped() throws Exception {
    Path dir = tmp.resolve("idx");
    float[][] v = Planted.unitVectors(4, 8, 4);
    try (LuceneIndex idx = LuceneIndex.openWritable(dir, 16, 100)) {
      idx.add(
          List.of(new IndexedImage("p1.jpg", 1, 1, 1), new IndexedImage("p2.jpg", 2, 1, 1)),
          new float[][] {v[0], v[1]});
      idx.commit(Planted.info(8, tmp));
      // the same path again: replaced, not duplicated
      idx.add(List.of(new IndexedImage("p1.jpg", 5, 1, 1)), new float[][] {v[2]});
      idx.commit(Planted.info(8, tmp));
      assertEquals(2, idx.size());
      assertEquals(5, idx.get("p1.jpg").orElseThrow().personId());
      assertEquals(1, idx.remove(List.of("p2.jpg", "nothing.jpg")));
      idx.commit(Planted.info(8, tmp));
      assertEquals(Set.of("p1.jpg"), idx.paths());
      // added but never committed: gone after close, as after a kill
      idx.add(List.of(new IndexedImage("p3.jpg", 3, 1, 1)), new float[][] {v[3]});
    }
    try (LuceneIndex idx = LuceneIndex.openReadOnly(dir)) {
      assertEquals(Set.of("p1.jpg"), idx.paths());
      assertEquals("p1.jpg", idx.search(v[2], 5, SearchMode.HNSW).get(0).image().path());
    }
  }

  @Test
  void aReaderSeesAnotherWritersCommitsAfterRefresh() throws Exception {
    Path dir = tmp.resolve("idx");
    float[][] v = Planted.unitVectors(2, 8, 5);
    try (LuceneIndex w = LuceneIndex.openWritable(dir, 16, 100)) {
      w.add(List.of(new IndexedImage("a.jpg", 1, 1, 1)), new float[][] {v[0]});
      w.commit(Planted.info(8, tmp));
      try (LuceneIndex r = LuceneIndex.openReadOnly(dir)) {
        assertEquals(1, r.size());
        w.add(List.of(new IndexedImage("b.jpg", 2, 1, 1)), new float[][] {v[1]});
        w.commit(Planted.info(8, tmp));
        assertEquals(1, r.size());
        r.refresh();
        assertEquals(2, r.size());
      }
    }
  }

  @Test
  void badInputIsNamed() throws Exception {
    Path dir = tmp.resolve("idx");
    // a second writer
    try (LuceneIndex w = LuceneIndex.openWritable(dir, 16, 100)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> LuceneIndex.openWritable(dir, 16, 100));
      assertEquals(
          dir + ": the index is being written by another process (Lucene's write.lock is held)",
          e.getMessage());
      // not unit length, not finite
      IllegalArgumentException u =
          assertThrows(
              IllegalArgumentException.class,
              () -> w.add(List.of(new IndexedImage("a.jpg", 1, 1, 1)), new float[][] {{1, 1}}));
      assertEquals(
          "the embedding of a.jpg has squared norm 2.000000; the index needs unit vectors",
          u.getMessage());
      assertThrows(
          IllegalArgumentException.class,
          () -> w.add(List.of(new IndexedImage("a.jpg", 1, 1, 1)), new float[][] {{Float.NaN, 0}}));
    }
    // a directory with no index, an empty directory, a missing one
    Files.createDirectories(tmp.resolve("empty"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> LuceneIndex.openReadOnly(tmp.resolve("empty")));
    assertEquals(tmp.resolve("empty") + ": no index in this directory", e.getMessage());
    assertThrows(
        java.nio.file.NoSuchFileException.class,
        () -> LuceneIndex.openReadOnly(tmp.resolve("nope")));
    // stored paths are relative and normal
    for (String bad :
        new String[] {
          "/etc/passwd", "../x.jpg", "a/../b.jpg", "a//b.jpg", "./a.jpg", "a\\b.jpg", "a\nb.jpg", ""
        }) {
      assertThrows(IllegalArgumentException.class, () -> new IndexedImage(bad, 1, 1, 1), bad);
    }
    List<String> ok = new ArrayList<>(List.of("a.jpg", "cam 1/ü.png"));
    ok.forEach(p -> new IndexedImage(p, 1, 1, 1));
  }

  /** The largest number of level-0 neighbours of any node, over the index's segments. */
  private static int maxDegree(Path dir) throws Exception {
    int max = 0;
    try (org.apache.lucene.index.DirectoryReader r =
        org.apache.lucene.index.DirectoryReader.open(
            org.apache.lucene.store.FSDirectory.open(dir))) {
      for (org.apache.lucene.index.LeafReaderContext ctx : r.leaves()) {
        var kr =
            ((org.apache.lucene.index.CodecReader)
                    org.apache.lucene.index.FilterLeafReader.unwrap(ctx.reader()))
                .getVectorReader();
        if (kr
            instanceof org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat.FieldsReader f) {
          kr = f.getFieldReader(LuceneIndex.F_VECTOR);
        }
        var g =
            ((org.apache.lucene.codecs.hnsw.HnswGraphProvider) kr).getGraph(LuceneIndex.F_VECTOR);
        for (int node = 0; node < g.size(); node++) {
          g.seek(0, node);
          int n = 0;
          while (g.nextNeighbor() != org.apache.lucene.search.DocIdSetIterator.NO_MORE_DOCS) {
            n++;
          }
          max = Math.max(max, n);
        }
      }
    }
    return max;
  }

  private static void addRange(LuceneIndex idx, float[][] v, int from, int to) throws Exception {
    List<IndexedImage> docs = new ArrayList<>();
    for (int i = from; i < to; i++) {
      docs.add(new IndexedImage(String.format("p%03d.jpg", i), i, 1, 1));
    }
    idx.add(docs, java.util.Arrays.copyOfRange(v, from, to));
  }

  /**
   * An unmerged index (one graph per commit here) has its graphs searched at once; with a search
   * width above every segment's size each graph is searched whole, so the merged answer must be the
   * exact one, hit for hit and score for score, and a removed document is in neither.
   */
  @Test
  void theGraphsOfAnUnmergedIndexAnswerTogetherLikeExactSearch() throws Exception {
    int n = 1200;
    int d = 16;
    float[][] v = Planted.unitVectors(n, d, 21);
    java.time.Instant t = java.time.Instant.parse("2026-01-01T00:00:00Z");
    IndexInfo info =
        new IndexInfo(Planted.HASH, "/m.zip", d, tmp.toString(), "images:x", t, t, true, 8, 40);
    try (LuceneIndex w = LuceneIndex.openWritable(tmp.resolve("segs"), 8, 40)) {
      for (int from = 0; from < n; from += 200) {
        addRange(w, v, from, from + 200);
        w.commit(info);
      }
      assertEquals(6, w.segments());
      w.setEfSearch(400);
      String removed = w.search(v[5], 1, SearchMode.EXACT).get(0).image().path();
      assertEquals(1, w.remove(List.of(removed)));
      w.commit(info);
      for (int q = 0; q < 30; q++) {
        float[] query = v[q * 37 + 5];
        List<IndexHit> exact = w.search(query, 10, SearchMode.EXACT);
        List<IndexHit> approx = w.search(query, 10, SearchMode.HNSW);
        assertEquals(
            exact.stream().map(h -> h.image().path()).toList(),
            approx.stream().map(h -> h.image().path()).toList(),
            "query " + q);
        for (int i = 0; i < 10; i++) {
          assertEquals(exact.get(i).score(), approx.get(i).score(), 1e-5);
        }
        assertFalse(approx.stream().anyMatch(h -> h.image().path().equals(removed)));
      }
    }
  }

  @Test
  void aBufferThatHoldsTheBulkLoadFlushesOneSegmentAndAnswersLikeTheSmallBuffer() throws Exception {
    int n = 3000;
    float[][] v = Planted.unitVectors(n, 256, 11);
    java.time.Instant t = java.time.Instant.parse("2026-01-01T00:00:00Z");
    IndexInfo info =
        new IndexInfo(Planted.HASH, "/m.zip", 256, tmp.toString(), "images:x", t, t, true, 8, 40);
    int[] segments = new int[2];
    List<List<String>> answers = new ArrayList<>();
    double[] buffers = {1, 512};
    for (int b = 0; b < 2; b++) {
      Path dir = tmp.resolve("buf" + b);
      try (LuceneIndex w = LuceneIndex.openWritable(dir, 8, 40)) {
        w.setRamBufferMiB(buffers[b]);
        for (int from = 0; from < n; from += 100) {
          addRange(w, v, from, from + 100);
        }
        w.commit(info);
        segments[b] = w.segments();
        List<String> got = new ArrayList<>();
        for (int q = 0; q < 20; q++) {
          for (IndexHit h : w.search(v[q * 97], 5, SearchMode.EXACT)) {
            got.add(h.image().path());
          }
        }
        answers.add(got);
      }
    }
    // ~1 KiB of vector per document: a 1 MiB buffer flushes every few hundred documents
    assertTrue(segments[0] > 1, "segments with a 1 MiB buffer: " + segments[0]);
    assertEquals(1, segments[1]);
    assertEquals(answers.get(0), answers.get(1));
    try (LuceneIndex w = LuceneIndex.openWritable(tmp.resolve("bad"), 8, 40)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> w.setRamBufferMiB(0.5));
      assertEquals("the RAM buffer must be >= 1 MiB, got 0.5", e.getMessage());
    }
  }

  @Test
  void laterWritesKeepTheHnswParametersTheIndexRecordsAndQueriesUseItsSearchWidth()
      throws Exception {
    float[][] v = Planted.unitVectors(120, 64, 8);
    java.time.Instant t = java.time.Instant.parse("2026-01-01T00:00:00Z");
    IndexInfo info =
        new IndexInfo(
            Planted.HASH, "/m.zip", 64, tmp.toString(), "images:x", t, t, true, 2, 20, 37);
    Path dir = tmp.resolve("idx");
    try (LuceneIndex w = LuceneIndex.openWritable(dir, 2, 20)) {
      assertArrayEquals(new int[] {2, 20}, w.writerHnswParameters());
      addRange(w, v, 0, 60);
      w.commit(info);
    }
    // reopened as `tbps index add` does, with other (default) parameters: the recorded ones win,
    // so the new segment and the merged graph still have degree <= 2 M = 4 at level 0
    try (LuceneIndex w = LuceneIndex.openWritable(dir, 32, 200)) {
      assertArrayEquals(new int[] {2, 20}, w.writerHnswParameters());
      assertEquals(37, w.efSearch());
      addRange(w, v, 60, 120);
      w.commit(info);
      w.forceMerge();
      w.commit(info);
      assertEquals(1, w.segments());
    }
    assertTrue(maxDegree(dir) <= 4, "level-0 degree " + maxDegree(dir));
    try (LuceneIndex r = LuceneIndex.openReadOnly(dir)) {
      assertEquals(info, r.info().orElseThrow());
      assertEquals(37, r.efSearch());
      assertEquals("p077.jpg", r.search(v[77], 1, SearchMode.HNSW).get(0).image().path());
      r.setEfSearch(5);
      assertEquals(5, r.efSearch());
    }
    // the control: the same vectors with M = 32 make nodes of higher degree (the check can fail)
    Path wide = tmp.resolve("wide");
    try (LuceneIndex w = LuceneIndex.openWritable(wide, 32, 200)) {
      addRange(w, v, 0, 120);
      w.commit(info);
    }
    assertTrue(maxDegree(wide) > 4, "level-0 degree " + maxDegree(wide));
  }

  @Test
  void anIndexWrittenBeforeTheSearchWidthWasRecordedOpensWithTheDefault() throws Exception {
    Path dir = tmp.resolve("old");
    float[][] v = Planted.unitVectors(30, 8, 9);
    try (LuceneIndex w = LuceneIndex.openWritable(dir, 16, 100)) {
      addRange(w, v, 0, 30);
      w.commit(Planted.info(8, tmp));
    }
    // rewrite the commit's metadata as the first release wrote it (no hnsw_ef_search)
    java.util.Map<String, String> old = new java.util.LinkedHashMap<>(Planted.info(8, tmp).toMap());
    old.remove("hnsw_ef_search");
    try (var w =
        new org.apache.lucene.index.IndexWriter(
            org.apache.lucene.store.FSDirectory.open(dir),
            new org.apache.lucene.index.IndexWriterConfig()
                .setOpenMode(org.apache.lucene.index.IndexWriterConfig.OpenMode.APPEND))) {
      w.setLiveCommitData(old.entrySet());
      w.commit();
    }
    try (LuceneIndex r = LuceneIndex.openReadOnly(dir)) {
      IndexInfo info = r.info().orElseThrow();
      assertEquals(IndexInfo.DEFAULT_EF_SEARCH, info.hnswEfSearch());
      assertEquals(Planted.info(8, tmp), info);
      assertEquals(IndexInfo.DEFAULT_EF_SEARCH, r.efSearch());
      assertEquals("p011.jpg", r.search(v[11], 1, SearchMode.HNSW).get(0).image().path());
    }
    // and a malformed width is named
    old.put("hnsw_ef_search", "many");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> IndexInfo.fromMap(old, "IDX"));
    assertEquals("IDX: index metadata 'hnsw_ef_search' is not an integer: many", e.getMessage());
    old.put("hnsw_ef_search", "0");
    e = assertThrows(IllegalArgumentException.class, () -> IndexInfo.fromMap(old, "IDX"));
    assertEquals(
        "IDX: bad index metadata: HNSW ef search must be in 1..10000, got 0", e.getMessage());
  }
}
