package org.tbps4j.data.iter;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One training batch, by name: what {@link PkTrainingIterator} hands out and a training step feeds
 * the graph ({@code TbpsModel.trainingBatch(images, tokens, labels)} in tbps-model puts the arrays
 * on the graph's placeholders). {@code N = P·K} rows, the P identities in groups of K consecutive
 * rows; both augmentations (image flip/pad-crop and text shift) are already applied.
 *
 * @param images FLOAT {@code [N, 3, H, W]}, normalised RGB
 * @param tokens the text input: INT32 token ids {@code [N, L]} padded with {@code Vocabulary.PAD};
 *     or, with a caption encoder, what it gives for the batch's captions (a tower's token features
 *     with their mask packed as {@code [N, L, F + 1]}, see {@code CaptionEncoder})
 * @param labels INT32 class indices {@code [N]} ({@code PedesDataset.trainClasses()})
 */
public record TrainingBatch(INDArray images, INDArray tokens, INDArray labels) {

  /**
   * Checks that the three arrays are there and have the same number of rows.
   *
   * @throws IllegalArgumentException naming the array that is missing or has another row count
   */
  public TrainingBatch {
    if (images == null || tokens == null || labels == null) {
      throw new IllegalArgumentException(
          "a training batch needs images, tokens and labels (got "
              + (images == null ? "no " : "")
              + "images, "
              + (tokens == null ? "no " : "")
              + "tokens, "
              + (labels == null ? "no " : "")
              + "labels)");
    }
    if (images.rank() < 1 || tokens.rank() < 1) {
      throw new IllegalArgumentException(
          "images and tokens must have a batch dimension, got "
              + Arrays.toString(images.shape())
              + " and "
              + Arrays.toString(tokens.shape()));
    }
    long n = images.size(0);
    if (tokens.size(0) != n || labels.length() != n) {
      throw new IllegalArgumentException(
          "batch sizes differ: images "
              + n
              + ", tokens "
              + tokens.size(0)
              + ", labels "
              + labels.length());
    }
  }

  /**
   * The number of rows.
   *
   * @return {@code N}
   */
  public int size() {
    return (int) images.size(0);
  }

  /** Frees the native memory of the three arrays now (they cannot be used afterwards). */
  public void close() {
    images.close();
    tokens.close();
    labels.close();
  }
}
