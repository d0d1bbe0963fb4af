package org.tbps4j.search.index;

import org.tbps4j.search.ImageItem;
import org.tbps4j.search.SafeImages;

/**
 * One image of an index: its stored relative path (the key), its identity when known, and its size.
 *
 * @param path relative path under the index's image root, in normal form
 * @param personId the identity, or {@link ImageItem#UNKNOWN_ID}
 * @param width original width in pixels
 * @param height original height in pixels
 */
public record IndexedImage(String path, long personId, int width, int height) {
  /**
   * Validates the path.
   *
   * @throws IllegalArgumentException when the path is not a relative path in normal form
   */
  public IndexedImage {
    String why = SafeImages.badStoredPath(path);
    if (why != null) {
      throw new IllegalArgumentException(
          "image path \"" + SafeImages.printable(String.valueOf(path)) + "\" " + why);
    }
  }

  /**
   * Whether the identity is known.
   *
   * @return true when {@code personId} is not {@link ImageItem#UNKNOWN_ID}
   */
  public boolean hasId() {
    return personId != ImageItem.UNKNOWN_ID;
  }
}
