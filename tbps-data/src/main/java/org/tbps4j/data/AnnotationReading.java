package org.tbps4j.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Loading, step 1: the annotation file read entry by entry ({@link PedesRecordReader#nextEntry()})
 * into per-split image lists, with the reader's problems and what it skipped.
 */
final class AnnotationReading {
  private AnnotationReading() {}

  /**
   * What reading gave.
   *
   * @param bySplit image entries per split, in file order (mutable: the later steps move and drop
   *     entries)
   * @param problems the reader's problems, in entry order (mutable)
   * @param skippedEntries entries skipped for missing/wrong fields, bad values or unsafe paths
   * @param skippedCaptions blank captions skipped
   * @param duplicates duplicate image entries ignored
   */
  record Result(
      Map<Split, List<ImageRecord>> bySplit,
      List<Problem> problems,
      int skippedEntries,
      int skippedCaptions,
      int duplicates) {}

  /**
   * Reads an annotation file.
   *
   * @param format the annotation format
   * @param file the annotation file
   * @param options reading options
   * @return the entries per split, the problems and the skip counts
   * @throws IOException on read failures
   */
  static Result read(DatasetFormat format, Path file, ReadOptions options) throws IOException {
    List<Problem> problems = new ArrayList<>();
    Map<Split, List<ImageRecord>> bySplit = new EnumMap<>(Split.class);
    for (Split s : Split.values()) {
      bySplit.put(s, new ArrayList<>());
    }
    try (PedesRecordReader reader = format.newReader(options)) {
      reader.initialize(file);
      while (reader.hasNextEntry()) {
        ImageRecord r = reader.nextEntry();
        bySplit.get(r.split()).add(r);
      }
      problems.addAll(reader.problems());
      int duplicates =
          (int) problems.stream().filter(p -> p.kind() == ProblemKind.DUPLICATE_IMAGE).count();
      return new Result(
          bySplit,
          problems,
          reader.skippedEntries() - duplicates,
          reader.skippedCaptions(),
          duplicates);
    }
  }
}
