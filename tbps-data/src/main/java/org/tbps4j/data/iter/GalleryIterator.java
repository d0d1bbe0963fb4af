package org.tbps4j.data.iter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tbps4j.data.ImageRecord;
import org.tbps4j.data.PedesDataset;
import org.tbps4j.data.Split;
import org.tbps4j.data.image.Augmentation;
import org.tbps4j.data.image.ImageDecodeException;
import org.tbps4j.data.image.ImageLoader;

/**
 * Evaluation: the unique images of a split, in file order (the gallery order of docs/metrics.md),
 * in batches without augmentation, decoded ahead on worker threads. Batch {@code b} holds gallery
 * items {@code [b·batchSize, min((b+1)·batchSize, G))}.
 */
public final class GalleryIterator implements Iterator<GalleryIterator.Batch>, AutoCloseable {
  private final PedesDataset dataset;
  private final List<ImageRecord> images;
  private final ImageLoader loader;
  private final int batchSize;
  private final Prefetcher<Batch> prefetcher;
  private final DecodeFailures failures;

  /**
   * One batch of gallery images.
   *
   * @param images FLOAT {@code [n, 3, H, W]}
   * @param personIds person id of each image, length n
   * @param imagePaths image path (relative to the dataset root) of each image
   * @param offset gallery index of the first image
   */
  public record Batch(INDArray images, long[] personIds, List<String> imagePaths, int offset) {}

  /**
   * Creates the iterator.
   *
   * @param dataset the dataset
   * @param split the split whose images form the gallery
   * @param loader decoding and normalisation
   * @param batchSize images per batch (≥ 1)
   * @param workers decoding threads (0 = caller's thread)
   * @throws IllegalArgumentException if {@code batchSize < 1}
   */
  public GalleryIterator(
      PedesDataset dataset, Split split, ImageLoader loader, int batchSize, int workers) {
    this(dataset, split, loader, batchSize, workers, null);
  }

  /**
   * Creates the iterator; images that cannot be decoded are recorded and replaced by a blank
   * (mean-colour) image instead of failing, when {@code failures} is given.
   *
   * @param dataset the dataset
   * @param split the split whose images form the gallery
   * @param loader decoding and normalisation
   * @param batchSize images per batch (≥ 1)
   * @param workers decoding threads (0 = caller's thread)
   * @param failures where undecodable images are recorded, or null to fail on them
   * @throws IllegalArgumentException if {@code batchSize < 1}
   */
  public GalleryIterator(
      PedesDataset dataset,
      Split split,
      ImageLoader loader,
      int batchSize,
      int workers,
      DecodeFailures failures) {
    this.failures = failures;
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    this.dataset = dataset;
    this.images = dataset.images(split);
    this.loader = loader;
    this.batchSize = batchSize;
    this.prefetcher = new Prefetcher<>(workers, Math.max(1, 2 * workers), "tbps-gallery");
    prefetcher.restart(this::build, 0, (images.size() + batchSize - 1) / batchSize);
  }

  /**
   * Person ids of the whole gallery, in gallery order.
   *
   * @param dataset the dataset
   * @param split the split
   * @return one id per image
   */
  public static long[] personIds(PedesDataset dataset, Split split) {
    return dataset.images(split).stream().mapToLong(ImageRecord::personId).toArray();
  }

  /**
   * Image paths of the whole gallery, in gallery order.
   *
   * @param dataset the dataset
   * @param split the split
   * @return one path (relative to the root) per image
   */
  public static List<String> imagePaths(PedesDataset dataset, Split split) {
    return dataset.images(split).stream().map(ImageRecord::imagePath).toList();
  }

  /**
   * Gallery size.
   *
   * @return G, the number of images
   */
  public int size() {
    return images.size();
  }

  @Override
  public boolean hasNext() {
    return prefetcher.hasNext();
  }

  @Override
  public Batch next() {
    if (!hasNext()) {
      throw new NoSuchElementException("gallery exhausted");
    }
    return prefetcher.next();
  }

  @Override
  public void close() {
    prefetcher.close();
  }

  private Batch build(int b) throws IOException {
    int from = b * batchSize;
    int to = Math.min(images.size(), from + batchSize);
    int n = to - from;
    int per = loader.settings().floatsPerImage();
    float[] buf = new float[n * per];
    long[] ids = new long[n];
    List<String> paths = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ImageRecord r = images.get(from + i);
      decodeInto(dataset, loader, failures, r, buf, i * per);
      ids[i] = r.personId();
      paths.add(r.imagePath());
    }
    INDArray arr =
        Nd4j.create(
            buf,
            new long[] {n, 3, loader.settings().height(), loader.settings().width()},
            DataType.FLOAT);
    return new Batch(arr, ids, List.copyOf(paths), from);
  }

  /**
   * Decodes one gallery image into a batch buffer exactly as the iterator does (the per-image step
   * of the image-embedding loop for a dataset split): resolved inside the dataset root, decoded
   * with the model's preprocessing, no augmentation; when {@code failures} is given an undecodable
   * image is recorded and replaced by a blank (mean-colour) image.
   *
   * @param dataset the dataset (resolves the image path inside its root)
   * @param loader decoding and normalisation
   * @param failures where undecodable images are recorded, or null to fail on them
   * @param image the image
   * @param dst the batch buffer
   * @param offset where the image's {@code 3·H·W} floats start
   * @throws IOException when the image cannot be read or decoded (and {@code failures} is null)
   */
  public static void decodeInto(
      PedesDataset dataset,
      ImageLoader loader,
      DecodeFailures failures,
      ImageRecord image,
      float[] dst,
      int offset)
      throws IOException {
    loader.normalise(
        decode(dataset, loader, failures, image.imagePath()),
        Augmentation.Params.IDENTITY,
        dst,
        offset);
  }

  private static byte[] decode(
      PedesDataset dataset, ImageLoader loader, DecodeFailures failures, String imagePath)
      throws IOException {
    try {
      return loader.decodeRgb(dataset.imageFile(imagePath));
    } catch (ImageDecodeException e) {
      if (failures == null) {
        throw e;
      }
      failures.record(imagePath, e.getMessage());
      int hw = loader.settings().height() * loader.settings().width();
      byte[] out = new byte[hw * 3];
      for (int c = 0; c < 3; c++) {
        byte v = (byte) loader.settings().denormalise(c, 0f);
        for (int i = 0; i < hw; i++) {
          out[3 * i + c] = v;
        }
      }
      return out;
    }
  }
}
