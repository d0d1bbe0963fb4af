package org.tbps4j.model.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.TbpsModel;

/**
 * Zips from someone else: an entry that inflates past the size limit is refused before it is read
 * into memory, and the {@code .npy} arrays of a gallery must have the shape its {@code
 * gallery.json} declares and the bytes that shape needs; each refusal names file and entry.
 */
class ZipLimitsTest {
  /** The system property with the per-entry limit (ZipEntries.MAX_ENTRY_PROPERTY). */
  static final String LIMIT = "tbps.maxZipEntryBytes";

  @TempDir Path dir;

  @AfterEach
  void clear() {
    System.clearProperty(LIMIT);
  }

  /** A float32 C-order .npy file, as numpy (and Nd4j.toNpyByteArray) write it. */
  static byte[] npy(long[] shape, int dataBytes) {
    StringBuilder sh = new StringBuilder("(");
    for (long d : shape) {
      sh.append(d).append(", ");
    }
    if (shape.length > 1) {
      sh.setLength(sh.length() - 2);
    } else {
      sh.setLength(sh.length() - 1);
    }
    sh.append(")");
    String header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + sh + ", }";
    int total = 10 + header.length() + 1;
    int pad = (64 - total % 64) % 64;
    header = header + " ".repeat(pad) + "\n";
    ByteBuffer b =
        ByteBuffer.allocate(10 + header.length() + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
    b.putShort((short) header.length());
    b.put(header.getBytes(StandardCharsets.US_ASCII));
    for (int i = 0; i < dataBytes / 4; i++) {
      b.putFloat(i == 0 ? 1f : 0f);
    }
    return b.array();
  }

  private Path gallery(String name, int size, int dim, byte[] embeddings) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode meta = json.createObjectNode();
    meta.put("format", Gallery.FORMAT);
    meta.put("formatVersion", Gallery.FORMAT_VERSION);
    meta.put("size", size);
    meta.put("dim", dim);
    meta.put("sets", 0);
    meta.put("lambda", 0.0);
    ArrayNode ids = meta.putArray("personIds");
    ArrayNode ps = meta.putArray("paths");
    for (int i = 0; i < size; i++) {
      ids.add(i);
      ps.add(i + ".png");
    }
    Path file = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(file);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("gallery.json"));
      zip.write(json.writeValueAsBytes(meta));
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("embeddings.npy"));
      zip.write(embeddings);
      zip.closeEntry();
    }
    return file;
  }

  private static void assertRefused(Path file, String... fragments) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Gallery.load(file));
    assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
    }
  }

  @Test
  void anEntryAboveTheSizeLimitIsRefused() throws Exception {
    // 10 x 30000 floats: 1.2 MB inflated, a few KB in the zip
    Path g = gallery("big.zip", 10, 30_000, npy(new long[] {10, 30_000}, 1_200_000));
    System.setProperty(LIMIT, String.valueOf(1 << 20));
    assertRefused(g, "embeddings.npy", "1048576");
  }

  @Test
  void theArraysMustHaveTheDeclaredShape() throws Exception {
    assertEquals(3, Gallery.load(gallery("ok.zip", 3, 4, npy(new long[] {3, 4}, 48))).size());
    assertRefused(
        gallery("wide.zip", 3, 4, npy(new long[] {3, 5}, 60)),
        "embeddings.npy",
        "[3, 5]",
        "[3, 4]");
    assertRefused(
        gallery("rank3.zip", 3, 4, npy(new long[] {3, 4, 1}, 48)), "embeddings.npy", "[3, 4, 1]");
  }

  @Test
  void anArrayWithFewerBytesThanItsShapeIsRefused() throws Exception {
    byte[] full = npy(new long[] {3, 4}, 48);
    assertRefused(
        gallery("short.zip", 3, 4, Arrays.copyOf(full, full.length - 20)), "embeddings.npy");
    byte[] junk = "not an npy file at all".getBytes(StandardCharsets.US_ASCII);
    assertRefused(gallery("junk.zip", 3, 4, junk), "embeddings.npy");
  }

  @Test
  void aModelEntryAboveTheSizeLimitIsRefused() throws Exception {
    TbpsModel m = TbpsModel.create(ModelConfig.preset("micro", 3, 12));
    m.putAttachment("notes.txt", new byte[2 << 20]);
    Path f = dir.resolve("model.zip");
    m.save(f, false);
    System.setProperty(LIMIT, String.valueOf(1 << 20));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TbpsModel.load(f, false));
    assertTrue(e.getMessage().contains("model.zip"), e.getMessage());
    assertTrue(e.getMessage().contains("attachments/notes.txt"), e.getMessage());
    assertTrue(e.getMessage().contains("1048576"), e.getMessage());
  }
}
