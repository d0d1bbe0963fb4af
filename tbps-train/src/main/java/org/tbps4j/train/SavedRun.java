package org.tbps4j.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.tbps4j.data.image.ImageLoader;
import org.tbps4j.data.image.ImageSettings;
import org.tbps4j.data.text.CaptionEncoder;
import org.tbps4j.data.text.CaptionEncoderProvider;
import org.tbps4j.data.text.Vocabulary;
import org.tbps4j.model.ModelAttachments;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.train.config.ConfigLoader;
import org.tbps4j.train.config.TrainConfig;

/**
 * A model saved by the trainer, with what inference needs from its attachments: the vocabulary, the
 * image preprocessing and (when present) the training config.
 *
 * @param file the model file
 * @param model the network
 * @param vocabulary the training vocabulary
 * @param images the image preprocessing
 * @param config the training config, if stored
 */
public record SavedRun(
    Path file,
    TbpsModel model,
    Vocabulary vocabulary,
    ImageSettings images,
    Optional<TrainConfig> config) {

  /**
   * Loads a model file written by the trainer.
   *
   * @param file {@code model.zip} (or a checkpoint)
   * @return the model with its preprocessing
   * @throws IOException on read errors
   * @throws IllegalArgumentException when the file lacks an attachment inference needs
   */
  public static SavedRun load(Path file) throws IOException {
    TbpsModel m = TbpsModel.load(file, false);
    String vocab = require(m, file, ModelAttachments.VOCABULARY);
    String pre = require(m, file, ModelAttachments.PREPROCESSING);
    Optional<TrainConfig> cfg =
        m.attachmentText(ModelAttachments.CONFIG)
            .map(t -> ConfigLoader.parse(t, file + "!" + ModelAttachments.CONFIG));
    return new SavedRun(
        file,
        m,
        Vocabulary.fromJson(vocab, file + "!" + ModelAttachments.VOCABULARY),
        ImageSettings.fromJson(pre, file + "!" + ModelAttachments.PREPROCESSING),
        cfg);
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
   * An image loader with the model's preprocessing.
   *
   * @return a new loader
   */
  public ImageLoader loader() {
    return new ImageLoader(images);
  }

  /**
   * Opens the caption encoder the model was trained with: its vocabulary, or its pretrained tower
   * (the saved tokenizer and the ONNX graph with the recorded hash; see {@link
   * CaptionEncoderProvider#forSavedModel}).
   *
   * @return the encoder (close it)
   * @throws IllegalArgumentException naming the model file or the ONNX file when the tower cannot
   *     be opened as trained
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
}
