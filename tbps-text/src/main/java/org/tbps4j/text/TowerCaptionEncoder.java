package org.tbps4j.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tbps4j.data.text.CaptionEncoder;
import org.tbps4j.data.text.CaptionEncoderProvider;

/**
 * The {@link CaptionEncoder} of the frozen all-MiniLM-L6-v2 tower: captions → WordPiece ids → the
 * tower's last hidden state, packed with its mask as {@code [N, L, 385]} ({@link
 * CaptionEncoder#pack}), {@code L} the truncation length. With a dataset root, features come from
 * the dataset's {@link FeatureCache} (float16; {@link #prepare} fills it); captions not in the
 * cache (queries) run through the tower (float32).
 *
 * <p>A saved model carries {@value #TEXT_JSON} (encoder, the ONNX graph's and the tokenizer's
 * SHA-256, the length) and {@value #TOKENIZER_JSON}; opened for such a model, the encoder uses the
 * saved tokenizer and refuses an ONNX file with another hash ({@link TextModelFileException} naming
 * the file: bad input, exit code 2).
 */
public final class TowerCaptionEncoder implements CaptionEncoder {
  /** Attachment: the tower's record. */
  public static final String TEXT_JSON = CaptionEncoder.TEXT_ATTACHMENT;

  /** Attachment: the tokenizer the model was trained with. */
  public static final String TOKENIZER_JSON = CaptionEncoder.TOKENIZER_ATTACHMENT;

  /** System property naming another ONNX file (same model, e.g. a local copy). */
  public static final String ONNX_PROPERTY = "tbps.text.onnx";

  /** Environment variable naming another ONNX file. */
  public static final String ONNX_ENV = "TBPS_TEXT_ONNX";

  /** Captions per forward pass when filling the cache. */
  static final int CACHE_BATCH = 64;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final TextTower tower;
  private final TowerFiles files;
  private final FeatureCache cache;
  private final int maxLength;

  private TowerCaptionEncoder(TextTower tower, TowerFiles files, FeatureCache cache) {
    this.tower = tower;
    this.files = files;
    this.cache = cache;
    this.maxLength = tower.tokenizer().maxLength();
  }

  /**
   * Opens the tower for a spec (see {@link CaptionEncoderProvider.Spec}).
   *
   * @param spec what to open
   * @return the encoder
   * @throws TextModelFileException naming the file that is missing, unreadable or not the one a
   *     saved model was trained with
   */
  public static TowerCaptionEncoder open(CaptionEncoderProvider.Spec spec) {
    if (!TextTower.ENCODER.equals(spec.encoder())) {
      throw new IllegalArgumentException("not a " + TextTower.ENCODER + " spec: " + spec.encoder());
    }
    Path onnxPath = spec.onnx() != null ? spec.onnx() : overridePath();
    String onnxName;
    byte[] onnx;
    if (onnxPath != null) {
      onnxName = onnxPath.toString();
      onnx = TowerFiles.file(onnxPath);
    } else {
      onnxName =
          "class-path resource " + TowerFiles.ONNX_RESOURCE + " (from " + TowerFiles.CARRIER + ")";
      onnx = TowerFiles.resource(TowerFiles.ONNX_RESOURCE);
    }
    String tokName;
    byte[] tok;
    if (spec.savedTokenizer() != null) {
      tokName = "the model's " + TOKENIZER_JSON;
      tok = spec.savedTokenizer();
    } else if (spec.tokenizer() != null) {
      tokName = spec.tokenizer().toString();
      tok = TowerFiles.file(spec.tokenizer());
    } else {
      tokName =
          "class-path resource "
              + TowerFiles.TOKENIZER_RESOURCE
              + " (from "
              + TowerFiles.CARRIER
              + ")";
      tok = TowerFiles.resource(TowerFiles.TOKENIZER_RESOURCE);
    }
    TowerFiles files = new TowerFiles(onnxName, onnx, tokName, tok);
    int maxLength = spec.maxLength();
    if (spec.savedText() != null) {
      maxLength = checkSaved(spec.savedText(), files);
      if (spec.maxLength() != maxLength) {
        throw new IllegalArgumentException(
            "the model's config reads "
                + spec.maxLength()
                + " tokens but its "
                + TEXT_JSON
                + " records max_length "
                + maxLength);
      }
    }
    TextTower tower = TextTower.open(files, maxLength, Math.max(1, spec.threads()));
    try {
      FeatureCache cache = null;
      if (spec.cacheRoot() != null) {
        FeatureCache.Key key = FeatureCache.Key.of(tower, FeatureCache.Storage.FLOAT16);
        cache = FeatureCache.open(FeatureCache.directory(spec.cacheRoot(), key), key);
      }
      return new TowerCaptionEncoder(tower, files, cache);
    } catch (IOException | RuntimeException e) {
      tower.close();
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalArgumentException(
          "cannot open the feature cache under " + spec.cacheRoot() + ": " + e.getMessage(), e);
    }
  }

  private static Path overridePath() {
    String p = System.getProperty(ONNX_PROPERTY);
    if (p == null || p.isBlank()) {
      p = System.getenv(ONNX_ENV);
    }
    return p == null || p.isBlank() ? null : Path.of(p);
  }

  /** Checks a saved model's record against the files; returns its length. */
  private static int checkSaved(byte[] textJson, TowerFiles files) {
    JsonNode t;
    try {
      t = JSON.readTree(textJson);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          TEXT_JSON + " of the model is not valid JSON: " + e.getMessage(), e);
    }
    String want = t.path("onnx_sha256").asText("");
    String have = files.onnxSha256();
    if (!want.equals(have)) {
      throw new TextModelFileException(
          files.onnxName(),
          "SHA-256 "
              + have
              + " is not the ONNX graph this model was trained with ("
              + want
              + ", recorded in its "
              + TEXT_JSON
              + "); use that file");
    }
    String wantTok = t.path("tokenizer_sha256").asText("");
    if (!wantTok.equals(files.tokenizerSha256())) {
      throw new TextModelFileException(
          files.tokenizerName(),
          "SHA-256 "
              + files.tokenizerSha256()
              + " differs from the tokenizer recorded in the model's "
              + TEXT_JSON
              + " ("
              + wantTok
              + ")");
    }
    int len = t.path("max_length").asInt(0);
    if (len < 2) {
      throw new IllegalArgumentException(TEXT_JSON + " of the model has no valid max_length");
    }
    return len;
  }

  @Override
  public String name() {
    return TextTower.ENCODER;
  }

  /**
   * The tower.
   *
   * @return the open tower
   */
  public TextTower tower() {
    return tower;
  }

  /**
   * The feature cache, if the encoder has one.
   *
   * @return the cache or null
   */
  public FeatureCache cache() {
    return cache;
  }

  @Override
  public INDArray encode(List<String> captions) {
    if (captions.isEmpty()) {
      throw new IllegalArgumentException("no captions to encode");
    }
    TokenFeatures f =
        cache != null && cache.missing(captions).isEmpty()
            ? cache.get(captions, 0)
            : tower.encode(captions);
    return CaptionEncoder.pack(f.count(), maxLength, f.dim(), f.values(), f.length(), f.lengths());
  }

  @Override
  public int prepare(Collection<String> captions, Progress progress) throws IOException {
    if (cache == null) {
      return 0;
    }
    FeatureCache.UpdateReport r =
        cache.update(
            captions,
            tower,
            CACHE_BATCH,
            progress == null ? null : (done, total, ns) -> progress.update(done, total, ns / 1e9));
    return r.computed();
  }

  @Override
  public Map<String, byte[]> attachments() {
    ObjectNode t = JSON.createObjectNode();
    t.put("encoder", TextTower.ENCODER);
    t.put("onnx", files.onnxName());
    t.put("onnx_sha256", files.onnxSha256());
    t.put("tokenizer_sha256", files.tokenizerSha256());
    t.put("max_length", maxLength);
    t.put("dim", TextTower.HIDDEN);
    Map<String, byte[]> m = new LinkedHashMap<>();
    try {
      m.put(TEXT_JSON, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(t));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    m.put(TOKENIZER_JSON, files.tokenizerJson().clone());
    return m;
  }

  @Override
  public void close() {
    tower.close();
  }

  /** The service entry: registered in {@code META-INF/services}. */
  public static final class Provider implements CaptionEncoderProvider {
    /** Creates the provider (ServiceLoader). */
    public Provider() {}

    @Override
    public String encoder() {
      return TextTower.ENCODER;
    }

    @Override
    public CaptionEncoder open(Spec spec) {
      return TowerCaptionEncoder.open(spec);
    }
  }
}
