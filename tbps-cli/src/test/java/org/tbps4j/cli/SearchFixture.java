package org.tbps4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tbps4j.data.image.ImageSettings;
import org.tbps4j.data.text.Vocabulary;
import org.tbps4j.model.ModelAttachments;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.TbpsModel;

/**
 * Untrained micro models, small images and hand-written gallery files for the search tests: no
 * training, so each fixture takes a second.
 */
final class SearchFixture {
  private SearchFixture() {}

  /** Embedding size of the micro preset. */
  static final int DIM = 8;

  /**
   * Saves an untrained micro model with the attachments {@code tbps search} needs.
   *
   * @param file the model file
   * @return the file
   */
  static Path model(Path file) throws IOException {
    return model(file, "");
  }

  /**
   * Saves an untrained micro model whose vocabulary also holds the words of {@code extra} (another
   * vocabulary, so another file).
   *
   * @param file the model file
   * @param extra more caption text
   * @return the file
   */
  static Path model(Path file, String extra) throws IOException {
    Vocabulary v =
        Vocabulary.fromCaptions(
            List.of("a man in a red coat", "a woman in a blue dress with a bag", extra), 1);
    TbpsModel m = TbpsModel.create(ModelConfig.preset("micro", 3, v.size()));
    m.putAttachment(ModelAttachments.VOCABULARY, v.toJson());
    m.putAttachment(ModelAttachments.PREPROCESSING, ImageSettings.imagenet(16, 8).toJson());
    m.save(file, false);
    return file;
  }

  /** A small PNG of one colour with a white stripe. */
  static byte[] png(int width, int height, Color colour) throws IOException {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(colour);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.WHITE);
    g.fillRect(0, height / 3, width, Math.max(1, height / 6));
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  /** Writes a PNG file. */
  static Path png(Path file, int width, int height, Color colour) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, png(width, height, colour));
    return file;
  }

  /**
   * Writes a gallery file by hand (any paths, no checks), as someone else's tool could.
   *
   * @param file the zip
   * @param paths the stored image paths
   * @param key the stored cache key, or null
   */
  static Path gallery(Path file, List<String> paths, String key) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode meta = json.createObjectNode();
    meta.put("format", "tbps4j-gallery");
    meta.put("formatVersion", 1);
    meta.put("size", paths.size());
    meta.put("dim", DIM);
    meta.put("sets", 0);
    meta.put("lambda", 0.0);
    if (key != null) {
      meta.put("key", key);
    }
    ArrayNode ids = meta.putArray("personIds");
    ArrayNode ps = meta.putArray("paths");
    for (int i = 0; i < paths.size(); i++) {
      ids.add(i);
      ps.add(paths.get(i));
    }
    Nd4j.getRandom().setSeed(1);
    INDArray e = Nd4j.rand(DataType.FLOAT, paths.size(), DIM).subi(0.5);
    e.diviColumnVector(e.norm2(1).reshape(paths.size(), 1));
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (OutputStream out = Files.newOutputStream(file);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("gallery.json"));
      zip.write(json.writeValueAsBytes(meta));
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("embeddings.npy"));
      zip.write(Nd4j.toNpyByteArray(e));
      zip.closeEntry();
    }
    return file;
  }
}
