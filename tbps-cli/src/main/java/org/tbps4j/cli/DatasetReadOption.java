package org.tbps4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tbps4j.data.DatasetFormat;
import org.tbps4j.data.PedesDataset;
import org.tbps4j.data.ReadOptions;
import picocli.CommandLine.Option;

/**
 * The {@code --lenient} and {@code --skip-bad-images} options of the commands that read a dataset
 * to evaluate on ({@code tbps eval}, {@code probe}), and the one way they read it: the same rules
 * as {@code train} and {@code data validate} — a dataset with errors is refused (exit code 2, the
 * message lists them), and what the options skip is counted on standard error.
 */
final class DatasetReadOption {
  @Option(
      names = "--lenient",
      description =
          "Skip entries with a missing field, wrong type or bad value (counted) instead of"
              + " refusing the dataset. Unsafe image paths and malformed JSON are refused regardless.")
  boolean lenient;

  @Option(
      names = "--skip-bad-images",
      description = "Skip missing or unreadable images (counted) instead of refusing the dataset.")
  boolean skipBadImages;

  /**
   * Reads a dataset and refuses it when it has errors.
   *
   * @param format the format
   * @param root the dataset root
   * @param err where the skip counts go
   * @param command the command name for the message
   * @return the usable dataset
   * @throws IOException if the annotation file cannot be read
   * @throws IllegalArgumentException listing the errors when the dataset is not usable
   */
  PedesDataset load(DatasetFormat format, Path root, PrintWriter err, String command)
      throws IOException {
    return load(format, root, lenient, skipBadImages, err, command);
  }

  /**
   * Reads a dataset with explicit options (the quickstart takes them from its config).
   *
   * @param format the format
   * @param root the dataset root
   * @param lenient skip bad entries
   * @param skipBadImages skip bad images
   * @param err where the skip counts go
   * @param command the command name for the message
   * @return the usable dataset
   * @throws IOException if the annotation file cannot be read
   */
  static PedesDataset load(
      DatasetFormat format,
      Path root,
      boolean lenient,
      boolean skipBadImages,
      PrintWriter err,
      String command)
      throws IOException {
    ReadOptions options =
        ReadOptions.defaults().withLenient(lenient).withSkipBadImages(skipBadImages);
    PedesDataset ds = PedesDataset.load(format, root, null, options).requireUsable();
    String skipped = skipped(ds.skipped());
    if (skipped != null) {
      err.println(command + ": " + skipped);
      err.flush();
    }
    return ds;
  }

  /** "skipped 1 entry (--lenient), 2 bad images (--skip-bad-images)", or null when none. */
  static String skipped(PedesDataset.Skipped s) {
    List<String> parts = new ArrayList<>();
    if (s.entries() > 0) {
      parts.add(
          s.entries()
              + (s.entries() == 1 ? " entry" : " entries")
              + " with a missing or wrong field (--lenient)");
    }
    if (s.badImages() > 0) {
      parts.add(
          s.badImages()
              + (s.badImages() == 1 ? " bad image" : " bad images")
              + " (--skip-bad-images)");
    }
    return parts.isEmpty() ? null : "skipped " + String.join(", ", parts);
  }
}
