package org.tbps4j.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Loading, step 4, and the verdict: checks of the dataset as a whole (a person id in several
 * splits, a train identity with one sample, an empty split), the order of the problem list, and the
 * message that refuses a dataset with errors ({@link PedesDataset#requireUsable()}).
 */
final class DatasetChecks {
  private DatasetChecks() {}

  /**
   * Adds the whole-dataset problems: {@link ProblemKind#ID_IN_SEVERAL_SPLITS} (warning), {@link
   * ProblemKind#SINGLE_SAMPLE_IDENTITY} (note) and {@link ProblemKind#EMPTY_SPLIT} (error for
   * train, warning for val and test).
   *
   * @param bySplit image entries per split (after carving and image checks)
   * @param out the problems so far, in entry order; problems about an entry are merged in by entry,
   *     the others appended
   * @param file the annotation file (named by the problems)
   */
  static void check(Map<Split, List<ImageRecord>> bySplit, List<Problem> out, Path file) {
    List<Problem> extra = new ArrayList<>();
    // identities in several splits
    Map<Long, Map<Split, Integer>> where = new TreeMap<>();
    for (Split s : Split.values()) {
      for (ImageRecord r : bySplit.get(s)) {
        where
            .computeIfAbsent(r.personId(), k -> new EnumMap<>(Split.class))
            .putIfAbsent(s, r.entryIndex());
      }
    }
    for (Map.Entry<Long, Map<Split, Integer>> e : where.entrySet()) {
      if (e.getValue().size() > 1) {
        StringBuilder sb = new StringBuilder("person id " + e.getKey() + " appears in ");
        List<String> parts = new ArrayList<>();
        e.getValue().forEach((s, entry) -> parts.add(s + " (entry " + entry + ")"));
        sb.append(String.join(" and ", parts))
            .append(": splits should be by identity (evaluation would see training people)");
        extra.add(problem(ProblemKind.ID_IN_SEVERAL_SPLITS, Severity.WARNING, -1, file, sb));
      }
    }
    // identities with a single sample (train)
    Map<Long, int[]> samples = new LinkedHashMap<>();
    Map<Long, Integer> firstEntry = new HashMap<>();
    for (ImageRecord r : bySplit.get(Split.TRAIN)) {
      samples.computeIfAbsent(r.personId(), k -> new int[1])[0] += r.captions().size();
      firstEntry.putIfAbsent(r.personId(), r.entryIndex());
    }
    for (Map.Entry<Long, int[]> e : samples.entrySet()) {
      if (e.getValue()[0] == 1) {
        extra.add(
            problem(
                ProblemKind.SINGLE_SAMPLE_IDENTITY,
                Severity.NOTE,
                firstEntry.get(e.getKey()),
                file,
                "train person id "
                    + e.getKey()
                    + " has a single image-caption sample; kept (the P×K sampler repeats it)"));
      }
    }
    mergeByEntry(out, extra.stream().filter(p -> p.entry() >= 0).toList());
    out.addAll(extra.stream().filter(p -> p.entry() < 0).toList());
    for (Split s : Split.values()) {
      boolean noCaptions = bySplit.get(s).stream().allMatch(r -> r.captions().isEmpty());
      if (bySplit.get(s).isEmpty() || (s == Split.TRAIN && noCaptions)) {
        Severity sev = s == Split.TRAIN ? Severity.ERROR : Severity.WARNING;
        String what = bySplit.get(s).isEmpty() ? "no images" : "no captions";
        out.add(
            problem(
                ProblemKind.EMPTY_SPLIT,
                sev,
                -1,
                file,
                "split "
                    + s
                    + " has "
                    + what
                    + (s == Split.TRAIN ? "; training needs it" : "; it cannot be evaluated")));
      }
    }
  }

  /**
   * Why a dataset with errors is refused: the first ten errors (kind, entry, file, line, field),
   * how many more there are, and the options that would skip them.
   *
   * @param format the annotation format
   * @param root the dataset root
   * @param errors the problems of severity {@link Severity#ERROR} (at least one)
   * @return the message
   */
  static String refusal(DatasetFormat format, Path root, List<Problem> errors) {
    StringBuilder sb =
        new StringBuilder(
            format
                + " dataset "
                + root
                + " is not usable: "
                + errors.size()
                + (errors.size() == 1 ? " error" : " errors"));
    int shown = Math.min(10, errors.size());
    for (int i = 0; i < shown; i++) {
      sb.append(System.lineSeparator())
          .append("  ")
          .append(errors.get(i).kind().jsonName())
          .append(": ")
          .append(errors.get(i).describe());
    }
    if (errors.size() > shown) {
      sb.append(System.lineSeparator())
          .append("  ... and ")
          .append(errors.size() - shown)
          .append(" more (tbps data validate lists them all)");
    }
    Set<ProblemKind> kinds = new HashSet<>();
    errors.forEach(p -> kinds.add(p.kind()));
    if (kinds.contains(ProblemKind.MISSING_FIELD)
        || kinds.contains(ProblemKind.WRONG_TYPE)
        || kinds.contains(ProblemKind.BAD_VALUE)
        || kinds.contains(ProblemKind.DUPLICATE_KEY)) {
      sb.append(System.lineSeparator())
          .append("(lenient reading, --lenient, skips entries with missing or wrong fields)");
    }
    if (kinds.contains(ProblemKind.MISSING_IMAGE) || kinds.contains(ProblemKind.UNREADABLE_IMAGE)) {
      sb.append(System.lineSeparator())
          .append("(--skip-bad-images skips missing or unreadable images)");
    }
    return sb.toString();
  }

  private static Problem problem(
      ProblemKind kind, Severity sev, int entry, Path file, CharSequence message) {
    return new Problem(kind, sev, entry, file.toString(), -1, -1, message.toString());
  }

  /**
   * Inserts entry-ordered problems into an entry-ordered list (entry −1 stays last).
   *
   * @param into the list, in entry order (changed in place)
   * @param add the problems to insert, in entry order
   */
  static void mergeByEntry(List<Problem> into, List<Problem> add) {
    if (add.isEmpty()) {
      return;
    }
    List<Problem> merged = new ArrayList<>(into.size() + add.size());
    int i = 0;
    int j = 0;
    while (i < into.size() || j < add.size()) {
      if (j >= add.size()) {
        merged.add(into.get(i++));
      } else if (i >= into.size()) {
        merged.add(add.get(j++));
      } else if (key(into.get(i)) <= key(add.get(j))) {
        merged.add(into.get(i++));
      } else {
        merged.add(add.get(j++));
      }
    }
    into.clear();
    into.addAll(merged);
  }

  private static long key(Problem p) {
    return p.entry() < 0 ? Long.MAX_VALUE : p.entry();
  }
}
