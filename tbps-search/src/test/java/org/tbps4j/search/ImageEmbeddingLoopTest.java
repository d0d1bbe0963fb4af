package org.tbps4j.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tbps4j.data.DatasetFormat;
import org.tbps4j.data.ImageRecord;
import org.tbps4j.data.PedesDataset;
import org.tbps4j.data.Split;
import org.tbps4j.data.image.ImageDecodeException;
import org.tbps4j.data.synth.SynthConfig;
import org.tbps4j.data.synth.SyntheticDataset;
import org.tbps4j.model.search.Embedder;
import org.tbps4j.model.search.Embeddings;
import org.tbps4j.model.search.ImageEmbedding;
import org.tbps4j.model.search.Progress;

/**
 * The project's one image-embedding loop against the obvious slow way: every image decoded and
 * embedded on its own, one forward pass per image. Batching, decoding ahead on worker threads and
 * skipping bad files must not change any image's embedding.
 */
class ImageEmbeddingLoopTest {
  @TempDir static Path shared;
  static ModelBundle bundle;
  static List<ImageItem> items;

  @BeforeAll
  static void setUp() throws IOException {
    bundle = ModelBundle.open(MicroBundle.save(shared.resolve("model.zip"), 5));
    Path root = shared.resolve("images");
    Random rnd = new Random(11);
    items = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      // random pixels of varied sizes: every image embeds differently
      BufferedImage img = new BufferedImage(12 + i, 30 + 2 * i, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < img.getHeight(); y++) {
        for (int x = 0; x < img.getWidth(); x++) {
          img.setRGB(x, y, rnd.nextInt(1 << 24));
        }
      }
      Path f = root.resolve("cam" + (i % 2) + "/p" + i + ".png");
      Files.createDirectories(f.getParent());
      ImageIO.write(img, "png", f.toFile());
      items.add(new ImageItem(SafeImages.stored(root, f), i, f));
    }
  }

  /** One image, one forward pass. */
  private static float[] alone(Path file) throws IOException {
    INDArray x = bundle.loader().load(file);
    INDArray batch = x.reshape(1, x.size(0), x.size(1), x.size(2));
    return new Embedder(bundle.model(), 1).embedImages(batch).toFloatMatrix()[0];
  }

  private static void assertRowsEqual(List<Path> files, float[][] rows) throws IOException {
    assertEquals(files.size(), rows.length);
    for (int i = 0; i < rows.length; i++) {
      float[] ref = alone(files.get(i));
      for (int j = 0; j < ref.length; j++) {
        assertEquals(ref[j], rows[i][j], 1e-5, files.get(i) + " component " + j);
      }
    }
  }

  @Test
  void theLoopEqualsEmbeddingEachImageOnItsOwnAndIsDeterministic() throws Exception {
    float[][] a = Searcher.embedImages(bundle, items, 4, 2, Progress.NONE).global().toFloatMatrix();
    assertRowsEqual(items.stream().map(ImageItem::file).toList(), a);
    // the images differ, so the comparison is not vacuous
    assertTrue(Math.abs(a[0][0] - a[1][0]) + Math.abs(a[0][1] - a[1][1]) > 1e-4);
    // same items, same batch size: bit-identical whatever the number of decoding threads
    float[][] b = Searcher.embedImages(bundle, items, 4, 0, Progress.NONE).global().toFloatMatrix();
    for (int i = 0; i < a.length; i++) {
      assertArrayEquals(a[i], b[i], "row " + i);
    }
  }

  @Test
  void batchesComeInOrderWithSizesProgressAndSkippedFilesNamed() throws Exception {
    Path bad = shared.resolve("images/cam0/broken.png");
    Files.write(bad, new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
    List<ImageItem> withBad = new ArrayList<>(items);
    withBad.add(5, new ImageItem("cam0/broken.png", 99, bad));
    List<Integer> offsets = new ArrayList<>();
    List<ImageItem> seen = new ArrayList<>();
    List<float[]> rows = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    long[] progress = {0, 0};
    Progress p =
        new Progress() {
          @Override
          public void start(String what, long total) {
            progress[0] = total;
          }

          @Override
          public void advance(long n) {
            progress[1] += n;
          }

          @Override
          public void done() {}
        };
    ImageEmbedding<ImageItem> loop = bundle.imageLoop(4, 2);
    long n =
        loop.run(
            withBad,
            ImageEmbedding.OnBadImage.SKIP,
            p,
            new ImageEmbedding.Sink<>() {
              @Override
              public void accept(ImageEmbedding.Batch<ImageItem> b) {
                offsets.add(b.offset());
                seen.addAll(b.items());
                for (int i = 0; i < b.items().size(); i++) {
                  assertEquals(12 + b.items().get(i).personId(), b.widths()[i]);
                  assertEquals(30 + 2 * b.items().get(i).personId(), b.heights()[i]);
                }
                rows.addAll(List.of(b.global().toFloatMatrix()));
              }

              @Override
              public void skipped(ImageItem item, String reason) {
                skipped.add(item.path() + " | " + reason);
              }
            });
    assertEquals(items.size(), n);
    assertEquals(List.of(0, 4, 8), offsets);
    assertEquals(items, seen);
    assertEquals(1, skipped.size(), skipped.toString());
    assertTrue(skipped.get(0).startsWith("cam0/broken.png | "), skipped.get(0));
    assertTrue(skipped.get(0).contains("broken.png"), "the reason names the file");
    assertEquals(withBad.size(), progress[0]);
    assertEquals(withBad.size(), progress[1]);
    assertRowsEqual(items.stream().map(ImageItem::file).toList(), rows.toArray(new float[0][]));

    ImageDecodeException e =
        assertThrows(
            ImageDecodeException.class,
            () -> Searcher.embedImages(bundle, withBad, 4, 2, Progress.NONE));
    assertTrue(e.getMessage().contains("broken.png"), e.getMessage());
    Files.delete(bad);
  }

  @Test
  void aDatasetSplitEmbedsInGalleryOrderAsEachImageAlone(@TempDir Path tmp) throws Exception {
    Path root = tmp.resolve("synthetic");
    SyntheticDataset.generate(new SynthConfig(20, 2, 3, 5, 32, 16, 1), root);
    PedesDataset ds = PedesDataset.load(DatasetFormat.CUHK_PEDES, root).requireUsable();
    Embeddings e = Searcher.embedSplit(bundle, ds, Split.TEST, 3, 1, Progress.NONE);
    List<Path> files = new ArrayList<>();
    for (ImageRecord r : ds.images(Split.TEST)) {
      files.add(ds.imageFile(r.imagePath()));
    }
    assertTrue(files.size() > 3, "more than one batch");
    assertRowsEqual(files, e.global().toFloatMatrix());
  }
}
