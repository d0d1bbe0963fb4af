package org.tbps4j.data;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Lexical checks and normalisation of image paths from annotation files. A path is safe when it is
 * relative and, after resolving {@code .} and {@code ..} segments, stays inside the directory it is
 * relative to. Both {@code /} and {@code \} count as separators, so Windows-style paths are checked
 * the same way.
 */
public final class ImagePaths {

  private ImagePaths() {}

  /**
   * Why a path is unsafe, or null when it is safe.
   *
   * @param path the path as written in the annotation file
   * @return a reason ("is absolute", "leaves the dataset root", "is empty"), or null
   */
  public static String unsafeReason(String path) {
    if (path == null || path.isBlank()) {
      return "is empty";
    }
    if (path.indexOf('\0') >= 0) {
      return "contains a NUL character";
    }
    if (path.startsWith("/")
        || path.startsWith("\\")
        || path.startsWith("~")
        || (path.length() >= 2 && path.charAt(1) == ':' && Character.isLetter(path.charAt(0)))) {
      return "is absolute (image paths must be relative to the dataset's image directory)";
    }
    if (normalise(path) == null) {
      return "leaves the dataset root (\"..\" above the image directory)";
    }
    return null;
  }

  /**
   * Normalises a relative path: separators become {@code /}, empty and {@code .} segments are
   * dropped and {@code ..} removes the previous segment.
   *
   * @param path a relative path
   * @return the normalised path, or null if a {@code ..} would climb above the start or nothing is
   *     left
   */
  public static String normalise(String path) {
    Deque<String> parts = new ArrayDeque<>();
    for (String seg : path.split("[/\\\\]")) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        if (parts.isEmpty()) {
          return null;
        }
        parts.removeLast();
      } else {
        parts.addLast(seg);
      }
    }
    return parts.isEmpty() ? null : String.join("/", parts);
  }
}
