package org.tbps4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The feature cache with the fake encoder: values, incremental updates, damage, kills. */
class FeatureCacheTest {

  private static FeatureCache.UpdateReport update(
      FeatureCache c, FakeEncoder enc, List<String> texts, long segmentBytes) throws IOException {
    return c.update(texts, FakeEncoder::tokenize, enc::forward, 5, null, segmentBytes);
  }

  /** Asserts the cached rows are the fake features (rounded to float16 for FLOAT16). */
  private static void assertRows(FeatureCache c, List<String> texts) {
    TokenFeatures f = c.get(texts, 0);
    for (int i = 0; i < texts.size(); i++) {
      float[] want = FakeEncoder.expected(texts.get(i));
      if (c.key().storage() == FeatureCache.Storage.FLOAT16) {
        for (int k = 0; k < want.length; k++) {
          want[k] = Float16.toFloat(Float16.fromFloat(want[k]));
        }
      }
      assertArrayEquals(want, f.row(i), "text " + texts.get(i));
      assertEquals(want.length / FakeEncoder.DIM, f.lengths()[i]);
      for (int k = f.lengths()[i] * FakeEncoder.DIM; k < f.length() * FakeEncoder.DIM; k++) {
        assertEquals(0f, f.values()[i * f.length() * FakeEncoder.DIM + k], "padding is zero");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"FLOAT16", "FLOAT32"})
  void storedRowsAreTheEncodersFeatures(String storage, @TempDir Path root) throws IOException {
    FeatureCache.Key key =
        new FeatureCache.Key(
            "fake",
            "a".repeat(64),
            "b".repeat(64),
            FakeEncoder.MAX_LENGTH,
            FakeEncoder.DIM,
            FeatureCache.Storage.valueOf(storage));
    Path dir = FeatureCache.directory(root, key);
    assertEquals(
        root.resolve(
            ".tbps-cache/fake-aaaaaaaaaaaa-bbbbbbbb-L12-"
                + (storage.equals("FLOAT16") ? "f16" : "f32")),
        dir);
    FeatureCache c = FeatureCache.open(dir, key);
    List<String> texts = FakeEncoder.captions("a", 37);
    FakeEncoder enc = new FakeEncoder();
    FeatureCache.UpdateReport r = update(c, enc, texts, 1000); // several segments
    assertEquals(37, r.computed());
    assertTrue(c.segmentCount() > 3, "segments: " + c.segmentCount());
    assertRows(c, texts);
    FeatureCache again = FeatureCache.open(dir, key);
    assertEquals(37, again.size());
    assertTrue(again.recovered().isEmpty(), again.recovered().toString());
    assertRows(again, texts);
    again.verify();
    TokenFeatures fixed = again.get(texts.subList(0, 3), FakeEncoder.MAX_LENGTH);
    assertEquals(FakeEncoder.MAX_LENGTH, fixed.length());
  }

  @Test
  void memoryMappedSegmentsReadTheSame(@TempDir Path root) throws IOException {
    Path dir = root.resolve("c");
    List<String> texts = FakeEncoder.captions("m", 25);
    update(FeatureCache.open(dir, FakeEncoder.KEY), new FakeEncoder(), texts, 1000);
    FeatureCache heap = FeatureCache.open(dir, FakeEncoder.KEY);
    assertEquals(0, heap.mappedSegmentCount());
    long before = FeatureCache.mapThreshold;
    FeatureCache.mapThreshold = 0;
    try {
      FeatureCache mapped = FeatureCache.open(dir, FakeEncoder.KEY);
      assertEquals(mapped.segmentCount(), mapped.mappedSegmentCount());
      assertTrue(mapped.segmentCount() > 1);
      assertRows(mapped, texts);
      mapped.verify();
      TokenFeatures a = heap.get(texts, 0);
      TokenFeatures b = mapped.get(texts, 0);
      assertArrayEquals(a.values(), b.values());
    } finally {
      FeatureCache.mapThreshold = before;
    }
  }

  @Test
  void onlyNewAndChangedCaptionsAreComputed(@TempDir Path root) throws IOException {
    Path dir = FeatureCache.directory(root, FakeEncoder.KEY);
    FakeEncoder enc = new FakeEncoder();
    List<String> first = FakeEncoder.captions("x", 20);
    List<String> withDuplicates = new ArrayList<>(first);
    withDuplicates.addAll(first.subList(0, 5));
    FeatureCache c = FeatureCache.open(dir, FakeEncoder.KEY);
    assertEquals(20, update(c, enc, withDuplicates, 1 << 20).computed());
    assertEquals(20, enc.forwarded.get());

    List<String> second = new ArrayList<>(first);
    second.set(3, first.get(3) + " edited"); // a caption changes
    second.addAll(FakeEncoder.captions("y", 6)); // new captions
    FeatureCache reopened = FeatureCache.open(dir, FakeEncoder.KEY);
    assertEquals(7, reopened.missing(second).size());
    FeatureCache.UpdateReport r = update(reopened, enc, second, 1 << 20);
    assertEquals(7, r.computed());
    assertEquals(19, r.alreadyCached());
    assertEquals(27, enc.forwarded.get(), "only the 7 new texts went through the encoder");
    assertRows(reopened, second);
    assertEquals(1, reopened.stale(second), "the old version of the edited caption");

    assertEquals(1, reopened.compact(second));
    assertEquals(26, reopened.size());
    assertFalse(reopened.contains(first.get(3)));
    assertRows(reopened, second);
    FeatureCache afterCompact = FeatureCache.open(dir, FakeEncoder.KEY);
    assertTrue(afterCompact.recovered().isEmpty(), afterCompact.recovered().toString());
    assertRows(afterCompact, second);
    assertEquals(afterCompact.segmentCount(), segmentFiles(dir).size(), "old segments deleted");
  }

  @Test
  void progressIsReportedPerBatch(@TempDir Path root) throws IOException {
    FeatureCache c = FeatureCache.open(root.resolve("c"), FakeEncoder.KEY);
    List<int[]> calls = new ArrayList<>();
    c.update(
        FakeEncoder.captions("p", 12),
        FakeEncoder::tokenize,
        new FakeEncoder()::forward,
        5,
        (done, total, ns) -> calls.add(new int[] {done, total}),
        1 << 20);
    assertEquals(3, calls.size());
    assertArrayEquals(new int[] {5, 12}, calls.get(0));
    assertArrayEquals(new int[] {12, 12}, calls.get(2));
  }

  @Test
  void missingCaptionsAndOtherKeysAreRefused(@TempDir Path root) throws IOException {
    Path dir = root.resolve("c");
    FeatureCache c = FeatureCache.open(dir, FakeEncoder.KEY);
    update(c, new FakeEncoder(), List.of("one two"), 1 << 20);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> c.get(List.of("one two", "three"), 0));
    assertTrue(e.getMessage().contains("\"three\""), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> c.get(List.of("one two"), 2));
    FeatureCache.Key other =
        new FeatureCache.Key(
            "fake", "c".repeat(64), "b".repeat(64), 12, 8, FeatureCache.Storage.FLOAT16);
    IllegalStateException s =
        assertThrows(IllegalStateException.class, () -> FeatureCache.open(dir, other));
    assertTrue(s.getMessage().contains("manifest.json"), s.getMessage());
    assertTrue(s.getMessage().contains("model_sha256"), s.getMessage());
  }

  @Test
  void damagedSegmentsAreDetected(@TempDir Path root) throws IOException {
    Path dir = root.resolve("c");
    List<String> texts = FakeEncoder.captions("d", 30);
    update(FeatureCache.open(dir, FakeEncoder.KEY), new FakeEncoder(), texts, 1500);
    List<Path> segs = segmentFiles(dir);
    assertTrue(segs.size() >= 3);

    // a flipped data byte: only the full check sees it
    flipByte(segs.get(0), 200);
    FeatureCache c = FeatureCache.open(dir, FakeEncoder.KEY);
    IOException bad = assertThrows(IOException.class, c::verify);
    assertTrue(bad.getMessage().contains(segs.get(0).getFileName().toString()), bad.getMessage());

    // a truncated segment and a damaged row table: dropped at open, recomputed by the next update
    try (RandomAccessFile f = new RandomAccessFile(segs.get(1).toFile(), "rw")) {
      f.setLength(f.length() - 7);
    }
    flipByte(segs.get(2), (int) Files.size(segs.get(2)) - 40);
    FeatureCache reopened = FeatureCache.open(dir, FakeEncoder.KEY);
    assertEquals(2, reopened.recovered().size(), reopened.recovered().toString());
    assertTrue(reopened.recovered().get(0).contains(segs.get(1).toString()));
    assertTrue(reopened.recovered().get(0).contains("does not match its header"));
    assertTrue(reopened.recovered().get(1).contains("checksum"));
    int lost = texts.size() - reopened.size();
    assertTrue(lost > 0);
    FakeEncoder enc = new FakeEncoder();
    assertEquals(lost, update(reopened, enc, texts, 1500).computed());
    assertEquals(lost, enc.forwarded.get());
    assertTrue(FeatureCache.open(dir, FakeEncoder.KEY).recovered().isEmpty());
  }

  @Test
  void leftOversOfAKilledWriterAreRemovedOnOpen(@TempDir Path root) throws IOException {
    Path dir = root.resolve("c");
    update(FeatureCache.open(dir, FakeEncoder.KEY), new FakeEncoder(), List.of("a b"), 1 << 20);
    Files.writeString(dir.resolve(".segment-000009.bin123.tmp"), "half written");
    Files.writeString(dir.resolve("segment-000009.bin"), "renamed, never committed");
    FeatureCache c = FeatureCache.open(dir, FakeEncoder.KEY);
    assertEquals(2, c.recovered().size(), c.recovered().toString());
    assertFalse(Files.exists(dir.resolve(".segment-000009.bin123.tmp")));
    assertFalse(Files.exists(dir.resolve("segment-000009.bin")));
    assertEquals(1, c.size());
  }

  /**
   * A child JVM updates the cache and is killed (SIGKILL) while its new segment is a temporary
   * file, or after the segment's rename but before the manifest's: the previous state is read back
   * intact, the left-overs are reported and removed, and the next update finishes the job.
   */
  @ParameterizedTest
  @ValueSource(strings = {"segment-temp", "manifest-temp"})
  void survivesAKillMidWrite(String stage, @TempDir Path root) throws Exception {
    Path dir = root.resolve("c");
    List<String> old = FakeEncoder.captions("old", 8);
    update(FeatureCache.open(dir, FakeEncoder.KEY), new FakeEncoder(), old, 1 << 20);
    byte[] manifestBefore = Files.readAllBytes(dir.resolve("manifest.json"));

    Path marker = root.resolve("marker");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                FeatureCacheKillHelper.class.getName(),
                dir.toString(),
                stage,
                marker.toString(),
                "8",
                "10")
            .redirectErrorStream(true)
            .redirectOutput(root.resolve("child.log").toFile())
            .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.exists(marker) && p.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(Files.exists(marker), "child never reached " + stage + ": " + log(root));
    } finally {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    assertArrayEquals(manifestBefore, Files.readAllBytes(dir.resolve("manifest.json")));

    FeatureCache c = FeatureCache.open(dir, FakeEncoder.KEY);
    assertEquals(8, c.size());
    assertRows(c, old);
    c.verify();
    List<String> rec = c.recovered();
    assertFalse(rec.isEmpty(), "the kill's left-overs are reported");
    assertTrue(
        rec.stream().anyMatch(s -> s.contains(".tmp") || s.contains("not in the manifest")),
        rec.toString());
    try (Stream<Path> files = Files.list(dir)) {
      assertTrue(
          files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "temp files removed");
    }

    List<String> all = new ArrayList<>(old);
    all.addAll(FakeEncoder.captions("new", 10));
    FakeEncoder enc = new FakeEncoder();
    assertEquals(10, update(c, enc, all, 1 << 20).computed());
    assertRows(FeatureCache.open(dir, FakeEncoder.KEY), all);
  }

  private static String log(Path root) throws IOException {
    Path l = root.resolve("child.log");
    return Files.exists(l) ? Files.readString(l) : "(no log)";
  }

  private static List<Path> segmentFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("segment-")).sorted().toList();
    }
  }

  private static void flipByte(Path file, int at) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x5A);
    }
  }

  @Test
  void keyValidation() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new FeatureCache.Key(
                "Bad Name", "a".repeat(64), "b".repeat(64), 12, 8, FeatureCache.Storage.FLOAT16));
    assertThrows(
        IllegalArgumentException.class,
        () -> new FeatureCache.Key("x", "a", "b".repeat(64), 12, 8, FeatureCache.Storage.FLOAT16));
  }
}
