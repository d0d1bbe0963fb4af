package org.tbps4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.datavec.api.records.Record;
import org.datavec.api.records.metadata.RecordMetaDataIndex;
import org.datavec.api.split.FileSplit;
import org.datavec.api.writable.Writable;
import org.junit.jupiter.api.Test;
import org.tbps4j.data.text.Vocabulary;

/** The three readers and the loaded dataset on the well-formed fixtures. */
class ReadersTest {

  private static List<List<Writable>> drain(PedesRecordReader r) {
    List<List<Writable>> out = new ArrayList<>();
    while (r.hasNext()) {
      out.add(r.next());
    }
    return out;
  }

  @Test
  void cuhkReaderIsADataVecRecordReaderOverCaptions() throws Exception {
    Path file = Fixtures.root("cuhk").resolve("reid_raw.json");
    try (PedesRecordReader r = new CuhkPedesRecordReader(ReadOptions.defaults())) {
      r.initialize(new FileSplit(file.toFile()));
      List<List<Writable>> all = drain(r);
      assertEquals(20, all.size());
      CaptionRecord first = CaptionRecord.fromWritables(all.get(0));
      assertEquals(
          new CaptionRecord(
              Split.TRAIN,
              1,
              "imgs/CUHK01/0001_a.jpg",
              0,
              0,
              "A man in a red shirt and blue jeans."),
          first);
      CaptionRecord last = CaptionRecord.fromWritables(all.get(19));
      assertEquals(
          new CaptionRecord(
              Split.TEST,
              5,
              "imgs/train_query/0005_b.png",
              9,
              1,
              "Purple hoodie, black trousers, red shoes."),
          last);
      assertEquals(first, CaptionRecord.fromWritables(first.toWritables()));
      assertTrue(r.problems().isEmpty(), r.problems().toString());
      assertEquals(10, r.entriesRead());
      // reset reads the same records again; nextRecord carries the entry index
      r.reset();
      Record rec = r.nextRecord();
      assertEquals(all.get(0), rec.getRecord());
      assertEquals(0, ((RecordMetaDataIndex) rec.getMetaData()).getIndex());
      assertEquals(all.subList(1, 20), drain(r));
    }
  }

  @Test
  void icfgReaderFallsBackToProcessedTokens() throws Exception {
    try (PedesRecordReader r = new IcfgPedesRecordReader(ReadOptions.defaults())) {
      r.initialize(Fixtures.root("icfg").resolve("ICFG-PEDES.json"));
      List<ImageRecord> entries = new ArrayList<>();
      while (r.hasNextEntry()) {
        entries.add(r.nextEntry());
      }
      assertEquals(10, entries.size());
      assertEquals(0, entries.get(0).personId());
      assertEquals("imgs/train/0000/0000_0.jpg", entries.get(0).imagePath());
      ImageRecord tokensOnly = entries.get(5);
      assertEquals("a man in green trousers again", tokensOnly.captions().get(0).caption());
      assertEquals(Split.TEST, entries.get(9).split());
      assertTrue(r.problems().isEmpty(), r.problems().toString());
    }
  }

  @Test
  void rstpReidReaderUsesImgPath() throws Exception {
    PedesDataset ds = PedesDataset.load(DatasetFormat.RSTPREID, Fixtures.root("rstpreid"));
    assertTrue(ds.usable(), ds.problems().toString());
    assertEquals(new PedesDataset.SplitStats(3, 6, 12), ds.stats(Split.TRAIN));
    assertEquals(new PedesDataset.SplitStats(1, 2, 4), ds.stats(Split.VAL));
    assertEquals(new PedesDataset.SplitStats(1, 2, 4), ds.stats(Split.TEST));
    assertEquals("imgs/0003_c1_0031.jpg", ds.images(Split.VAL).get(1).imagePath());
    assertEquals(
        "Another view of a woman in a yellow top.", ds.captions(Split.VAL).get(1).caption());
  }

  @Test
  void cuhkDatasetHasCountsClassesAndVocabulary() throws Exception {
    Path root = Fixtures.root("cuhk");
    PedesDataset ds =
        PedesDataset.load(
            DatasetFormat.CUHK_PEDES,
            root,
            null,
            ReadOptions.defaults().withImageCheck(ImageCheck.DECODE));
    assertTrue(ds.usable(), ds.problems().toString());
    assertTrue(ds.problems().isEmpty(), ds.problems().toString());
    assertEquals(root.resolve("reid_raw.json"), ds.annotationFile());
    assertEquals(new PedesDataset.SplitStats(3, 6, 12), ds.stats(Split.TRAIN));
    assertEquals(new PedesDataset.SplitStats(1, 2, 4), ds.stats(Split.VAL));
    assertEquals(new PedesDataset.SplitStats(1, 2, 4), ds.stats(Split.TEST));
    assertArrayEquals(new long[] {1, 2, 3}, ds.trainClasses().personIds());
    // counted independently (a 16, blue 7, man 7, then 4s and 3s alphabetically)
    Vocabulary v = ds.vocabulary(3);
    assertEquals(
        List.of(
            "<pad>",
            "<unk>",
            "a",
            "blue",
            "man",
            "and",
            "dress",
            "green",
            "in",
            "jacket",
            "red",
            "black",
            "grey",
            "jeans",
            "shirt",
            "shoes",
            "the",
            "trousers",
            "wearing",
            "woman"),
        v.words());
    assertEquals(16, v.count(2));
    assertTrue(Files.isRegularFile(ds.resolve(ds.images(Split.TEST).get(0).imagePath())));
    String expected =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(root.resolve("reid_raw.json"))));
    assertEquals(expected, ds.annotationSha256());
  }

  @Test
  void icfgValIsCarvedOutOfTrainByIdentityDeterministically() throws Exception {
    Path root = Fixtures.root("icfg");
    PedesDataset a = PedesDataset.load(DatasetFormat.ICFG_PEDES, root);
    PedesDataset b = PedesDataset.load(DatasetFormat.ICFG_PEDES, root);
    assertTrue(a.usable(), a.problems().toString());
    // 10% of 4 train ids rounds to 0, at least 1
    assertEquals(1, a.carvedValIds());
    assertEquals(new PedesDataset.SplitStats(3, 6, 6), a.stats(Split.TRAIN));
    assertEquals(new PedesDataset.SplitStats(1, 2, 2), a.stats(Split.VAL));
    assertEquals(new PedesDataset.SplitStats(1, 2, 2), a.stats(Split.TEST));
    assertEquals(a.images(Split.VAL), b.images(Split.VAL));
    Set<Long> val = ids(a, Split.VAL);
    Set<Long> train = ids(a, Split.TRAIN);
    assertTrue(val.stream().noneMatch(train::contains));
    assertEquals(Set.of(0L, 1L, 2L, 3L), union(val, train));
    // regression value: Collections.shuffle([0,1,2,3], new Random(0)) starts with 3
    assertEquals(Set.of(3L), val);
    // another seed picks (possibly) another identity, still one
    PedesDataset c =
        PedesDataset.load(
            DatasetFormat.ICFG_PEDES, root, null, ReadOptions.defaults().withValIds(2, 5));
    assertEquals(2, ids(c, Split.VAL).size());
    assertEquals(2, ids(c, Split.TRAIN).size());
    assertNotEquals(Set.of(), ids(c, Split.VAL));
    // no val: a warning, still usable
    PedesDataset none =
        PedesDataset.load(
            DatasetFormat.ICFG_PEDES, root, null, ReadOptions.defaults().withValIds(0, 0));
    assertTrue(none.usable());
    assertEquals(ProblemKind.EMPTY_SPLIT, none.problems().get(0).kind());
    assertEquals(Severity.WARNING, none.problems().get(0).severity());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                PedesDataset.load(
                    DatasetFormat.ICFG_PEDES, root, null, ReadOptions.defaults().withValIds(4, 0)));
    assertEquals("cannot move 4 train identities to val: train has 4 (at most 3)", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                PedesDataset.load(
                    DatasetFormat.RSTPREID,
                    Fixtures.root("rstpreid"),
                    null,
                    ReadOptions.defaults().withValIds(1, 0)));
    assertTrue(e.getMessage().startsWith("the data already has a val split"), e.getMessage());
  }

  @Test
  void missingRootOrAnnotationFileIsNoSuchFile() {
    Path root = Fixtures.root("icfg");
    java.nio.file.NoSuchFileException e =
        assertThrows(
            java.nio.file.NoSuchFileException.class,
            () -> PedesDataset.load(DatasetFormat.RSTPREID, root));
    assertTrue(e.getMessage().contains("data_captions.json"), e.getMessage());
    assertTrue(e.getMessage().contains("--annotations"), e.getMessage());
    assertThrows(
        java.nio.file.NoSuchFileException.class,
        () -> PedesDataset.load(DatasetFormat.RSTPREID, root.resolve("nope")));
    assertFalse(Files.exists(root.resolve("nope")));
  }

  private static Set<Long> ids(PedesDataset ds, Split s) {
    Set<Long> out = new HashSet<>();
    ds.images(s).forEach(r -> out.add(r.personId()));
    return out;
  }

  private static Set<Long> union(Set<Long> a, Set<Long> b) {
    Set<Long> u = new HashSet<>(a);
    u.addAll(b);
    return u;
  }
}
