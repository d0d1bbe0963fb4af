package org.tbps4j.text;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The frozen pretrained text tower: all-MiniLM-L6-v2 (a 6-layer, 384-wide BERT distilled for
 * sentence embeddings) run by ONNX Runtime, with its WordPiece tokenizer.
 *
 * <p>Input: captions (or id sequences from {@link #tokenizer()}); output: {@link TokenFeatures},
 * the last hidden state {@code [N, L, 384]} with each caption's real length, the batch padded to
 * its longest caption (the attention mask keeps padding out of every real token's features, so a
 * caption's features do not depend on the batch up to float rounding). The graph's inputs are
 * {@code input_ids}, {@code attention_mask} and (if present) {@code token_type_ids}, all int64
 * {@code [N, L]}; its output {@code last_hidden_state} is float {@code [N, L, 384]}.
 *
 * <p>Runtime: Microsoft's ONNX Runtime Java binding ({@code com.microsoft.onnxruntime:onnxruntime},
 * its natives inside the jar), intra-op threads as given, all graph optimisations. Why this binding
 * and not {@code nd4j-onnxruntime}: docs/text-encoder.md. A session is safe for concurrent {@link
 * #forward} calls.
 */
public final class TextTower implements AutoCloseable {
  /** Feature size of MiniLM-L6. */
  public static final int HIDDEN = 384;

  /** The encoder's name in configs and cache directories. */
  public static final String ENCODER = "minilm-l6";

  private static final String INPUT_IDS = "input_ids";
  private static final String ATTENTION_MASK = "attention_mask";
  private static final String TOKEN_TYPE_IDS = "token_type_ids";
  private static final String OUTPUT = "last_hidden_state";

  private final OrtEnvironment env;
  private final OrtSession session;
  private final boolean tokenTypes;
  private final WordPieceTokenizer tokenizer;
  private final String modelHash;
  private final String tokenizerHash;
  private final String onnxName;

  private TextTower(
      OrtEnvironment env,
      OrtSession session,
      boolean tokenTypes,
      WordPieceTokenizer tokenizer,
      String modelHash,
      String tokenizerHash,
      String onnxName) {
    this.env = env;
    this.session = session;
    this.tokenTypes = tokenTypes;
    this.tokenizer = tokenizer;
    this.modelHash = modelHash;
    this.tokenizerHash = tokenizerHash;
    this.onnxName = onnxName;
  }

  /**
   * Opens the tower.
   *
   * @param files the ONNX graph and the tokenizer
   * @param maxLength longest id sequence ({@code [CLS]}, {@code [SEP]} included); 0 takes the
   *     tokenizer file's (128)
   * @param threads ONNX Runtime intra-op threads (≥ 1)
   * @return the tower (close it)
   * @throws TextModelFileException naming the file when the tokenizer or the ONNX graph cannot be
   *     read, or the graph is not a BERT-style encoder with a 384-wide last hidden state
   */
  public static TextTower open(TowerFiles files, int maxLength, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    WordPieceTokenizer tok =
        WordPieceTokenizer.parse(files.tokenizerJson(), files.tokenizerName(), maxLength);
    OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
    OrtSession session;
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(threads);
      opts.setInterOpNumThreads(1);
      opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      opts.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
      session = env.createSession(files.onnx(), opts);
    } catch (OrtException e) {
      throw new TextModelFileException(
          files.onnxName(), "not a loadable ONNX model (" + firstLine(e.getMessage()) + ")", e);
    }
    try {
      boolean types = checkSignature(session, files.onnxName());
      return new TextTower(
          env, session, types, tok, files.onnxSha256(), files.tokenizerSha256(), files.onnxName());
    } catch (RuntimeException e) {
      closeQuietly(session);
      throw e;
    }
  }

  /** Checks the graph's inputs and output; returns whether it takes token_type_ids. */
  private static boolean checkSignature(OrtSession session, String name) {
    try {
      Map<String, NodeInfo> in = session.getInputInfo();
      Map<String, NodeInfo> out = session.getOutputInfo();
      if (!in.containsKey(INPUT_IDS) || !in.containsKey(ATTENTION_MASK)) {
        throw new TextModelFileException(
            name, "the graph's inputs are " + in.keySet() + "; expected input_ids, attention_mask");
      }
      NodeInfo o = out.get(OUTPUT);
      if (o == null || !(o.getInfo() instanceof TensorInfo ti)) {
        throw new TextModelFileException(
            name, "the graph's outputs are " + out.keySet() + "; expected last_hidden_state");
      }
      long[] shape = ti.getShape();
      if (shape.length != 3 || shape[2] != HIDDEN) {
        throw new TextModelFileException(
            name,
            "last_hidden_state has shape "
                + java.util.Arrays.toString(shape)
                + "; expected [N, L, "
                + HIDDEN
                + "]");
      }
      return in.containsKey(TOKEN_TYPE_IDS);
    } catch (OrtException e) {
      throw new TextModelFileException(name, "cannot read the graph's signature", e);
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "no message";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static void closeQuietly(OrtSession s) {
    try {
      s.close();
    } catch (OrtException ignored) {
      // already failing
    }
  }

  /**
   * The tokenizer that feeds the tower.
   *
   * @return the tokenizer
   */
  public WordPieceTokenizer tokenizer() {
    return tokenizer;
  }

  /**
   * SHA-256 of the ONNX graph (the cache key and the saved model's check).
   *
   * @return 64 hex digits
   */
  public String modelHash() {
    return modelHash;
  }

  /**
   * SHA-256 of the tokenizer file.
   *
   * @return 64 hex digits
   */
  public String tokenizerHash() {
    return tokenizerHash;
  }

  /**
   * Tokenizes and encodes captions.
   *
   * @param texts captions (at least one)
   * @return their features, padded to the longest
   */
  public TokenFeatures encode(List<String> texts) {
    List<int[]> ids = new ArrayList<>(texts.size());
    for (String t : texts) {
      ids.add(tokenizer.encode(t));
    }
    return forward(ids);
  }

  /**
   * Runs the graph on id sequences (each as {@link WordPieceTokenizer#encode} returns it).
   *
   * @param sequences id sequences (at least one), each of length ≥ 1
   * @return the last hidden state, padded to the longest sequence, padding positions zeroed
   */
  public TokenFeatures forward(List<int[]> sequences) {
    int n = sequences.size();
    if (n == 0) {
      throw new IllegalArgumentException("no sequences");
    }
    int len = 0;
    int[] lengths = new int[n];
    for (int i = 0; i < n; i++) {
      lengths[i] = sequences.get(i).length;
      if (lengths[i] == 0) {
        throw new IllegalArgumentException("sequence " + i + " is empty");
      }
      len = Math.max(len, lengths[i]);
    }
    long[] ids = new long[n * len];
    long[] mask = new long[n * len];
    for (int i = 0; i < n; i++) {
      int[] s = sequences.get(i);
      for (int j = 0; j < s.length; j++) {
        ids[i * len + j] = s[j];
        mask[i * len + j] = 1;
      }
      for (int j = s.length; j < len; j++) {
        ids[i * len + j] = tokenizer.padId();
      }
    }
    long[] shape = {n, len};
    Map<String, OnnxTensor> in = new HashMap<>();
    try {
      in.put(INPUT_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
      in.put(ATTENTION_MASK, OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
      if (tokenTypes) {
        in.put(
            TOKEN_TYPE_IDS,
            OnnxTensor.createTensor(env, LongBuffer.wrap(new long[n * len]), shape));
      }
      try (OrtSession.Result res = session.run(in)) {
        OnnxTensor out = (OnnxTensor) res.get(OUTPUT).orElseThrow();
        FloatBuffer fb = out.getFloatBuffer();
        float[] values = new float[n * len * HIDDEN];
        fb.get(values);
        for (int i = 0; i < n; i++) { // padding positions hold the model's junk: zero them
          java.util.Arrays.fill(
              values, (i * len + lengths[i]) * HIDDEN, (i + 1) * len * HIDDEN, 0f);
        }
        return new TokenFeatures(n, len, HIDDEN, values, lengths);
      }
    } catch (OrtException e) {
      throw new IllegalStateException(
          "ONNX Runtime failed on " + onnxName + ": " + e.getMessage(), e);
    } finally {
      in.values().forEach(OnnxTensor::close);
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("closing the ONNX Runtime session failed", e);
    }
  }
}
