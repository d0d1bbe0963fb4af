package org.tbps4j.data;

import org.tbps4j.data.image.ImageFiles;

/**
 * One problem found while reading or validating a dataset.
 *
 * @param kind what is wrong
 * @param severity whether it makes the dataset unusable under the options used
 * @param entry 0-based index of the entry in the annotation file's top-level array, or {@code -1}
 *     when the problem is not about one entry
 * @param file the file concerned (annotation file or image), as given/resolved
 * @param line 1-based line in the annotation file where the entry or error starts, or {@code -1}
 * @param column 1-based column, or {@code -1}
 * @param message what is wrong and what would be valid, without the location prefix; control
 *     characters (from paths, split names, captions of the file) are escaped as {@code \}{@code
 *     uXXXX}, so a message is safe to print on a terminal
 */
public record Problem(
    ProblemKind kind,
    Severity severity,
    int entry,
    String file,
    int line,
    int column,
    String message) {

  /** Escapes control characters in the file name and the message. */
  public Problem {
    file = file == null ? null : ImageFiles.printable(file);
    message = ImageFiles.printable(message);
  }

  /**
   * A one-line description with its location: {@code file:line:column: entry N: message}.
   *
   * @return the description
   */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    if (file != null) {
      sb.append(file);
      if (line > 0) {
        sb.append(':').append(line);
        if (column > 0) {
          sb.append(':').append(column);
        }
      }
      sb.append(": ");
    }
    if (entry >= 0) {
      sb.append("entry ").append(entry).append(": ");
    }
    return sb.append(message).toString();
  }

  @Override
  public String toString() {
    return severity.jsonName() + " " + kind.jsonName() + ": " + describe();
  }
}
