package org.tbps4j.data.image;

import java.nio.file.Path;

/**
 * An image file exists but cannot be decoded (corrupt, truncated, not an image, unsupported
 * format). A bad-input error: the command line turns it into exit code 2.
 */
public final class ImageDecodeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The file, as a string (Path is not serializable). */
  private final String file;

  /**
   * Creates the exception.
   *
   * @param file the image file
   * @param reason what the decoder said
   * @param cause the decoder's exception, or null
   */
  public ImageDecodeException(Path file, String reason, Throwable cause) {
    super("cannot decode image " + file + ": " + reason, cause);
    this.file = file.toString();
  }

  /**
   * The image file.
   *
   * @return its path
   */
  public Path file() {
    return Path.of(file);
  }
}
