package org.tbps4j.model.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** A gallery file written by someone else: its stored image paths are checked when it is read. */
class GalleryFileTrustTest {
  @TempDir Path dir;

  private Path write(String name, List<String> paths) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode meta = json.createObjectNode();
    meta.put("format", Gallery.FORMAT);
    meta.put("formatVersion", Gallery.FORMAT_VERSION);
    meta.put("size", paths.size());
    meta.put("dim", 4);
    meta.put("sets", 0);
    meta.put("lambda", 0.0);
    ArrayNode ids = meta.putArray("personIds");
    ArrayNode ps = meta.putArray("paths");
    for (String p : paths) {
      ids.add(1);
      ps.add(p);
    }
    Path file = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(file);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("gallery.json"));
      zip.write(json.writeValueAsBytes(meta));
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("embeddings.npy"));
      zip.write(Nd4j.toNpyByteArray(Nd4j.ones(DataType.FLOAT, paths.size(), 4).muli(0.5)));
      zip.closeEntry();
    }
    return file;
  }

  @Test
  void storedPathsMustBeRelativeNormalisedAndInsideTheFolder() throws IOException {
    String[][] bad = {
      {"/etc/passwd", "absolute"},
      {"~/.ssh/id_rsa", "absolute"},
      {"C:\\Users\\me\\key.png", "absolute"},
      {"../secret.png", "leaves"},
      {"a/../../secret.png", "leaves"},
      {"a/./b.png", "not normalised"},
      {"a//b.png", "not normalised"},
      {"a\\b.png", "not normalised"},
      {"a/", "not normalised"},
      {"", "empty"},
      {"a\u001b[31mred.png", "control character"},
    };
    for (int i = 0; i < bad.length; i++) {
      Path f = write("g" + i + ".zip", List.of("ok/1.png", bad[i][0]));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Gallery.load(f), bad[i][0]);
      String m = e.getMessage();
      assertTrue(m.contains("g" + i + ".zip"), m);
      assertTrue(m.contains("paths[1]"), m);
      assertTrue(m.contains(bad[i][1]), bad[i][0] + " -> " + m);
      assertTrue(m.chars().noneMatch(c -> c == 0x1b), "no raw escape character in: " + m);
    }
    Gallery ok = Gallery.load(write("ok.zip", List.of("ok/1.png", "b.png", "x y/ä.jpg")));
    assertEquals(List.of("ok/1.png", "b.png", "x y/ä.jpg"), ok.paths());
  }
}
