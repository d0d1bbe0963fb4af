package org.tbps4j.search;

import java.nio.file.Path;

/**
 * One image to embed: the path it is known by (relative to its image root, {@code /}-separated),
 * its person id when known, and the file to read (already checked to lie inside the root).
 *
 * @param path the stored relative path
 * @param personId the identity, or {@link #UNKNOWN_ID}
 * @param file the file to decode
 */
public record ImageItem(String path, long personId, Path file) {
  /** Person id of an image whose identity is not known (a camera archive). */
  public static final long UNKNOWN_ID = Long.MIN_VALUE;

  /**
   * Whether the identity is known.
   *
   * @return {@code personId != UNKNOWN_ID}
   */
  public boolean hasId() {
    return personId != UNKNOWN_ID;
  }
}
