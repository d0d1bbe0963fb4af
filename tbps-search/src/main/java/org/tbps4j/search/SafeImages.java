package org.tbps4j.search;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.tbps4j.data.ImagePaths;
import org.tbps4j.data.image.ImageDecodeException;
import org.tbps4j.data.image.ImageFiles;

/**
 * How the search side opens image files (see docs/security.md and docs/search.md): a stored path is
 * relative, in normal form ({@code a/b.jpg}, no {@code .}, {@code ..}, empty segment, backslash or
 * control character) and is resolved only inside its image root, by real path (every symbolic link
 * resolved); an image is decoded only when its header announces at most {@link
 * ImageFiles#maxPixels()} pixels (the data module's limit, {@code TBPS_MAX_IMAGE_PIXELS}); what is
 * shown to a user is a decoded image re-encoded at a bounded size, never the file's bytes.
 */
public final class SafeImages {
  /** Image file name endings a folder scan picks up. */
  public static final String EXTENSIONS = "jpg, jpeg, png, bmp";

  private SafeImages() {}

  /**
   * Why a stored path is refused, or null when it is a relative path in normal form.
   *
   * @param path the stored path
   * @return the reason, or null
   */
  public static String badStoredPath(String path) {
    if (path == null || path.isEmpty()) {
      return "is empty";
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\') {
        return "contains a control character or a backslash";
      }
    }
    String lexical = ImagePaths.unsafeReason(path);
    if (lexical != null) {
      return lexical;
    }
    if (!path.equals(ImagePaths.normalise(path))) {
      return "is not in normal form (no '.', '..' or empty segments)";
    }
    return null;
  }

  /**
   * Resolves a stored path inside a root: the path must pass {@link #badStoredPath} and its real
   * path must lie inside the root's real path.
   *
   * @param realRoot the image root's real path ({@link Path#toRealPath})
   * @param stored the stored relative path
   * @return the file's real path
   * @throws IllegalArgumentException naming the path when it is refused
   * @throws NoSuchFileException when the file does not exist
   * @throws IOException on other file-system errors
   */
  public static Path resolve(Path realRoot, String stored) throws IOException {
    String why = badStoredPath(stored);
    if (why != null) {
      throw new IllegalArgumentException(
          "image path \"" + printable(stored) + "\" " + why + "; refused");
    }
    return inside(realRoot, realRoot.resolve(stored), stored);
  }

  /**
   * Checks that a file lies inside a folder once links are resolved.
   *
   * @param realRoot the folder's real path
   * @param file the file
   * @param shown how the file is named in messages
   * @return the file's real path
   * @throws IllegalArgumentException when it resolves outside {@code realRoot}
   * @throws IOException when it does not exist or cannot be resolved
   */
  public static Path inside(Path realRoot, Path file, String shown) throws IOException {
    Path real = file.toRealPath();
    if (!real.startsWith(realRoot) || real.equals(realRoot)) {
      throw new IllegalArgumentException(
          "image "
              + printable(shown)
              + " resolves outside the image root "
              + printable(realRoot.toString())
              + " (a symbolic link out of it); refused");
    }
    return real;
  }

  /**
   * The stored form of a file's path under a root: relative, {@code /}-separated.
   *
   * @param root the root (as given)
   * @param file a file under it (as given)
   * @return the stored path
   */
  public static String stored(Path root, Path file) {
    return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
  }

  /** A file under a root that a folder scan refused, with the reason. */
  public record Refused(Path file, String reason) {}

  /**
   * The image files under a folder (recursively, names ending in one of {@link #EXTENSIONS}, hidden
   * files and folders skipped), sorted by stored path, each checked to lie inside the folder by
   * real path. Files that fail the check are returned in {@code refused}, not in the result.
   *
   * @param root the folder
   * @param refused receives the files refused (links out of the folder, unsafe names)
   * @return the images with their stored paths and real files (person id unknown)
   * @throws IOException when the folder cannot be read
   */
  public static List<ImageItem> scan(Path root, List<Refused> refused) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new NoSuchFileException(root.toString(), null, "no such image folder");
    }
    Path realRoot = root.toRealPath();
    List<Path> files;
    try (Stream<Path> s = Files.walk(root)) {
      files =
          s.filter(p -> !root.relativize(p).toString().matches("(.*[/\\\\])?\\..*"))
              .filter(SafeImages::hasImageExtension)
              .filter(Files::isRegularFile)
              .sorted()
              .toList();
    }
    List<ImageItem> out = new ArrayList<>(files.size());
    for (Path f : files) {
      String stored = stored(root, f);
      String why = badStoredPath(stored);
      if (why != null) {
        refused.add(new Refused(f, "its path " + why));
        continue;
      }
      try {
        out.add(new ImageItem(stored, ImageItem.UNKNOWN_ID, inside(realRoot, f, stored)));
      } catch (IllegalArgumentException e) {
        refused.add(new Refused(f, e.getMessage()));
      }
    }
    return out;
  }

  /**
   * Whether a file name ends in one of {@link #EXTENSIONS} (case-insensitive).
   *
   * @param p the file
   * @return true for an image name
   */
  public static boolean hasImageExtension(Path p) {
    Path name = p.getFileName();
    return name != null && name.toString().toLowerCase(Locale.ROOT).matches(".*\\.(jpe?g|png|bmp)");
  }

  /**
   * An image's size from its header, checked against the pixel limit ({@link
   * ImageFiles#checkPixels}: {@code TBPS_MAX_IMAGE_PIXELS}, the same limit and message as the
   * dataset readers').
   *
   * @param file the image
   * @return {@code {width, height}}
   * @throws NoSuchFileException when the file does not exist
   * @throws ImageDecodeException when it is not an image or above the limit (names the file)
   * @throws IOException on read errors
   */
  public static int[] size(Path file) throws IOException {
    if (!Files.exists(file)) {
      throw new NoSuchFileException(file.toString());
    }
    long[] wh = ImageFiles.headerSize(file);
    ImageFiles.checkPixels(file, wh[0], wh[1]);
    return new int[] {(int) wh[0], (int) wh[1]};
  }

  /**
   * A decoded image scaled to fit a box (never enlarged) and encoded as JPEG: what pages and the
   * server show, never the file's own bytes.
   *
   * @param file the image (already resolved inside its root)
   * @param maxWidth box width
   * @param maxHeight box height
   * @return JPEG bytes
   * @throws IOException when the image cannot be read or decoded
   */
  public static byte[] thumbnailJpeg(Path file, int maxWidth, int maxHeight) throws IOException {
    BufferedImage src = ImageFiles.read(file);
    double scale =
        Math.min(
            1.0,
            Math.min((double) maxWidth / src.getWidth(), (double) maxHeight / src.getHeight()));
    int w = Math.max(1, (int) Math.round(src.getWidth() * scale));
    int h = Math.max(1, (int) Math.round(src.getHeight() * scale));
    BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = dst.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setColor(java.awt.Color.WHITE);
      g.fillRect(0, 0, w, h);
      g.drawImage(src, 0, 0, w, h, null);
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ImageIO.write(dst, "jpg", out)) {
      throw new IOException("no JPEG writer in this JVM");
    }
    return out.toByteArray();
  }

  /**
   * A string with control characters escaped, for messages ({@link ImageFiles#printable}).
   *
   * @param s any string
   * @return printable text
   */
  public static String printable(String s) {
    return ImageFiles.printable(s);
  }
}
