package org.tbps4j.data.text;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * A pretrained text tower that can read captions, found with {@link ServiceLoader} (the {@code
 * tbps-text} module registers {@code minilm-l6}), so that the training, evaluation and search
 * modules run a tower without depending on its runtime: an application has the tower when it has
 * the module on its class path.
 */
public interface CaptionEncoderProvider {

  /**
   * What to open.
   *
   * @param encoder the encoder name ({@code minilm-l6})
   * @param maxLength the tower's truncation length {@code L} ({@code [CLS]}, {@code [SEP]}
   *     included); the packed arrays are padded to it
   * @param onnx the ONNX file, or null for the one bundled with the module (or named by the system
   *     property {@code tbps.text.onnx} / the environment variable {@code TBPS_TEXT_ONNX})
   * @param tokenizer the {@code tokenizer.json} file, or null for the bundled one
   * @param savedText a saved model's {@code text.json} (the hashes it was trained with: a different
   *     ONNX file is refused), or null when training
   * @param savedTokenizer a saved model's {@code tokenizer.json} (used instead of any other), or
   *     null
   * @param cacheRoot where the feature cache lives (the dataset root), or null for none (features
   *     computed when asked)
   * @param threads ONNX Runtime intra-op threads
   */
  record Spec(
      String encoder,
      int maxLength,
      Path onnx,
      Path tokenizer,
      byte[] savedText,
      byte[] savedTokenizer,
      Path cacheRoot,
      int threads) {}

  /**
   * The encoder name this provider opens.
   *
   * @return e.g. {@code minilm-l6}
   */
  String encoder();

  /**
   * Opens the tower.
   *
   * @param spec what to open
   * @return the encoder (close it)
   * @throws IllegalArgumentException naming the file when the ONNX graph or tokenizer is missing,
   *     unreadable, or not the one a saved model was trained with
   */
  CaptionEncoder open(Spec spec);

  /**
   * The caption encoder of a saved model: the word path with its vocabulary, or the tower it was
   * trained with (its {@value CaptionEncoder#TEXT_ATTACHMENT} and {@value
   * CaptionEncoder#TOKENIZER_ATTACHMENT}; the ONNX graph is the bundled one, or the file named by
   * {@code tbps.text.onnx} / {@code TBPS_TEXT_ONNX}, and must have the recorded hash).
   *
   * @param encoder the model config's encoder name
   * @param maxLength the model config's {@code maxLength}
   * @param vocabulary the model's vocabulary (the word path)
   * @param attachment the model's attachments by name
   * @param modelFile the model file, for messages
   * @return the encoder (close it)
   * @throws IllegalArgumentException naming the model file when an attachment is missing, or the
   *     ONNX file when it is missing or another graph
   */
  static CaptionEncoder forSavedModel(
      String encoder,
      int maxLength,
      Vocabulary vocabulary,
      Function<String, Optional<byte[]>> attachment,
      String modelFile) {
    if ("words".equals(encoder)) {
      return CaptionEncoder.words(vocabulary, maxLength);
    }
    byte[] text = need(attachment, CaptionEncoder.TEXT_ATTACHMENT, encoder, modelFile);
    byte[] tok = need(attachment, CaptionEncoder.TOKENIZER_ATTACHMENT, encoder, modelFile);
    return openTower(new Spec(encoder, maxLength, null, null, text, tok, null, 1));
  }

  private static byte[] need(
      Function<String, Optional<byte[]>> attachment,
      String name,
      String encoder,
      String modelFile) {
    return attachment
        .apply(name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    modelFile
                        + ": a "
                        + encoder
                        + " model without its "
                        + name
                        + " attachment (saved by an older version?)"));
  }

  /**
   * Opens a tower through the provider registered for its name.
   *
   * @param spec what to open
   * @return the encoder
   * @throws IllegalArgumentException when no provider has that name (the message names the module
   *     to add) or the provider refuses the files
   */
  static CaptionEncoder openTower(Spec spec) {
    List<String> known = new ArrayList<>();
    for (CaptionEncoderProvider p : ServiceLoader.load(CaptionEncoderProvider.class)) {
      if (p.encoder().equals(spec.encoder())) {
        return p.open(spec);
      }
      known.add(p.encoder());
    }
    throw new IllegalArgumentException(
        "text encoder '"
            + spec.encoder()
            + "' is not available: put the tbps-text module on the class path (available: "
            + (known.isEmpty() ? "none" : String.join(", ", known))
            + ")");
  }
}
