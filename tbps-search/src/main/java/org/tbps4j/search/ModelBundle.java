package org.tbps4j.search;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.tbps4j.data.ImageRecord;
import org.tbps4j.data.PedesDataset;
import org.tbps4j.data.image.Augmentation;
import org.tbps4j.data.image.ImageLoader;
import org.tbps4j.data.image.ImageSettings;
import org.tbps4j.data.iter.DecodeFailures;
import org.tbps4j.data.iter.GalleryIterator;
import org.tbps4j.data.text.CaptionEncoder;
import org.tbps4j.data.text.CaptionEncoderProvider;
import org.tbps4j.data.text.Vocabulary;
import org.tbps4j.model.ModelAttachments;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.model.search.Embedder;
import org.tbps4j.model.search.ImageEmbedding;

/**
 * A trained model with everything inference needs, opened from the {@code model.zip} the trainer
 * writes: the network, its vocabulary, its image preprocessing, the training config as text (when
 * stored) and the file's content hash (SHA-256 of its bytes), which ties an index to the model that
 * built it. The attachment names are {@link ModelAttachments}'; every command that reads a trained
 * model ({@code search}, {@code eval}, {@code probe}, {@code index}, {@code serve}, the
 * quickstart's evaluation) opens it here. {@link #close()} frees the network's native memory.
 *
 * @param file the model file
 * @param contentHash lower-case hex SHA-256 of the file's bytes
 * @param model the network (inference outputs)
 * @param vocabulary the training vocabulary
 * @param images the image preprocessing (input size, normalisation)
 * @param configText the training config as the trainer stored it (YAML), if present
 */
public record ModelBundle(
    Path file,
    String contentHash,
    TbpsModel model,
    Vocabulary vocabulary,
    ImageSettings images,
    Optional<String> configText)
    implements AutoCloseable {

  /**
   * Opens a model file written by the trainer.
   *
   * @param file {@code model.zip} (or a checkpoint)
   * @return the bundle
   * @throws IOException on read errors
   * @throws IllegalArgumentException when the file lacks an attachment inference needs (the message
   *     names the file and the attachment), or when its {@code preprocessing.json} gives another
   *     image size than its model config (the message names the file and the field)
   */
  public static ModelBundle open(Path file) throws IOException {
    String hash = sha256(file);
    TbpsModel m = TbpsModel.load(file, false);
    String vocab = require(m, file, ModelAttachments.VOCABULARY);
    String pre = require(m, file, ModelAttachments.PREPROCESSING);
    ImageSettings images;
    try {
      images = ImageSettings.fromJson(pre, file + "!" + ModelAttachments.PREPROCESSING);
      requireSameSize(images, m, file);
    } catch (IllegalArgumentException e) {
      m.close();
      throw e;
    }
    return new ModelBundle(
        file,
        hash,
        m,
        Vocabulary.fromJson(vocab, file + "!" + ModelAttachments.VOCABULARY),
        images,
        m.attachmentText(ModelAttachments.CONFIG));
  }

  /**
   * The image size is stored twice in a saved model: in the network's config (the source, {@code
   * imageHeight}/{@code imageWidth}) and in {@code preprocessing.json} (kept for the files already
   * written and for readers of the preprocessing alone). A file in which they differ was not
   * written by one training run, and is refused.
   */
  private static void requireSameSize(ImageSettings images, TbpsModel m, Path file) {
    int h = m.config().imageHeight();
    int w = m.config().imageWidth();
    if (images.height() != h) {
      throw new IllegalArgumentException(
          file
              + "!"
              + ModelAttachments.PREPROCESSING
              + ": field \"height\" is "
              + images.height()
              + " but the model config's imageHeight is "
              + h
              + " (the two must agree)");
    }
    if (images.width() != w) {
      throw new IllegalArgumentException(
          file
              + "!"
              + ModelAttachments.PREPROCESSING
              + ": field \"width\" is "
              + images.width()
              + " but the model config's imageWidth is "
              + w
              + " (the two must agree)");
    }
  }

  private static String require(TbpsModel m, Path file, String name) {
    return m.attachmentText(name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    file
                        + ": not a trained TBPS4J model (no "
                        + name
                        + " inside; attachments: "
                        + List.copyOf(m.attachmentNames())
                        + ")"));
  }

  /**
   * The SHA-256 of a file's bytes.
   *
   * @param file the file
   * @return lower-case hex digest
   * @throws IOException on read errors
   */
  public static String sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /**
   * An image loader with the model's preprocessing.
   *
   * @return a new loader
   */
  public ImageLoader loader() {
    return new ImageLoader(images);
  }

  /**
   * The project's one image-embedding loop for image files, with this model's preprocessing: each
   * item's header is checked against the pixel limit ({@link SafeImages#size}), then it is decoded
   * and normalised without augmentation.
   *
   * @param batchSize images per forward pass
   * @param workers decoding threads (0: the caller's thread)
   * @return the loop (its batches carry each image's original width and height)
   */
  public ImageEmbedding<ImageItem> imageLoop(int batchSize, int workers) {
    ImageLoader loader = loader();
    return new ImageEmbedding<>(
        new Embedder(model, batchSize),
        (item, dst, offset) -> {
          int[] size = SafeImages.size(item.file());
          loader.normalise(
              loader.decodeRgb(item.file()), Augmentation.Params.IDENTITY, dst, offset);
          return size;
        },
        images.height(),
        images.width(),
        batchSize,
        workers);
  }

  /**
   * The project's one image-embedding loop over a dataset split's images (gallery order), decoded
   * as evaluation decodes them ({@link GalleryIterator#decodeInto}).
   *
   * @param dataset the dataset (its root holds the images)
   * @param failures where undecodable images are recorded and embedded blank, or null to fail
   * @param batchSize images per forward pass
   * @param workers decoding threads
   * @return the loop (image sizes are not read: 0)
   */
  public ImageEmbedding<ImageRecord> splitLoop(
      PedesDataset dataset, DecodeFailures failures, int batchSize, int workers) {
    ImageLoader loader = loader();
    return new ImageEmbedding<>(
        new Embedder(model, batchSize),
        (r, dst, offset) -> {
          GalleryIterator.decodeInto(dataset, loader, failures, r, dst, offset);
          return null;
        },
        images.height(),
        images.width(),
        batchSize,
        workers);
  }

  /**
   * Opens the caption encoder the model was trained with: its vocabulary, or its pretrained tower
   * (see {@link CaptionEncoderProvider#forSavedModel}; a different ONNX file is refused).
   *
   * @return the encoder (close it)
   * @throws IllegalArgumentException naming the model or ONNX file when the tower cannot be opened
   *     as trained
   */
  public CaptionEncoder captionEncoder() {
    return CaptionEncoderProvider.forSavedModel(
        model.config().text().encoder(),
        model.config().maxLength(),
        vocabulary,
        model::attachment,
        file.toString());
  }

  /**
   * Token length the model was trained with.
   *
   * @return L
   */
  public int maxLength() {
    return model.config().maxLength();
  }

  /**
   * Embedding dimension.
   *
   * @return D
   */
  public int dim() {
    return model.config().embeddingDim();
  }

  /** Frees the network's native memory (the bundle is unusable afterwards). */
  @Override
  public void close() {
    model.close();
  }
}
