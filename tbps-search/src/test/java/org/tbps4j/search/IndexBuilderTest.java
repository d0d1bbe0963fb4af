package org.tbps4j.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tbps4j.data.image.ImageFiles;
import org.tbps4j.data.image.ImageLoader;
import org.tbps4j.model.search.Embedder;
import org.tbps4j.model.search.Progress;
import org.tbps4j.search.index.IndexHit;
import org.tbps4j.search.index.IndexInfo;
import org.tbps4j.search.index.LuceneIndex;
import org.tbps4j.search.index.SearchMode;

/** Building, resuming, adding to and removing from an index with a (micro, untrained) model. */
class IndexBuilderTest {
  @TempDir static Path shared;
  static ModelBundle bundle;
  static Path images;

  @BeforeAll
  static void setUp() throws IOException {
    bundle = ModelBundle.open(MicroBundle.save(shared.resolve("model.zip"), 1));
    images = shared.resolve("images");
    Planted.images(images, Planted.paths(23));
  }

  private static IndexBuilder builder(int commitEvery, List<String> warnings) {
    return new IndexBuilder(
        bundle,
        new IndexBuilder.Options(5, 2, commitEvery, 16, 100, true),
        Progress.NONE,
        warnings::add);
  }

  /**
   * The embeddings of the files, decoded one by one and embedded outside the loop: the reference.
   */
  private static float[][] reference(List<ImageItem> items) throws IOException {
    ImageLoader l = bundle.loader();
    List<java.nio.file.Path> files = items.stream().map(ImageItem::file).toList();
    INDArray x = l.loadBatch(files);
    return new Embedder(bundle.model(), 64).embedImages(x).toFloatMatrix();
  }

  @Test
  void buildEmbedsEveryImageAsTheModelDoesAndRecordsTheModel(@TempDir Path tmp) throws Exception {
    List<String> warnings = new ArrayList<>();
    List<ImageItem> items = ImageSources.folder(images, warnings::add);
    assertEquals(23, items.size());
    IndexBuilder.Report r;
    try (LuceneIndex idx = LuceneIndex.openWritable(tmp.resolve("idx"), 16, 100)) {
      r = builder(7, warnings).build(idx, images, "images:" + images, items);
    }
    assertEquals(23, r.embedded());
    assertEquals(0, r.alreadyIndexed());
    assertEquals(23, r.size());
    assertEquals(List.of(), warnings);
    float[][] ref = reference(items);
    try (LuceneIndex idx = LuceneIndex.openReadOnly(tmp.resolve("idx"))) {
      IndexInfo info = idx.info().orElseThrow();
      assertEquals(bundle.contentHash(), info.modelHash());
      assertEquals(ModelBundle.sha256(shared.resolve("model.zip")), info.modelHash());
      assertEquals(bundle.dim(), info.dim());
      assertTrue(info.complete());
      assertEquals(images.toAbsolutePath().toString(), info.imageRoot());
      assertEquals(1, idx.segments());
      // each image is found first with its own embedding, at cosine 1, with its size
      for (int i = 0; i < items.size(); i++) {
        IndexHit top = idx.search(ref[i], 1, SearchMode.EXACT).get(0);
        assertEquals(1.0, top.score(), 1e-4, items.get(i).path());
        float[] self = ref[i];
        long same =
            java.util.stream.IntStream.range(0, ref.length)
                .filter(j -> java.util.Arrays.equals(ref[j], self))
                .count();
        if (same == 1) {
          assertEquals(items.get(i).path(), top.image().path());
        }
        assertEquals(16, top.image().width());
        assertEquals(32, top.image().height());
        assertFalse(top.image().hasId());
      }
    }
  }

  @Test
  void aKilledBuildResumesWithoutEmbeddingAgainAndAddRemoveWork(@TempDir Path tmp)
      throws Exception {
    List<ImageItem> items = ImageSources.folder(images, w -> {});
    Path dir = tmp.resolve("idx");
    // "killed" after 10 images: what was committed (every 5) stays, the rest is dropped
    try (LuceneIndex idx = LuceneIndex.openWritable(dir, 16, 100)) {
      IndexBuilder b = builder(5, new ArrayList<>());
      RuntimeException kill =
          assertThrows(
              RuntimeException.class,
              () -> b.build(new FailingAfter(idx, 12), images, "images:" + images, items));
      assertEquals("killed", kill.getMessage());
    }
    Set<String> kept;
    try (LuceneIndex idx = LuceneIndex.openReadOnly(dir)) {
      kept = idx.paths();
      assertEquals(10, kept.size());
      assertFalse(idx.info().orElseThrow().complete());
    }
    // another source is refused; the same one resumes
    try (LuceneIndex idx = LuceneIndex.openWritable(dir, 16, 100)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> builder(5, new ArrayList<>()).build(idx, images, "images:/elsewhere", items));
      assertTrue(e.getMessage().contains("was built from images:" + images), e.getMessage());
      IndexBuilder.Report r =
          builder(5, new ArrayList<>()).build(idx, images, "images:" + images, items);
      assertEquals(13, r.embedded());
      assertEquals(10, r.alreadyIndexed());
      assertEquals(23, r.size());
      // complete now: building again is refused
      IllegalArgumentException again =
          assertThrows(
              IllegalArgumentException.class,
              () -> builder(5, new ArrayList<>()).build(idx, images, "images:" + images, items));
      assertTrue(again.getMessage().contains("is complete (23 images)"), again.getMessage());
    }
    // add: only what is new
    Planted.images(images.resolve("new"), List.of("n1.jpg", "n2.jpg"));
    try (LuceneIndex idx = LuceneIndex.openWritable(dir, 16, 100)) {
      List<ImageItem> now = ImageSources.folder(images, w -> {});
      IndexBuilder.Report r = builder(5, new ArrayList<>()).add(idx, now);
      assertEquals(2, r.embedded());
      assertEquals(23, r.alreadyIndexed());
      assertEquals(25, r.size());
      assertEquals(2, IndexBuilder.remove(idx, List.of("new/n1.jpg", "new/n2.jpg", "nope.jpg")));
      assertEquals(23, idx.size());
      assertTrue(idx.info().orElseThrow().complete());
    } finally {
      Files.delete(images.resolve("new/n1.jpg"));
      Files.delete(images.resolve("new/n2.jpg"));
      Files.delete(images.resolve("new"));
    }
  }

  @Test
  void anotherModelIsRefusedAndBadImagesAreSkippedAndNamed(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("idx");
    Path root = tmp.resolve("imgs");
    Planted.images(root, List.of("a.jpg", "b.jpg", "c.jpg"));
    Files.writeString(root.resolve("b.jpg"), "not an image");
    List<String> warnings = new ArrayList<>();
    try (LuceneIndex idx = LuceneIndex.openWritable(dir, 16, 100)) {
      IndexBuilder.Report r =
          builder(100, warnings)
              .build(idx, root, "images:" + root, ImageSources.folder(root, w -> {}));
      assertEquals(2, r.embedded());
      assertEquals(1, r.skipped());
    }
    assertEquals(1, warnings.size());
    assertTrue(warnings.get(0).startsWith("skipped b.jpg: "), warnings.get(0));
    ModelBundle other = ModelBundle.open(MicroBundle.save(tmp.resolve("other.zip"), 2));
    try (LuceneIndex idx = LuceneIndex.openWritable(dir, 16, 100)) {
      IndexBuilder b =
          new IndexBuilder(other, IndexBuilder.Options.defaults(), Progress.NONE, w -> {});
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> b.add(idx, List.of()));
      assertTrue(
          e.getMessage().startsWith(dir + " was built with another model (sha256 "),
          e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> Searcher.of(other, idx));
      Searcher.of(bundle, idx); // the right one is accepted
    }
  }

  @Test
  void foldersNeverYieldFilesOutsideTheirRoot(@TempDir Path tmp) throws Exception {
    Path root = tmp.resolve("imgs");
    Planted.images(root, List.of("in.jpg", "sub/in2.jpg", ".hidden/h.jpg"));
    Planted.images(tmp, List.of("outside.jpg"));
    Files.createSymbolicLink(root.resolve("link.jpg"), tmp.resolve("outside.jpg"));
    Files.createSymbolicLink(root.resolve("inner-link.jpg"), root.resolve("in.jpg"));
    List<String> warnings = new ArrayList<>();
    List<ImageItem> items = ImageSources.folder(root, warnings::add);
    assertEquals(
        List.of("in.jpg", "inner-link.jpg", "sub/in2.jpg"),
        items.stream().map(ImageItem::path).toList());
    assertEquals(1, warnings.size());
    assertTrue(
        warnings.get(0).contains("link.jpg") && warnings.get(0).contains("outside the image root"),
        warnings.get(0));
    // add: a file outside the root, by name or through a link, is refused
    assertThrows(
        IllegalArgumentException.class,
        () -> ImageSources.files(root, List.of(tmp.resolve("outside.jpg")), w -> {}));
    assertThrows(
        IllegalArgumentException.class,
        () -> ImageSources.files(root, List.of(root.resolve("link.jpg")), w -> {}));
    assertEquals(
        "sub/in2.jpg",
        ImageSources.files(root, List.of(root.resolve("sub/in2.jpg")), w -> {}).get(0).path());
    // resolve: stored paths that climb, and links out
    Path real = root.toRealPath();
    for (String bad :
        List.of("../outside.jpg", "/etc/passwd", "sub/../../outside.jpg", "link.jpg")) {
      assertThrows(IllegalArgumentException.class, () -> SafeImages.resolve(real, bad), bad);
    }
    assertEquals(real.resolve("in.jpg"), SafeImages.resolve(real, "inner-link.jpg"));
    // the pixel limit is checked from the header, before decoding
    System.setProperty(ImageFiles.MAX_PIXELS_PROPERTY, "100");
    try {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> SafeImages.size(root.resolve("in.jpg")));
      assertTrue(
          e.getMessage().contains("16x32 pixels is above the limit of 100 pixels"), e.getMessage());
      assertThrows(
          IllegalArgumentException.class,
          () -> SafeImages.thumbnailJpeg(root.resolve("in.jpg"), 10, 10));
    } finally {
      System.clearProperty(ImageFiles.MAX_PIXELS_PROPERTY);
    }
    byte[] jpeg = SafeImages.thumbnailJpeg(root.resolve("in.jpg"), 8, 8);
    assertArrayEquals(new byte[] {(byte) 0xff, (byte) 0xd8}, java.util.Arrays.copyOf(jpeg, 2));
    java.awt.image.BufferedImage t =
        javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(jpeg));
    assertEquals(4, t.getWidth());
    assertEquals(8, t.getHeight());
    Set<String> seen = new HashSet<>();
    items.forEach(i -> seen.add(i.file().getParent().toString()));
    assertTrue(seen.stream().allMatch(p -> p.startsWith(real.toString())));
  }

  /** An index that throws ("killed") once more than n images were added. */
  private static final class FailingAfter implements org.tbps4j.search.index.VectorIndex {
    private final LuceneIndex inner;
    private final int n;
    private int added;

    FailingAfter(LuceneIndex inner, int n) {
      this.inner = inner;
      this.n = n;
    }

    @Override
    public java.util.Optional<IndexInfo> info() throws IOException {
      return inner.info();
    }

    @Override
    public long size() throws IOException {
      return inner.size();
    }

    @Override
    public Set<String> paths() throws IOException {
      return inner.paths();
    }

    @Override
    public java.util.Optional<org.tbps4j.search.index.IndexedImage> get(String path)
        throws IOException {
      return inner.get(path);
    }

    @Override
    public void add(List<org.tbps4j.search.index.IndexedImage> images, float[][] vectors)
        throws IOException {
      added += images.size();
      if (added > n) {
        throw new RuntimeException("killed");
      }
      inner.add(images, vectors);
    }

    @Override
    public long remove(java.util.Collection<String> paths) throws IOException {
      return inner.remove(paths);
    }

    @Override
    public void commit(IndexInfo info) throws IOException {
      inner.commit(info);
    }

    @Override
    public List<IndexHit> search(float[] query, int k, SearchMode mode) throws IOException {
      return inner.search(query, k, mode);
    }

    @Override
    public String describe() {
      return inner.describe();
    }

    @Override
    public void close() {}
  }
}
