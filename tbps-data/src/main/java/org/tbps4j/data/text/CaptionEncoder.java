package org.tbps4j.data.text;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns captions into a model's text input, one array per batch, for the training iterator,
 * validation, evaluation and search alike (docs/text-encoder.md):
 *
 * <ul>
 *   <li>{@link #words}: token ids of the training vocabulary, INT {@code [N, L]}, padded with
 *       {@link Vocabulary#PAD} (the word path);
 *   <li>a pretrained tower (module {@code tbps-text}, found with {@link CaptionEncoderProvider}):
 *       the tower's token features and mask packed as FLOAT {@code [N, L, F + 1]}: channels {@code
 *       0..F-1} the last hidden state of each token, channel {@code F} 1 at a real token ({@code
 *       [CLS]} … {@code [SEP]}) and 0 at padding; padding rows are all zero. {@code L} is the
 *       encoder's fixed length (see {@link #pack}).
 * </ul>
 *
 * <p>Implementations are safe for concurrent {@link #encode} calls (the training iterator's
 * workers); {@link #prepare} and {@link #close} are called by one thread.
 */
public interface CaptionEncoder extends AutoCloseable {
  /** Saved-model attachment with a tower's record (encoder, hashes, length). */
  String TEXT_ATTACHMENT = "text.json";

  /** Saved-model attachment with a tower's tokenizer. */
  String TOKENIZER_ATTACHMENT = "tokenizer.json";

  /** Progress of {@link #prepare}: captions done of total, seconds so far. */
  @FunctionalInterface
  interface Progress {
    /**
     * Called after each batch of captions.
     *
     * @param done captions computed so far
     * @param total captions to compute
     * @param seconds wall time so far
     */
    void update(int done, int total, double seconds);
  }

  /**
   * The encoder's config name.
   *
   * @return {@code words} or a tower's name such as {@code minilm-l6}
   */
  String name();

  /**
   * The text input of captions.
   *
   * @param captions raw caption texts (at least one)
   * @return INT {@code [N, L]} ids, or FLOAT {@code [N, L, F + 1]} packed token features
   */
  INDArray encode(List<String> captions);

  /**
   * Computes ahead of time whatever {@link #encode} will need for these captions (a tower's feature
   * cache); a no-op for the word path.
   *
   * @param captions every caption that will be encoded
   * @param progress called while computing (may be null)
   * @return how many captions had to be computed (0 when everything was ready)
   * @throws IOException when the cache cannot be written
   */
  default int prepare(Collection<String> captions, Progress progress) throws IOException {
    return 0;
  }

  /**
   * Files a saved model must carry to encode captions the same way later (name → bytes): the
   * tower's record ({@code text.json}: encoder, hashes, length) and its {@code tokenizer.json};
   * empty for the word path (its vocabulary is attached separately).
   *
   * @return attachment name → content
   */
  default Map<String, byte[]> attachments() {
    return Map.of();
  }

  /** Frees native resources (a tower's session). */
  @Override
  default void close() {}

  /**
   * The word path: the vocabulary's ids, truncated and padded to {@code maxLength}.
   *
   * @param vocabulary the training vocabulary
   * @param maxLength {@code L}
   * @return the encoder
   */
  static CaptionEncoder words(Vocabulary vocabulary, int maxLength) {
    if (maxLength < 1) {
      throw new IllegalArgumentException("maxLength must be >= 1, got " + maxLength);
    }
    return new CaptionEncoder() {
      @Override
      public String name() {
        return "words";
      }

      @Override
      public INDArray encode(List<String> captions) {
        int[][] ids = new int[captions.size()][];
        for (int i = 0; i < ids.length; i++) {
          ids[i] = vocabulary.encode(captions.get(i), maxLength);
        }
        return Nd4j.createFromArray(ids);
      }
    };
  }

  /**
   * Packs token features into the tower layout.
   *
   * @param n captions
   * @param len {@code L} of the output
   * @param dim {@code F}
   * @param values {@code [n, from, dim]} row-major, each caption's real tokens first
   * @param from the second dimension of {@code values} (≤ {@code len} after truncation below)
   * @param lengths real tokens per caption (each ≤ {@code len})
   * @return FLOAT {@code [n, len, dim + 1]}
   * @throws IllegalArgumentException when a caption has more than {@code len} tokens
   */
  static INDArray pack(int n, int len, int dim, float[] values, int from, int[] lengths) {
    float[] out = new float[n * len * (dim + 1)];
    for (int i = 0; i < n; i++) {
      if (lengths[i] > len) {
        throw new IllegalArgumentException(
            "caption " + i + " has " + lengths[i] + " tokens, more than " + len);
      }
      for (int t = 0; t < lengths[i]; t++) {
        int src = (i * from + t) * dim;
        int dst = (i * len + t) * (dim + 1);
        System.arraycopy(values, src, out, dst, dim);
        out[dst + dim] = 1f;
      }
    }
    return Nd4j.create(out, new long[] {n, len, dim + 1}, DataType.FLOAT);
  }
}
