package org.tbps4j.data.iter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.tbps4j.data.CaptionRecord;
import org.tbps4j.data.DatasetFormat;
import org.tbps4j.data.Fixtures;
import org.tbps4j.data.ImageCheck;
import org.tbps4j.data.PedesDataset;
import org.tbps4j.data.ReadOptions;
import org.tbps4j.data.Split;
import org.tbps4j.data.image.Augmentation;
import org.tbps4j.data.image.ImageLoader;
import org.tbps4j.data.image.ImageSettings;
import org.tbps4j.data.sample.CaptionNeighbours;
import org.tbps4j.data.synth.SynthConfig;
import org.tbps4j.data.synth.SyntheticDataset;
import org.tbps4j.data.text.Vocabulary;

class IteratorsTest {
  @TempDir static Path dir;
  static PedesDataset ds;
  static Vocabulary vocab;
  static ImageLoader loader;

  @BeforeAll
  static void generate() throws Exception {
    SyntheticDataset.generate(new SynthConfig(20, 2, 4, 3, 64, 32, 2), dir.resolve("s"));
    ds = PedesDataset.load(DatasetFormat.CUHK_PEDES, dir.resolve("s")).requireUsable();
    vocab = ds.vocabulary(3);
    loader = new ImageLoader(ImageSettings.imagenet(64, 32));
  }

  private static PkTrainingIterator iterator(Augmentation aug, int workers) {
    return new PkTrainingIterator(
        ds, vocab, loader, new PkTrainingIterator.Config(4, 2, 12, aug, 5, workers, 3));
  }

  @Test
  void batchesHaveTheDeclaredShapesTypesAndContent() throws Exception {
    try (PkTrainingIterator it = iterator(Augmentation.NONE, 2)) {
      assertTrue(it.hasNext());
      MultiDataSet m = it.next();
      INDArray images = m.getFeatures(0);
      INDArray tokens = m.getFeatures(1);
      INDArray labels = m.getLabels(0);
      assertArrayEquals(new long[] {8, 3, 64, 32}, images.shape());
      assertEquals(DataType.FLOAT, images.dataType());
      assertArrayEquals(new long[] {8, 12}, tokens.shape());
      assertEquals(DataType.INT, tokens.dataType());
      assertArrayEquals(new long[] {8}, labels.shape());
      assertEquals(DataType.INT, labels.dataType());
      int[] rows = it.batchSamples(0, 0);
      for (int r = 0; r < 8; r++) {
        CaptionRecord c = it.samples().get(rows[r]);
        assertEquals(it.classes().classOf(c.personId()), labels.getInt(r));
        assertArrayEquals(vocab.encode(c.caption(), 12), tokens.getRow(r).toIntVector());
        assertEquals(loader.load(ds.resolve(c.imagePath())), images.slice(r));
      }
      // P groups of K rows share a label
      for (int g = 0; g < 4; g++) {
        assertEquals(labels.getInt(2 * g), labels.getInt(2 * g + 1));
      }
      assertThrows(UnsupportedOperationException.class, () -> it.next(3));
      assertFalse(it.asyncSupported());
    }
  }

  private static List<MultiDataSet> run(PkTrainingIterator it, int epochs) {
    List<MultiDataSet> out = new ArrayList<>();
    for (int e = 0; e < epochs; e++) {
      if (e > 0) {
        it.reset();
      }
      while (it.hasNext()) {
        out.add(it.next());
      }
    }
    return out;
  }

  private static void assertSame(MultiDataSet a, MultiDataSet b) {
    assertEquals(a.getFeatures(0), b.getFeatures(0));
    assertEquals(a.getFeatures(1), b.getFeatures(1));
    assertEquals(a.getLabels(0), b.getLabels(0));
  }

  @Test
  void sameSeedGivesBitIdenticalBatchesWhateverTheThreads() {
    Augmentation aug = new Augmentation(true, 3);
    List<MultiDataSet> sync;
    List<MultiDataSet> async;
    try (PkTrainingIterator a = iterator(aug, 0);
        PkTrainingIterator b = iterator(aug, 3)) {
      sync = run(a, 2);
      async = run(b, 2);
      assertEquals(a.batchesInEpoch(0) + a.batchesInEpoch(1), sync.size());
      assertEquals(1, b.epoch());
    }
    assertEquals(sync.size(), async.size());
    for (int i = 0; i < sync.size(); i++) {
      assertSame(sync.get(i), async.get(i));
    }
    // augmentation changed something (not all flips are no-ops)
    try (PkTrainingIterator plain = iterator(Augmentation.NONE, 1)) {
      assertNotEquals(plain.next().getFeatures(0), sync.get(0).getFeatures(0));
    }
  }

  @Test
  void resetToResumesExactlyWhereAnUninterruptedRunWouldBe() {
    Augmentation aug = new Augmentation(true, 3);
    List<MultiDataSet> full;
    int firstEpoch;
    try (PkTrainingIterator it = iterator(aug, 2)) {
      firstEpoch = it.batchesInEpoch();
      full = run(it, 2);
    }
    try (PkTrainingIterator it = iterator(aug, 2)) {
      it.resetTo(1, 3);
      assertEquals(1, it.epoch());
      assertEquals(3, it.batchIndex());
      assertSame(full.get(firstEpoch + 3), it.next());
      assertEquals(4, it.batchIndex());
      // reset() on a started epoch moves to the next one
      it.reset();
      assertEquals(2, it.epoch());
      assertEquals(0, it.batchIndex());
      // reset() on an untouched epoch stays
      it.reset();
      assertEquals(2, it.epoch());
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> it.resetTo(0, 1000));
      assertTrue(e.getMessage().startsWith("batch index 1000 out of range [0, "), e.getMessage());
    }
  }

  @Test
  void similarIdentityBatchesStartFromTheAnchorsCaptionNeighbours() {
    try (PkTrainingIterator it =
        new PkTrainingIterator(
            ds,
            vocab,
            loader,
            new PkTrainingIterator.Config(4, 2, 12, Augmentation.NONE, 5, 1, 3, 3))) {
      int[] labels = new int[it.samples().size()];
      int[][] tokens = new int[labels.length][];
      for (int i = 0; i < labels.length; i++) {
        CaptionRecord c = it.samples().get(i);
        labels[i] = it.classes().classOf(c.personId());
        tokens[i] = vocab.encode(c.caption(), 12);
      }
      int[][] near = CaptionNeighbours.of(labels, tokens, 2, 3);
      int[] rows = it.batchSamples(0, 0);
      int anchor = labels[rows[0]];
      for (int g = 1; g < 4; g++) {
        assertEquals(near[anchor][g - 1], labels[rows[2 * g]], "group " + g + " of batch 0");
      }
      MultiDataSet first = it.next();
      assertArrayEquals(new long[] {8}, first.getLabels(0).shape());
      assertEquals(anchor, first.getLabels(0).getInt(0));
    }
  }

  @Test
  void negativeSimilarIdentitiesIsRejectedByName() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new PkTrainingIterator.Config(4, 2, 12, Augmentation.NONE, 5, 1, 3, -1));
    assertTrue(e.getMessage().contains("similarIdentities must be >= 0, got -1"), e.getMessage());
  }

  @Test
  void preProcessorIsApplied() {
    try (PkTrainingIterator it = iterator(Augmentation.NONE, 0)) {
      it.setPreProcessor(m -> m.getFeatures(0).muli(0));
      assertEquals(0.0, it.next().getFeatures(0).sumNumber().doubleValue());
    }
  }

  /**
   * A caption that names a side keeps its image unmirrored: with every caption saying "left" the
   * flipping iterator hands out exactly the images of the non-flipping one; on the original
   * captions it does mirror some.
   */
  @Test
  void imagesWhoseCaptionNamesASideAreNeverFlipped() throws Exception {
    Path sided = dir.resolve("sided");
    java.nio.file.Files.createDirectories(sided);
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    var entries = json.readTree(dir.resolve("s").resolve("reid_raw.json").toFile());
    for (var e : entries) {
      var caps = (com.fasterxml.jackson.databind.node.ArrayNode) e.get("captions");
      for (int i = 0; i < caps.size(); i++) {
        caps.set(i, caps.get(i).asText() + " The bag is on her left.");
      }
      ((com.fasterxml.jackson.databind.node.ObjectNode) e).remove("processed_tokens");
    }
    json.writeValue(sided.resolve("reid_raw.json").toFile(), entries);
    copyTree(dir.resolve("s").resolve("imgs"), sided.resolve("imgs"));
    PedesDataset left = PedesDataset.load(DatasetFormat.CUHK_PEDES, sided).requireUsable();
    Augmentation flip = new Augmentation(true, 0);
    PkTrainingIterator.Config flipping = new PkTrainingIterator.Config(4, 2, 12, flip, 5, 1, 3);
    PkTrainingIterator.Config plain =
        new PkTrainingIterator.Config(4, 2, 12, Augmentation.NONE, 5, 1, 3);
    Vocabulary v = left.vocabulary(1);
    int differing = 0;
    try (PkTrainingIterator a = new PkTrainingIterator(left, v, loader, flipping);
        PkTrainingIterator b = new PkTrainingIterator(left, v, loader, plain);
        PkTrainingIterator c = new PkTrainingIterator(ds, vocab, loader, flipping);
        PkTrainingIterator d = new PkTrainingIterator(ds, vocab, loader, plain)) {
      while (a.hasNext()) {
        assertEquals(b.next().getFeatures(0), a.next().getFeatures(0), "never mirrored");
      }
      while (c.hasNext()) {
        differing += c.next().getFeatures(0).equals(d.next().getFeatures(0)) ? 0 : 1;
      }
    }
    assertTrue(differing > 0, "without a side in the captions some images are mirrored");
    assertTrue(PkTrainingIterator.mentionsASide(List.of("a", "leftmost", "bag")));
    assertTrue(PkTrainingIterator.mentionsASide(List.of("right")));
    assertTrue(!PkTrainingIterator.mentionsASide(List.of("bright", "red", "shirt")));
  }

  private static void copyTree(Path from, Path to) throws java.io.IOException {
    try (var walk = java.nio.file.Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (java.nio.file.Files.isDirectory(p)) {
          java.nio.file.Files.createDirectories(t);
        } else {
          java.nio.file.Files.copy(p, t);
        }
      }
    }
  }

  @Test
  void galleryAndQueryIteratorsWalkTheSplitInFileOrder() throws Exception {
    long[] galleryIds = GalleryIterator.personIds(ds, Split.TEST);
    List<String> paths = GalleryIterator.imagePaths(ds, Split.TEST);
    int seen = 0;
    try (GalleryIterator g = new GalleryIterator(ds, Split.TEST, loader, 3, 2)) {
      assertEquals(galleryIds.length, g.size());
      while (g.hasNext()) {
        GalleryIterator.Batch b = g.next();
        assertEquals(seen, b.offset());
        for (int i = 0; i < b.personIds().length; i++) {
          assertEquals(galleryIds[seen + i], b.personIds()[i]);
          assertEquals(paths.get(seen + i), b.imagePaths().get(i));
          assertEquals(loader.load(ds.resolve(paths.get(seen + i))), b.images().slice(i));
        }
        seen += b.personIds().length;
      }
    }
    assertEquals(galleryIds.length, seen);
    long[] queryIds = QueryIterator.personIds(ds, Split.TEST);
    QueryIterator q = new QueryIterator(ds, Split.TEST, vocab, 10, 4);
    assertEquals(2 * galleryIds.length, q.size());
    int n = 0;
    while (q.hasNext()) {
      QueryIterator.Batch b = q.next();
      assertEquals(DataType.INT, b.tokens().dataType());
      for (int i = 0; i < b.personIds().length; i++) {
        assertEquals(queryIds[n + i], b.personIds()[i]);
        assertArrayEquals(
            vocab.encode(ds.captions(Split.TEST).get(n + i).caption(), 10),
            b.tokens().getRow(i).toIntVector());
      }
      n += b.personIds().length;
    }
    assertEquals(queryIds.length, n);
  }

  @Test
  void aMissingImageFailsTheBatchWithTheFileName() throws Exception {
    Path root = Fixtures.root("cuhk");
    PedesDataset broken =
        PedesDataset.load(
            DatasetFormat.CUHK_PEDES,
            root,
            root.resolve("bad-missing-image.json"),
            ReadOptions.defaults().withImageCheck(ImageCheck.NONE));
    try (PkTrainingIterator it =
        new PkTrainingIterator(
            broken,
            broken.vocabulary(1),
            new ImageLoader(ImageSettings.imagenet(16, 8)),
            new PkTrainingIterator.Config(2, 2, 5, Augmentation.NONE, 1, 1, 1))) {
      UncheckedIOException e =
          assertThrows(
              UncheckedIOException.class,
              () -> {
                while (it.hasNext()) {
                  it.next();
                }
              });
      assertTrue(e.getCause() instanceof NoSuchFileException);
      assertTrue(e.getCause().getMessage().endsWith("does_not_exist.jpg"), e.getMessage());
    }
  }
}
