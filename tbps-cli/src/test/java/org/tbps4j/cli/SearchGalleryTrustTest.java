package org.tbps4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tbps search} with galleries that come from someone else: stored paths that are absolute,
 * climb out of the gallery folder or follow a link out of it are refused (exit 2, naming the
 * entry); thumbnails are decoded and re-encoded, never copied; a planted folder cache is not
 * trusted for paths outside its folder, and the cache's key lives inside the cache.
 */
class SearchGalleryTrustTest {
  @TempDir static Path dir;
  static Path model;
  static Path secretDir;
  static Path secret;
  static final String SECRET = "-----BEGIN PRIVATE KEY----- tbps-test-marker";

  @BeforeAll
  static void setUp() throws Exception {
    model = SearchFixture.model(dir.resolve("model.zip"));
    secretDir = Files.createDirectories(dir.resolve("home"));
    secret = Files.writeString(secretDir.resolve("id_rsa"), SECRET);
  }

  private static CliRun search(Path gallery, Path page) {
    return CliRun.of(
        "search",
        "--model",
        model.toString(),
        "--gallery",
        gallery.toString(),
        "--query",
        "a man in a red coat",
        "--top",
        "3",
        "--html",
        page.toString());
  }

  private static void assertBadGallery(CliRun r, String... fragments) {
    assertEquals(2, r.exitCode(), "exit code; stderr: " + r.err());
    for (String f : fragments) {
      assertTrue(r.err().contains(f), "expected '" + f + "' in: " + r.err());
    }
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  /** Every {@code data:} URI of a page, decoded. */
  private static List<byte[]> embedded(String html) {
    List<byte[]> out = new ArrayList<>();
    Matcher m = Pattern.compile("src=\"data:([^;\"]+);base64,([^\"]*)\"").matcher(html);
    while (m.find()) {
      out.add(Base64.getDecoder().decode(m.group(2)));
    }
    return out;
  }

  private static void assertNoSecret(Path page) throws Exception {
    if (!Files.exists(page)) {
      return;
    }
    String html = Files.readString(page);
    for (byte[] b : embedded(html)) {
      assertFalse(
          new String(b, StandardCharsets.ISO_8859_1).contains("tbps-test-marker"),
          "the page embeds the secret file");
    }
  }

  @Test
  void anAbsolutePathInAGalleryFileIsRefusedNamingTheEntry() throws Exception {
    Path g =
        SearchFixture.gallery(dir.resolve("abs/gallery.zip"), List.of(secret.toString()), null);
    Path page = dir.resolve("abs/page.html");
    CliRun r = search(g, page);
    assertNoSecret(page);
    assertBadGallery(r, "gallery.zip", "paths[0]", "absolute");
    assertFalse(Files.exists(page), "no page for a refused gallery");
  }

  @Test
  void aPathClimbingOutOfTheGalleryFolderIsRefused() throws Exception {
    Path g =
        SearchFixture.gallery(
            dir.resolve("climb/gallery.zip"), List.of("ok.png", "../home/id_rsa"), null);
    SearchFixture.png(dir.resolve("climb/ok.png"), 16, 32, Color.RED);
    Path page = dir.resolve("climb/page.html");
    CliRun r = search(g, page);
    assertNoSecret(page);
    assertBadGallery(r, "paths[1]", "../home/id_rsa");
  }

  @Test
  void aLinkOutOfTheGalleryFolderIsRefused() throws Exception {
    Path outside = SearchFixture.png(secretDir.resolve("private-photo.png"), 16, 32, Color.BLUE);
    Path gdir = Files.createDirectories(dir.resolve("link"));
    Files.createSymbolicLink(gdir.resolve("leak.png"), outside);
    Path g = SearchFixture.gallery(gdir.resolve("gallery.zip"), List.of("leak.png"), null);
    Path page = gdir.resolve("page.html");
    CliRun r = search(g, page);
    assertBadGallery(r, "leak.png", "outside");
    assertFalse(Files.exists(page));
  }

  @Test
  void aSearchedFolderWithALinkToAnImageOutsideItIsRefused() throws Exception {
    Path outside = SearchFixture.png(secretDir.resolve("holiday.png"), 16, 32, Color.ORANGE);
    Path folder = Files.createDirectories(dir.resolve("linked-folder"));
    SearchFixture.png(folder.resolve("a.png"), 16, 32, Color.RED);
    Files.createSymbolicLink(folder.resolve("b.png"), outside);
    Path page = dir.resolve("linked-folder-page.html");
    CliRun r = search(folder, page);
    assertBadGallery(r, "b.png", "outside");
    assertFalse(Files.exists(page));
    assertFalse(Files.exists(folder.resolve(SearchCommand.CACHE)), "nothing embedded or cached");
  }

  @Test
  void thumbnailsAreDecodedAndReencodedNeverCopied() throws Exception {
    Path gdir = Files.createDirectories(dir.resolve("thumbs"));
    // a valid PNG with bytes after its end: a copied file would carry them into the page
    byte[] png = SearchFixture.png(40, 80, Color.GREEN);
    byte[] trailer = " tbps-test-marker".getBytes(StandardCharsets.US_ASCII);
    byte[] both = new byte[png.length + trailer.length];
    System.arraycopy(png, 0, both, 0, png.length);
    System.arraycopy(trailer, 0, both, png.length, trailer.length);
    Files.write(gdir.resolve("p.png"), both);
    Path g = SearchFixture.gallery(gdir.resolve("gallery.zip"), List.of("p.png"), null);
    Path page = gdir.resolve("page.html");
    CliRun r = search(g, page);
    assertEquals(0, r.exitCode(), r.err());
    String html = Files.readString(page);
    assertTrue(html.contains("src=\"data:image/jpeg;base64,"), html);
    List<byte[]> imgs = embedded(html);
    assertEquals(1, imgs.size());
    assertNoSecret(page);
    BufferedImage thumb = ImageIO.read(new ByteArrayInputStream(imgs.get(0)));
    assertNotNull(thumb, "the thumbnail is an image");
    assertEquals(160, thumb.getHeight(), "thumbnail height (the page's 160 px)");
    assertEquals(80, thumb.getWidth());
  }

  /** A stored path with markup in its name is shown as text: every special character escaped. */
  @Test
  void aStoredPathIsEscapedInThePage() throws Exception {
    Path gdir = Files.createDirectories(dir.resolve("markup"));
    String name = "<i onmouseover=\"x()\">it's & co</i>.png";
    SearchFixture.png(gdir.resolve(name), 16, 32, Color.RED);
    Path g = SearchFixture.gallery(gdir.resolve("gallery.zip"), List.of(name), null);
    Path page = gdir.resolve("page.html");
    CliRun r = search(g, page);
    assertEquals(0, r.exitCode(), r.err());
    String html = Files.readString(page);
    assertTrue(
        html.contains("&lt;i onmouseover=&quot;x()&quot;&gt;it&#39;s &amp; co&lt;/i&gt;.png</div>"),
        html.replaceAll("base64,[^\"]*", "base64,..."));
    assertFalse(html.contains("<i "), "the name's markup must not reach the page");
  }

  @Test
  void aPlantedFolderCacheIsNotTrustedWithPathsOutsideTheFolder() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("planted"));
    SearchFixture.png(folder.resolve("a.png"), 16, 32, Color.RED);
    SearchFixture.png(folder.resolve("b.png"), 16, 32, Color.BLUE);
    List<Path> files = List.of(folder.resolve("a.png"), folder.resolve("b.png"));
    String key = SearchCommand.cacheKey(model, folder, files);
    // the key is computable from public data: plant it in the old key file and in the zip
    SearchFixture.gallery(
        folder.resolve(SearchCommand.CACHE), List.of("../home/id_rsa", "b.png"), key);
    Files.writeString(folder.resolve(".tbps-gallery.key"), key + "\n");
    Path page = dir.resolve("planted-page.html");
    CliRun r = search(folder, page);
    assertEquals(0, r.exitCode(), r.err());
    assertNoSecret(page);
    assertFalse(r.out().contains("id_rsa"), r.out());
    // the folder was embedded again: the cache now lists the folder's own images
    try (ZipFile z = new ZipFile(folder.resolve(SearchCommand.CACHE).toFile())) {
      JsonNode meta = Json.MAPPER.readTree(z.getInputStream(z.getEntry("gallery.json")));
      List<String> paths = new ArrayList<>();
      meta.get("paths").forEach(p -> paths.add(p.asText()));
      assertEquals(List.of("a.png", "b.png"), paths);
    }
  }

  @Test
  void theFolderCacheCarriesItsKeyInsideTheZip() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("keyed"));
    SearchFixture.png(folder.resolve("a.png"), 16, 32, Color.RED);
    SearchFixture.png(folder.resolve("sub/b.png"), 16, 32, Color.BLUE);
    CliRun r = search(folder, dir.resolve("keyed-page.html"));
    assertEquals(0, r.exitCode(), r.err());
    assertFalse(
        Files.exists(folder.resolve(".tbps-gallery.key")),
        "no separate key file: a second search could pair one search's zip with another's key");
    String key =
        SearchCommand.cacheKey(
            model, folder, List.of(folder.resolve("a.png"), folder.resolve("sub/b.png")));
    try (ZipFile z = new ZipFile(folder.resolve(SearchCommand.CACHE).toFile())) {
      JsonNode meta = Json.MAPPER.readTree(z.getInputStream(z.getEntry("gallery.json")));
      assertEquals(key, meta.path("key").asText(), meta.toString());
    }
    // a cache from another model (another key) is not used: embedded again
    var stamp = Files.getLastModifiedTime(folder.resolve(SearchCommand.CACHE));
    Path other = SearchFixture.model(dir.resolve("other-model.zip"), "a child with a kite");
    Thread.sleep(20);
    CliRun r2 =
        CliRun.of(
            "search",
            "--model",
            other.toString(),
            "--gallery",
            folder.toString(),
            "--query",
            "a red coat");
    assertEquals(0, r2.exitCode(), r2.err());
    try (ZipFile z = new ZipFile(folder.resolve(SearchCommand.CACHE).toFile())) {
      JsonNode meta = Json.MAPPER.readTree(z.getInputStream(z.getEntry("gallery.json")));
      assertEquals(
          SearchCommand.cacheKey(
              other, folder, List.of(folder.resolve("a.png"), folder.resolve("sub/b.png"))),
          meta.path("key").asText());
    }
    assertTrue(
        Files.getLastModifiedTime(folder.resolve(SearchCommand.CACHE)).compareTo(stamp) >= 0);
  }
}
