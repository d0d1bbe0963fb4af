package org.tbps4j.data;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The three supported annotation formats (docs/data.md). All three are a JSON array of image
 * entries with {@code id}, {@code split}, {@code captions} and an image path under {@code imgs/};
 * they differ in the path key, the default file name and whether a val split exists.
 */
public enum DatasetFormat {
  /** CUHK-PEDES: {@code reid_raw.json}, {@code file_path}, train/val/test, ids from 1. */
  CUHK_PEDES("cuhk-pedes", "file_path", true, List.of("reid_raw.json", "caption_all.json")),
  /**
   * ICFG-PEDES: {@code ICFG-PEDES.json}, {@code file_path}, train/test only (val carved out of
   * train by identity, see {@link ReadOptions#valIds}), ids from 0.
   */
  ICFG_PEDES("icfg-pedes", "file_path", false, List.of("ICFG-PEDES.json", "ICFG_PEDES.json")),
  /** RSTPReid: {@code data_captions.json}, {@code img_path}, train/val/test. */
  RSTPREID("rstpreid", "img_path", true, List.of("data_captions.json"));

  private final String cliName;
  private final String pathField;
  private final boolean hasValSplit;
  private final List<String> annotationFiles;

  DatasetFormat(String cliName, String pathField, boolean hasValSplit, List<String> files) {
    this.cliName = cliName;
    this.pathField = pathField;
    this.hasValSplit = hasValSplit;
    this.annotationFiles = files;
  }

  /**
   * The name on the command line and in reports.
   *
   * @return {@code cuhk-pedes}, {@code icfg-pedes} or {@code rstpreid}
   */
  public String cliName() {
    return cliName;
  }

  /**
   * The entry field holding the image path.
   *
   * @return {@code file_path} or {@code img_path}
   */
  public String pathField() {
    return pathField;
  }

  /**
   * Whether the format's annotation file has a val split.
   *
   * @return false for ICFG-PEDES
   */
  public boolean hasValSplit() {
    return hasValSplit;
  }

  /**
   * Annotation file names looked for under the dataset root, in order.
   *
   * @return the file names
   */
  public List<String> annotationFiles() {
    return annotationFiles;
  }

  /**
   * Finds the annotation file under a dataset root.
   *
   * @param root the dataset root
   * @return the first of {@link #annotationFiles()} that exists
   * @throws NoSuchFileException naming the root and the names looked for
   */
  public Path findAnnotations(Path root) throws NoSuchFileException {
    if (!Files.isDirectory(root)) {
      throw new NoSuchFileException(root.toString(), null, "dataset root is not a directory");
    }
    for (String name : annotationFiles) {
      Path p = root.resolve(name);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new NoSuchFileException(
        root.resolve(annotationFiles.get(0)).toString(),
        null,
        "no "
            + cliName
            + " annotation file in the dataset root (looked for "
            + String.join(", ", annotationFiles)
            + "); name it with --annotations");
  }

  /**
   * A new reader for this format.
   *
   * @param options reading options
   * @return an uninitialised reader
   */
  public PedesRecordReader newReader(ReadOptions options) {
    return switch (this) {
      case CUHK_PEDES -> new CuhkPedesRecordReader(options);
      case ICFG_PEDES -> new IcfgPedesRecordReader(options);
      case RSTPREID -> new RstpReidRecordReader(options);
    };
  }

  /**
   * Parses a command-line format name.
   *
   * @param name {@code cuhk-pedes}, {@code icfg-pedes} or {@code rstpreid} (case-insensitive)
   * @return the format
   * @throws IllegalArgumentException naming the valid names
   */
  public static DatasetFormat fromName(String name) {
    for (DatasetFormat f : values()) {
      if (f.cliName.equalsIgnoreCase(name) || f.name().equalsIgnoreCase(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown dataset format \"" + name + "\" (valid: " + validNames() + ")");
  }

  /**
   * The valid format names, comma-separated.
   *
   * @return {@code "cuhk-pedes, icfg-pedes, rstpreid"}
   */
  public static String validNames() {
    return Arrays.stream(values()).map(DatasetFormat::cliName).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return cliName;
  }
}
