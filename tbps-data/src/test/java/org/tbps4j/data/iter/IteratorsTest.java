package org.tbps4j.data.iter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.nd4j.linalg.factory.Nd4j;
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
import org.tbps4j.data.sample.Seeds;
import org.tbps4j.data.synth.SynthConfig;
import org.tbps4j.data.synth.SyntheticDataset;
import org.tbps4j.data.text.CaptionEncoder;
import org.tbps4j.data.text.TokenShift;
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
      TrainingBatch m = it.next();
      INDArray images = m.images();
      INDArray tokens = m.tokens();
      INDArray labels = m.labels();
      assertEquals(8, m.size());
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
    }
  }

  private static List<TrainingBatch> run(PkTrainingIterator it, int epochs) {
    List<TrainingBatch> out = new ArrayList<>();
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

  private static void assertSame(TrainingBatch a, TrainingBatch b) {
    assertEquals(a.images(), b.images());
    assertEquals(a.tokens(), b.tokens());
    assertEquals(a.labels(), b.labels());
  }

  @Test
  void sameSeedGivesBitIdenticalBatchesWhateverTheThreads() {
    Augmentation aug = new Augmentation(true, 3);
    List<TrainingBatch> sync;
    List<TrainingBatch> async;
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
      assertNotEquals(plain.next().images(), sync.get(0).images());
    }
  }

  @Test
  void resetToResumesExactlyWhereAnUninterruptedRunWouldBe() {
    Augmentation aug = new Augmentation(true, 3);
    List<TrainingBatch> full;
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
      TrainingBatch first = it.next();
      assertArrayEquals(new long[] {8}, first.labels().shape());
      assertEquals(anchor, first.labels().getInt(0));
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

  /**
   * The text shift happens in the iterator, next to the image augmentation: a shifting iterator's
   * batch at step s (its position from the first batch of epoch 0) is the plain iterator's batch
   * with its tokens shifted by {@code TokenShift.apply(tokens, L, s)}, images and labels untouched,
   * also after {@code resetTo} into a later epoch.
   */
  @Test
  void theTextShiftIsAppliedToEachBatchAtItsStep() {
    TokenShift shift = TokenShift.seeded(Seeds.derive(3, "shift"));
    Augmentation aug = new Augmentation(true, 3);
    // 40 tokens: room to move most captions (a caption that fills the length stays)
    PkTrainingIterator.Config plainConfig = new PkTrainingIterator.Config(4, 2, 40, aug, 5, 2, 3);
    List<TrainingBatch> plain;
    List<TrainingBatch> shifted;
    int firstEpoch;
    try (PkTrainingIterator a = new PkTrainingIterator(ds, vocab, loader, plainConfig);
        PkTrainingIterator b =
            new PkTrainingIterator(ds, vocab, loader, plainConfig.withTextShift(shift))) {
      firstEpoch = a.batchesInEpoch(0);
      plain = run(a, 3);
      shifted = run(b, 3);
    }
    assertEquals(plain.size(), shifted.size());
    int moved = 0;
    for (int step = 0; step < plain.size(); step++) {
      TrainingBatch p = plain.get(step);
      TrainingBatch s = shifted.get(step);
      assertEquals(p.images(), s.images());
      assertEquals(p.labels(), s.labels());
      int[] want = p.tokens().dup('c').data().asInt();
      shift.apply(want, 40, step);
      assertArrayEquals(want, s.tokens().dup('c').data().asInt(), "step " + step);
      assertEquals(DataType.INT, s.tokens().dataType());
      moved += p.tokens().equals(s.tokens()) ? 0 : 1;
    }
    assertTrue(moved > plain.size() / 2, moved + " of " + plain.size() + " batches shifted");
    // a fresh iterator moved straight into epoch 2 knows the step of its batches
    try (PkTrainingIterator c =
        new PkTrainingIterator(ds, vocab, loader, plainConfig.withTextShift(shift))) {
      int secondEpoch = c.batchesInEpoch(1);
      c.resetTo(2, 1);
      assertSame(shifted.get(firstEpoch + secondEpoch + 1), c.next());
      c.resetTo(1, 0);
      assertSame(shifted.get(firstEpoch), c.next());
    }
  }

  @Test
  void aTextShiftNeedsTokenIdsNotEncodedCaptions() {
    PkTrainingIterator.Config shifting =
        new PkTrainingIterator.Config(4, 2, 12, Augmentation.NONE, 5, 1, 3)
            .withTextShift(TokenShift.seeded(1));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new PkTrainingIterator(
                    ds, vocab, loader, shifting, null, CaptionEncoder.words(vocab, 12)));
    assertTrue(e.getMessage().startsWith("the text shift moves token ids"), e.getMessage());
    IllegalArgumentException n =
        assertThrows(
            IllegalArgumentException.class,
            () -> new PkTrainingIterator.Config(4, 2, 12, Augmentation.NONE, 5, 1, 3, 0, null));
    assertTrue(n.getMessage().contains("textShift must not be null"), n.getMessage());
  }

  @Test
  void aTrainingBatchNamesItsArraysAndChecksTheirRows() {
    INDArray images = Nd4j.zeros(DataType.FLOAT, 2, 3, 4, 2);
    INDArray tokens = Nd4j.zeros(DataType.INT, 2, 5);
    TrainingBatch b = new TrainingBatch(images, tokens, Nd4j.createFromArray(0, 1));
    assertEquals(2, b.size());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new TrainingBatch(images, tokens, Nd4j.createFromArray(0, 1, 2)));
    assertEquals("batch sizes differ: images 2, tokens 2, labels 3", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new TrainingBatch(images, null, Nd4j.createFromArray(0, 1)));
    assertEquals(
        "a training batch needs images, tokens and labels (got images, no tokens, labels)",
        e.getMessage());
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
        assertEquals(b.next().images(), a.next().images(), "never mirrored");
      }
      while (c.hasNext()) {
        differing += c.next().images().equals(d.next().images()) ? 0 : 1;
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
