package org.tbps4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one zip-with-manifest helper: round trip, atomicity, and every bad-input message. */
class ManifestZipTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static ObjectNode manifest() {
    ObjectNode m = JSON.createObjectNode();
    m.put("format", "test");
    m.put("formatVersion", 3);
    m.putArray("names").add("a").add("ü");
    return m;
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < n; i++) {
      b[i] = (byte) r.nextInt(256);
    }
    return b;
  }

  private static List<String> entryNames(Path zip) throws IOException {
    try (ZipFile z = new ZipFile(zip.toFile())) {
      return Collections.list(z.entries()).stream().map(ZipEntry::getName).toList();
    }
  }

  private static void handMadeZip(Path file, String name, byte[] content) throws IOException {
    try (OutputStream out = Files.newOutputStream(file);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry(name));
      zip.write(content);
      zip.closeEntry();
    }
  }

  @Test
  void whatIsWrittenIsReadBackWithTheManifestFirst() throws IOException {
    byte[] small = "config".getBytes(StandardCharsets.UTF_8);
    byte[] big = random(300_000, 1);
    Path streamed = Files.write(dir.resolve("graph.bin"), random(70_000, 2));
    Path file = dir.resolve("sub/thing.zip");
    ManifestZip.write(
        file,
        "manifest.json",
        manifest(),
        zip -> {
          zip.put("config.json", small);
          zip.put("graph.fb", streamed);
          zip.put("data/big.bin", big);
        });
    assertEquals(
        List.of("manifest.json", "config.json", "graph.fb", "data/big.bin"), entryNames(file));
    List<Object> seen = new ArrayList<>();
    String result =
        ManifestZip.read(
            file,
            "manifest.json",
            "thing file",
            zip -> {
              assertEquals(file, zip.file());
              assertEquals(manifest(), zip.manifest());
              seen.add(zip.entry("config.json"));
              seen.add(zip.entry("graph.fb"));
              seen.add(zip.entry("data/big.bin"));
              return "done";
            });
    assertEquals("done", result);
    assertArrayEquals(small, (byte[]) seen.get(0));
    assertArrayEquals(Files.readAllBytes(streamed), (byte[]) seen.get(1));
    assertArrayEquals(big, (byte[]) seen.get(2));
    // the manifest is stored pretty-printed, as the files written before this helper
    try (ZipFile z = new ZipFile(file.toFile())) {
      byte[] m = z.getInputStream(z.getEntry("manifest.json")).readAllBytes();
      assertArrayEquals(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest()), m);
    }
  }

  @Test
  void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
    Path file = dir.resolve("thing.zip");
    ManifestZip.write(file, "manifest.json", manifest(), zip -> zip.put("x", new byte[] {1}));
    byte[] before = Files.readAllBytes(file);
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                ManifestZip.write(
                    file,
                    "manifest.json",
                    manifest(),
                    zip -> {
                      zip.put("x", random(100_000, 3));
                      throw new IOException("disk full");
                    }));
    assertEquals("disk full", e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(file));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(file), s.toList(), "only the target is left");
    }
  }

  @Test
  void aMissingEntryIsNamed() throws IOException {
    Path file = dir.resolve("thing.zip");
    ManifestZip.write(file, "manifest.json", manifest(), zip -> zip.put("x", new byte[] {1}));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ManifestZip.read(file, "manifest.json", "thing file", zip -> zip.entry("y")));
    assertEquals(file + ": missing entry 'y'", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ManifestZip.read(file, "other.json", "thing file", zip -> "unreached"));
    assertEquals(file + ": missing entry 'other.json'", e.getMessage());
  }

  /**
   * A deflated entry whose first block header is overwritten with {@code 0xFF} (block type 11,
   * which DEFLATE reserves) does not inflate.
   */
  @Test
  void aCorruptEntryIsNamed() throws IOException {
    Path file = dir.resolve("thing.zip");
    byte[] text = "a person in a red coat ".repeat(400).getBytes(StandardCharsets.US_ASCII);
    ManifestZip.write(file, "manifest.json", manifest(), zip -> zip.put("captions.txt", text));
    byte[] bytes = Files.readAllBytes(file);
    byte[] name = "captions.txt".getBytes(StandardCharsets.US_ASCII);
    int at = indexOf(bytes, name); // in the local header: 30 bytes, then the name, then extra
    assertTrue(at >= 30, "local header found");
    int header = at - 30;
    int extra = (bytes[header + 28] & 0xff) | (bytes[header + 29] & 0xff) << 8;
    bytes[at + name.length + extra] = (byte) 0xFF;
    Files.write(file, bytes);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ManifestZip.read(
                    file, "manifest.json", "thing file", zip -> zip.entry("captions.txt")));
    assertTrue(
        e.getMessage().startsWith(file + ": entry 'captions.txt' is corrupt ("), e.getMessage());
  }

  @Test
  void aManifestThatIsNotJsonIsNamed() throws IOException {
    Path file = dir.resolve("thing.zip");
    handMadeZip(file, "manifest.json", "{\"format\": ".getBytes(StandardCharsets.UTF_8));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ManifestZip.read(file, "manifest.json", "thing file", zip -> "unreached"));
    assertEquals(file + ": manifest.json is not JSON", e.getMessage());
  }

  @Test
  void aFileThatIsNotAZipSaysWhatItShouldBe() throws IOException {
    Path file = Files.write(dir.resolve("thing.zip"), random(1000, 4));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ManifestZip.read(file, "manifest.json", "thing file", zip -> "unreached"));
    assertTrue(e.getMessage().startsWith(file + ": not a thing file ("), e.getMessage());
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
