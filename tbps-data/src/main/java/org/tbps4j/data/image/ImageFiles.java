package org.tbps4j.data.image;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.tbps4j.data.ImagePaths;

/**
 * The one way image files are opened (see docs/security.md): a relative image path is resolved
 * under its root folder and accepted only when it is lexically safe ({@link ImagePaths}) and its
 * real path — every symbolic link resolved — lies inside the root's real path; an image is decoded
 * only after its header says it has at most {@link #maxPixels()} pixels.
 *
 * <p>The root itself may be a link (a dataset's {@code imgs/} on another disk is fine); a link
 * inside it that leads out of it is refused with an {@link UnsafeImagePathException}.
 */
public final class ImageFiles {
  /** System property with the pixel limit per image. */
  public static final String MAX_PIXELS_PROPERTY = "tbps.maxImagePixels";

  /** Environment variable with the pixel limit per image (the property wins). */
  public static final String MAX_PIXELS_ENV = "TBPS_MAX_IMAGE_PIXELS";

  /** Default pixel limit per image: 64 Mi pixels (e.g. 8192 × 8192). */
  public static final long DEFAULT_MAX_PIXELS = 64L << 20;

  private ImageFiles() {}

  /**
   * An image path that is absolute, climbs out of its root, or reaches outside it through a link. A
   * bad-input error (exit code 2 on the command line).
   */
  public static final class UnsafeImagePathException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the path
     */
    public UnsafeImagePathException(String message) {
      super(message);
    }
  }

  /**
   * Resolves a stored relative path under a root, checking it lexically and by real path.
   *
   * @param root the folder the path is relative to
   * @param relative the stored path ({@code /} or {@code \} separated)
   * @return the real path of the file
   * @throws UnsafeImagePathException if the path is unsafe or leads outside the root
   * @throws NoSuchFileException if the file (or the root) does not exist
   * @throws IOException on other file-system errors
   */
  public static Path resolve(Path root, String relative) throws IOException {
    String why = ImagePaths.unsafeReason(relative);
    if (why != null) {
      throw new UnsafeImagePathException(
          "image path \"" + printable(relative) + "\" " + why + "; refused");
    }
    return inside(root.toRealPath(), root.resolve(relative), relative);
  }

  /**
   * Checks that a file lies inside a folder once links are resolved.
   *
   * @param realRoot the folder's real path ({@link Path#toRealPath})
   * @param file the file
   * @param shown how the file is named in messages (the stored path)
   * @return the file's real path
   * @throws UnsafeImagePathException if the real path is outside {@code realRoot}
   * @throws NoSuchFileException if the file does not exist
   * @throws IOException on other file-system errors
   */
  public static Path inside(Path realRoot, Path file, String shown) throws IOException {
    Path real = file.toRealPath();
    if (!real.startsWith(realRoot) || real.equals(realRoot)) {
      throw new UnsafeImagePathException(
          "image "
              + printable(shown)
              + " resolves to "
              + printable(real.toString())
              + ", outside "
              + printable(realRoot.toString())
              + " (a symbolic link out of the image folder); refused");
    }
    return real;
  }

  /**
   * The pixel limit per image: {@value #MAX_PIXELS_PROPERTY}, else {@value #MAX_PIXELS_ENV}, else
   * {@link #DEFAULT_MAX_PIXELS}.
   *
   * @return pixels (width × height) an image may have
   * @throws IllegalArgumentException if the setting is not a positive integer
   */
  public static long maxPixels() {
    String v = System.getProperty(MAX_PIXELS_PROPERTY);
    String from = "-D" + MAX_PIXELS_PROPERTY;
    if (v == null) {
      v = System.getenv(MAX_PIXELS_ENV);
      from = MAX_PIXELS_ENV;
    }
    if (v == null || v.isBlank()) {
      return DEFAULT_MAX_PIXELS;
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          from + "=" + v + ": the pixel limit per image must be a positive integer");
    }
  }

  /**
   * Refuses an image above the pixel limit: the one check (and message) for every reader of image
   * files, the datasets' and the search side's.
   *
   * @param file the image (for the message)
   * @param width its width from the header
   * @param height its height from the header
   * @throws ImageDecodeException naming the file, its size and the limit
   */
  public static void checkPixels(Path file, long width, long height) {
    if (width < 1 || height < 1) {
      throw new ImageDecodeException(file, "empty image (" + width + "x" + height + ")", null);
    }
    long max = maxPixels();
    if (width > max || height > max || width * height > max) {
      throw new ImageDecodeException(
          file,
          String.format(
              Locale.ROOT,
              "%dx%d pixels is above the limit of %,d pixels per image (%dx%d = %,d pixels; the"
                  + " limit is %s or -D%s)",
              width,
              height,
              max,
              width,
              height,
              width * height,
              MAX_PIXELS_ENV,
              MAX_PIXELS_PROPERTY),
          null);
    }
  }

  /**
   * Decodes an image file after checking its size from the header against {@link #maxPixels()}.
   *
   * @param file the image (jpg, png, bmp, ...)
   * @return the decoded image
   * @throws NoSuchFileException if the file does not exist
   * @throws ImageDecodeException if it is not a decodable image or above the pixel limit
   * @throws IOException on other read failures
   */
  public static BufferedImage read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString());
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      if (in == null) {
        throw new ImageDecodeException(file, "cannot open it as an image stream", null);
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new ImageDecodeException(file, "not a known image format (jpg, png, bmp, ...)", null);
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        checkPixels(file, reader.getWidth(0), reader.getHeight(0));
        BufferedImage img = reader.read(0, reader.getDefaultReadParam());
        if (img == null) {
          throw new ImageDecodeException(file, "the decoder returned no image", null);
        }
        return img;
      } finally {
        reader.dispose();
      }
    } catch (ImageDecodeException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      rethrowVmError(e); // some readers wrap an OutOfMemoryError into an IIOException
      throw new ImageDecodeException(file, String.valueOf(e.getMessage()), e);
    }
  }

  private static void rethrowVmError(Throwable e) {
    for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
      if (t instanceof VirtualMachineError vme) {
        throw vme;
      }
    }
  }

  /**
   * Width and height from an image file's header, without decoding it.
   *
   * @param file the image
   * @return {@code {width, height}}
   * @throws ImageDecodeException if the header cannot be read
   * @throws IOException on other read failures
   */
  public static long[] headerSize(Path file) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      if (in == null) {
        throw new ImageDecodeException(file, "cannot open it as an image stream", null);
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new ImageDecodeException(file, "not a known image format (jpg, png, bmp, ...)", null);
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        return new long[] {reader.getWidth(0), reader.getHeight(0)};
      } finally {
        reader.dispose();
      }
    } catch (ImageDecodeException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new ImageDecodeException(file, String.valueOf(e.getMessage()), e);
    }
  }

  /**
   * A thumbnail: the decoded image scaled to a height (bilinear, aspect kept) and encoded as a JPEG
   * {@code data:} URI. The file's own bytes never reach the result.
   *
   * @param image a decoded image
   * @param height the thumbnail height in pixels
   * @return {@code data:image/jpeg;base64,...}
   * @throws IOException if the JPEG cannot be written
   */
  public static String jpegDataUri(BufferedImage image, int height) throws IOException {
    int w =
        (int)
            Math.max(
                1,
                Math.min(
                    16L * height,
                    Math.round((double) image.getWidth() * height / image.getHeight())));
    BufferedImage dst = new BufferedImage(w, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = dst.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(image, 0, 0, w, height, null);
    g.dispose();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    if (!ImageIO.write(dst, "jpg", buf)) {
      throw new IOException("no JPEG writer available");
    }
    return "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(buf.toByteArray());
  }

  /**
   * A string for a terminal or log line: control characters (and other non-printing characters)
   * become {@code \}{@code uXXXX} escapes, so a file name cannot move the cursor or recolour the
   * screen.
   *
   * @param s any text
   * @return the text with control characters escaped
   */
  public static String printable(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean bad =
          Character.isISOControl(c)
              || Character.getType(c) == Character.FORMAT
              || c == '\u2028'
              || c == '\u2029';
      if (bad) {
        if (b == null) {
          b = new StringBuilder(s.length() + 8).append(s, 0, i);
        }
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? s : b.toString();
  }
}
