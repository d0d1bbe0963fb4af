package org.tbps4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.tbps4j.data.image.ImageDecodeException;
import org.tbps4j.data.image.ImageDecoder;
import org.tbps4j.data.image.ImageFiles;
import org.tbps4j.data.image.ImageLoader;
import org.tbps4j.data.image.ImageSettings;
import org.tbps4j.data.text.Tokenizer;
import org.tbps4j.data.text.Vocabulary;

/**
 * A dataset read into memory: its image entries and image–caption pairs per split, every problem
 * found (annotation file and image files), and the train class mapping. The records are small
 * (paths and captions; images are decoded later, by the iterators), so a CUHK-PEDES- or
 * ICFG-PEDES-sized dataset takes tens of MB. Immutable after {@link #load}; thread-safe.
 *
 * <p>Loading never throws for bad data (only for a missing annotation file, I/O failures and
 * contradictory options): problems are collected with their severity under the {@link ReadOptions},
 * unusable records are dropped, and {@link #requireUsable()} refuses a dataset with errors. What
 * happens to each kind of bad input is the table of docs/data.md, implemented by {@link
 * ProblemKind}.
 *
 * <p>Val carving: when the data has no val split (ICFG-PEDES) or {@link ReadOptions#valIds()} asks
 * for one, that many train identities move to val: the train ids sorted ascending, shuffled by
 * {@code Collections.shuffle(ids, new java.util.Random(valSeed))}, the first N taken. Same file and
 * options → same split.
 */
public final class PedesDataset {

  /** Fraction of train identities carved out as val by default for formats without val. */
  public static final double DEFAULT_VAL_FRACTION = 0.1;

  private final DatasetFormat format;
  private final Path root;
  private final Path annotationFile;
  private final ReadOptions options;
  private final Map<Split, List<ImageRecord>> images;
  private final Map<Split, List<CaptionRecord>> captions;
  private final List<Problem> problems;
  private final Skipped skipped;
  private final int carvedValIds;
  private volatile String sha256;
  private volatile Path[] realRoots; // {root, root/imageDir} with links resolved, when first needed

  private PedesDataset(
      DatasetFormat format,
      Path root,
      Path annotationFile,
      ReadOptions options,
      Map<Split, List<ImageRecord>> images,
      List<Problem> problems,
      Skipped skipped,
      int carvedValIds) {
    this.format = format;
    this.root = root;
    this.annotationFile = annotationFile;
    this.options = options;
    this.images = new EnumMap<>(Split.class);
    this.captions = new EnumMap<>(Split.class);
    for (Split s : Split.values()) {
      List<ImageRecord> imgs = List.copyOf(images.getOrDefault(s, List.of()));
      this.images.put(s, imgs);
      List<CaptionRecord> caps = new ArrayList<>();
      for (ImageRecord r : imgs) {
        caps.addAll(r.captions());
      }
      this.captions.put(s, Collections.unmodifiableList(caps));
    }
    this.problems = List.copyOf(problems);
    this.skipped = skipped;
    this.carvedValIds = carvedValIds;
  }

  /**
   * Loads a dataset with {@link ReadOptions#defaults()} from its root, finding the annotation file
   * by the format's usual names.
   *
   * @param format the annotation format
   * @param root the dataset root (annotation file and {@code imgs/})
   * @return the dataset (check {@link #usable()} or call {@link #requireUsable()})
   * @throws IOException if the annotation file is missing or unreadable
   */
  public static PedesDataset load(DatasetFormat format, Path root) throws IOException {
    return load(format, root, null, ReadOptions.defaults());
  }

  /**
   * Loads a dataset.
   *
   * @param format the annotation format
   * @param root the dataset root; image paths are {@code root/imageDir/<path in the file>}
   * @param annotations the annotation file, or null to look for the format's usual names under the
   *     root ({@link DatasetFormat#annotationFiles()})
   * @param options reading options
   * @return the dataset (check {@link #usable()} or call {@link #requireUsable()})
   * @throws NoSuchFileException if the root or the annotation file does not exist
   * @throws IOException on read failures
   * @throws IllegalArgumentException if the val-carving option cannot be satisfied
   */
  public static PedesDataset load(
      DatasetFormat format, Path root, Path annotations, ReadOptions options) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new NoSuchFileException(root.toString(), null, "dataset root is not a directory");
    }
    Path file = annotations != null ? annotations : format.findAnnotations(root);
    List<Problem> problems = new ArrayList<>();
    Map<Split, List<ImageRecord>> bySplit = new EnumMap<>(Split.class);
    for (Split s : Split.values()) {
      bySplit.put(s, new ArrayList<>());
    }
    int skippedEntries;
    int skippedCaptions;
    int duplicates;
    try (PedesRecordReader reader = format.newReader(options)) {
      reader.initialize(file);
      while (reader.hasNextEntry()) {
        ImageRecord r = reader.nextEntry();
        bySplit.get(r.split()).add(r);
      }
      problems.addAll(reader.problems());
      skippedCaptions = reader.skippedCaptions();
      duplicates =
          (int) problems.stream().filter(p -> p.kind() == ProblemKind.DUPLICATE_IMAGE).count();
      skippedEntries = reader.skippedEntries() - duplicates;
    }
    int carved = carveVal(format, options, bySplit);
    int badImages = checkImages(root, options, bySplit, problems);
    boolean readingStopped =
        problems.stream()
            .anyMatch(
                p -> p.kind() == ProblemKind.MALFORMED_JSON || p.kind() == ProblemKind.NO_SPLIT);
    if (!readingStopped) { // an empty train split would only repeat the fatal problem
      datasetChecks(bySplit, problems, options, file);
    }
    Skipped skipped = new Skipped(skippedEntries, skippedCaptions, duplicates, badImages);
    return new PedesDataset(format, root, file, options, bySplit, problems, skipped, carved);
  }

  private static int carveVal(
      DatasetFormat format, ReadOptions options, Map<Split, List<ImageRecord>> bySplit) {
    TreeSet<Long> trainIds = new TreeSet<>();
    for (ImageRecord r : bySplit.get(Split.TRAIN)) {
      trainIds.add(r.personId());
    }
    boolean hasVal = !bySplit.get(Split.VAL).isEmpty();
    int n = options.valIds();
    if (n == ReadOptions.FORMAT_DEFAULT) {
      n =
          format.hasValSplit() || hasVal || trainIds.size() < 2
              ? 0
              : Math.max(1, (int) Math.round(DEFAULT_VAL_FRACTION * trainIds.size()));
    }
    if (n == 0) {
      return 0;
    }
    if (hasVal) {
      throw new IllegalArgumentException(
          "the data already has a val split ("
              + bySplit.get(Split.VAL).size()
              + " images); carving val identities out of train (--val-ids "
              + n
              + ") is only for data without one");
    }
    if (n >= trainIds.size()) {
      throw new IllegalArgumentException(
          "cannot move "
              + n
              + " train identities to val: train has "
              + trainIds.size()
              + " (at most "
              + (trainIds.size() - 1)
              + ")");
    }
    List<Long> shuffled = new ArrayList<>(trainIds);
    Collections.shuffle(shuffled, new Random(options.valSeed()));
    Set<Long> val = new HashSet<>(shuffled.subList(0, n));
    List<ImageRecord> keep = new ArrayList<>();
    for (ImageRecord r : bySplit.get(Split.TRAIN)) {
      if (val.contains(r.personId())) {
        bySplit.get(Split.VAL).add(r.inSplit(Split.VAL));
      } else {
        keep.add(r);
      }
    }
    bySplit.put(Split.TRAIN, keep);
    return n;
  }

  /** Checks image files; drops bad ones; returns how many were dropped. */
  private static int checkImages(
      Path root, ReadOptions options, Map<Split, List<ImageRecord>> bySplit, List<Problem> out) {
    if (options.imageCheck() == ImageCheck.NONE) {
      return 0;
    }
    List<ImageRecord> all = new ArrayList<>();
    for (Split s : Split.values()) {
      all.addAll(bySplit.get(s));
    }
    Problem[] found = new Problem[all.size()];
    Path[] real = realRoots(root, options.imageDir());
    IntStream.range(0, all.size())
        .parallel()
        .forEach(i -> found[i] = checkImage(root, real, all.get(i), options));
    Set<String> bad = new HashSet<>();
    List<Problem> imageProblems = new ArrayList<>();
    for (Problem p : found) {
      if (p != null) {
        imageProblems.add(p);
      }
    }
    imageProblems.sort(java.util.Comparator.comparingInt(Problem::entry));
    for (int i = 0; i < found.length; i++) {
      if (found[i] != null) {
        bad.add(all.get(i).imagePath());
      }
    }
    if (!bad.isEmpty()) {
      for (Split s : Split.values()) {
        bySplit.get(s).removeIf(r -> bad.contains(r.imagePath()));
      }
    }
    mergeByEntry(out, imageProblems);
    return bad.size();
  }

  private static Problem checkImage(
      Path root, Path[] realRoots, ImageRecord r, ReadOptions options) {
    Path f = root.resolve(r.imagePath());
    ProblemKind kind = null;
    String message = null;
    String unsafe = null;
    try {
      imageFile(realRoots, root, options.imageDir(), r.imagePath());
    } catch (ImageFiles.UnsafeImagePathException e) {
      unsafe = e.getMessage();
    } catch (IOException e) {
      // missing or unreadable: reported below
    }
    if (unsafe != null) {
      return new Problem(
          ProblemKind.UNSAFE_PATH,
          ProblemKind.UNSAFE_PATH.severity(options),
          r.entryIndex(),
          f.toString(),
          -1,
          -1,
          unsafe + " (always rejected, even with --skip-bad-images)");
    } else if (!Files.isRegularFile(f)) {
      kind = ProblemKind.MISSING_IMAGE;
      message = "image file " + r.imagePath() + " does not exist";
    } else if (options.imageCheck() == ImageCheck.HEADER) {
      String why = headerProblem(f);
      if (why != null) {
        kind = ProblemKind.UNREADABLE_IMAGE;
        message = "image file " + r.imagePath() + " cannot be read: " + why;
      }
    } else if (options.imageCheck() == ImageCheck.DECODE) {
      try {
        new ImageLoader(ImageSettings.imagenet(8, 8), ImageDecoder.DEFAULT).decodeRgb(f);
      } catch (ImageDecodeException e) {
        kind = ProblemKind.UNREADABLE_IMAGE;
        message = "image file " + r.imagePath() + " cannot be decoded: " + reason(e);
      } catch (IOException e) {
        kind = ProblemKind.UNREADABLE_IMAGE;
        message = "image file " + r.imagePath() + " cannot be read: " + e;
      }
    }
    if (kind == null) {
      return null;
    }
    String action =
        options.skipBadImages()
            ? "; skipped (--skip-bad-images)"
            : "; training refuses the dataset unless bad images are skipped (--skip-bad-images)";
    return new Problem(
        kind, kind.severity(options), r.entryIndex(), f.toString(), -1, -1, message + action);
  }

  private static String reason(ImageDecodeException e) {
    String m = e.getMessage();
    int i = m.indexOf(": ");
    return i >= 0 ? m.substring(i + 2) : m;
  }

  /** Returns null when the header can be read, else the reason. */
  private static String headerProblem(Path f) {
    try (ImageInputStream in = ImageIO.createImageInputStream(f.toFile())) {
      if (in == null) {
        return "cannot open it";
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return "not a known image format (jpg, png, bmp, ...)";
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        if (w < 1 || h < 1) {
          return "empty image (" + w + "x" + h + ")";
        }
        try {
          ImageFiles.checkPixels(f, w, h);
        } catch (ImageDecodeException e) {
          return reason(e);
        }
        return null;
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      return String.valueOf(e.getMessage());
    }
  }

  private static void datasetChecks(
      Map<Split, List<ImageRecord>> bySplit, List<Problem> out, ReadOptions options, Path file) {
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

  private static Problem problem(
      ProblemKind kind, Severity sev, int entry, Path file, CharSequence message) {
    return new Problem(kind, sev, entry, file.toString(), -1, -1, message.toString());
  }

  /** Inserts entry-ordered problems into an entry-ordered list (entry −1 stays last). */
  private static void mergeByEntry(List<Problem> into, List<Problem> add) {
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

  // ---------------------------------------------------------------------------------------------

  /**
   * The annotation format.
   *
   * @return the format
   */
  public DatasetFormat format() {
    return format;
  }

  /**
   * The dataset root; an image's file is {@code root().resolve(imagePath)}.
   *
   * @return the root
   */
  public Path root() {
    return root;
  }

  /**
   * The annotation file read.
   *
   * @return the file
   */
  public Path annotationFile() {
    return annotationFile;
  }

  /**
   * The options the dataset was read with.
   *
   * @return the options
   */
  public ReadOptions options() {
    return options;
  }

  /**
   * The file of an image path.
   *
   * @param imagePath a record's image path (relative to the root)
   * @return {@code root.resolve(imagePath)}
   */
  public Path resolve(String imagePath) {
    return root.resolve(imagePath);
  }

  /**
   * The file of an image path, checked: its real path (every symbolic link resolved) must lie
   * inside the image directory's real path ({@code root/imageDir}, which may itself be a link), or
   * inside the root's for paths outside the image directory. Use this to open images.
   *
   * @param imagePath a record's image path (relative to the root)
   * @return the image's real path
   * @throws ImageFiles.UnsafeImagePathException if a link leads out of the image directory
   * @throws NoSuchFileException if the file does not exist
   * @throws IOException on other file-system errors
   */
  public Path imageFile(String imagePath) throws IOException {
    Path[] real = realRoots;
    if (real == null) {
      real = realRoots(root, options.imageDir());
      realRoots = real;
    }
    return imageFile(real, root, options.imageDir(), imagePath);
  }

  /**
   * The checked file of an image path of a dataset at {@code root} read with image directory {@code
   * imageDir} (as {@link #imageFile(String)}, for code that has the paths but not the dataset, e.g.
   * reports).
   *
   * @param root the dataset root
   * @param imageDir the image directory under the root ({@link ReadOptions#imageDir()})
   * @param imagePath the image path relative to the root
   * @return the image's real path
   * @throws IOException as {@link #imageFile(String)}
   */
  public static Path imageFile(Path root, String imageDir, String imagePath) throws IOException {
    String why = ImagePaths.unsafeReason(imagePath);
    if (why != null) {
      throw new ImageFiles.UnsafeImagePathException(
          "image path \"" + ImageFiles.printable(imagePath) + "\" " + why + "; refused");
    }
    return imageFile(realRoots(root, imageDir), root, imageDir, imagePath);
  }

  private static Path imageFile(Path[] realRoots, Path root, String imageDir, String imagePath)
      throws IOException {
    boolean inImageDir = !imageDir.isEmpty() && imagePath.startsWith(imageDir + "/");
    Path confine = inImageDir ? realRoots[1] : realRoots[0];
    if (confine == null) { // the image directory does not exist: so does no image in it
      throw new NoSuchFileException(root.resolve(imagePath).toString());
    }
    return ImageFiles.inside(confine, root.resolve(imagePath), imagePath);
  }

  private static Path[] realRoots(Path root, String imageDir) {
    Path[] out = new Path[2];
    try {
      out[0] = root.toRealPath();
    } catch (IOException e) {
      out[0] = null;
    }
    try {
      out[1] = imageDir.isEmpty() ? out[0] : root.resolve(imageDir).toRealPath();
    } catch (IOException e) {
      out[1] = null;
    }
    return out;
  }

  /**
   * The usable image entries of a split, in file order (gallery order for evaluation).
   *
   * @param split the split
   * @return an unmodifiable list
   */
  public List<ImageRecord> images(Split split) {
    return images.get(split);
  }

  /**
   * The image–caption pairs of a split, in file order (query order for evaluation).
   *
   * @param split the split
   * @return an unmodifiable list
   */
  public List<CaptionRecord> captions(Split split) {
    return captions.get(split);
  }

  /**
   * Counts of a split.
   *
   * @param split the split
   * @return distinct person ids, images and captions
   */
  public SplitStats stats(Split split) {
    Set<Long> ids = new HashSet<>();
    for (ImageRecord r : images.get(split)) {
      ids.add(r.personId());
    }
    return new SplitStats(ids.size(), images.get(split).size(), captions.get(split).size());
  }

  /**
   * Every problem found, in entry order (problems about no single entry last).
   *
   * @return an unmodifiable list
   */
  public List<Problem> problems() {
    return problems;
  }

  /**
   * What was skipped while loading.
   *
   * @return the counts
   */
  public Skipped skipped() {
    return skipped;
  }

  /**
   * Number of train identities moved to val ({@link ReadOptions#valIds()}).
   *
   * @return 0 when nothing was carved
   */
  public int carvedValIds() {
    return carvedValIds;
  }

  /**
   * Whether a training run can use the dataset: no problem of severity {@link Severity#ERROR}.
   *
   * @return true when usable
   */
  public boolean usable() {
    return problems.stream().noneMatch(p -> p.severity() == Severity.ERROR);
  }

  /**
   * Refuses a dataset with errors.
   *
   * @return this dataset, when usable
   * @throws IllegalArgumentException listing the first errors (file, line, entry, field) and how
   *     many there are, with the options that would skip them
   */
  public PedesDataset requireUsable() {
    List<Problem> errors = problems.stream().filter(p -> p.severity() == Severity.ERROR).toList();
    if (errors.isEmpty()) {
      return this;
    }
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
    throw new IllegalArgumentException(sb.toString());
  }

  /**
   * The train class mapping: train person ids sorted ascending → {@code 0..C−1}.
   *
   * @return the mapping
   */
  public ClassMapping trainClasses() {
    List<Long> ids = new ArrayList<>();
    for (ImageRecord r : images.get(Split.TRAIN)) {
      ids.add(r.personId());
    }
    return ClassMapping.of(ids);
  }

  /**
   * The vocabulary of the train captions.
   *
   * @param minCount minimum count ({@link Vocabulary#DEFAULT_MIN_COUNT} in the recipe)
   * @return the vocabulary
   */
  public Vocabulary vocabulary(int minCount) {
    List<List<String>> tokenized = new ArrayList<>(captions.get(Split.TRAIN).size());
    for (CaptionRecord c : captions.get(Split.TRAIN)) {
      tokenized.add(Tokenizer.tokenize(c.caption()));
    }
    return Vocabulary.build(tokenized, minCount);
  }

  /**
   * SHA-256 of the annotation file's bytes, for provenance ({@code run.json}).
   *
   * @return lower-case hex
   * @throws IOException if the file cannot be read
   */
  public String annotationSha256() throws IOException {
    String h = sha256;
    if (h == null) {
      try (InputStream in = Files.newInputStream(annotationFile)) {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[1 << 16];
        for (int n = in.read(buf); n > 0; n = in.read(buf)) {
          md.update(buf, 0, n);
        }
        h = HexFormat.of().formatHex(md.digest());
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      sha256 = h;
    }
    return h;
  }

  /**
   * Counts of one split.
   *
   * @param ids distinct person ids
   * @param images image entries
   * @param captions image–caption pairs
   */
  public record SplitStats(int ids, int images, int captions) {}

  /**
   * What loading skipped.
   *
   * @param entries entries skipped for missing/wrong fields, bad values or unsafe paths
   * @param captions blank captions skipped
   * @param duplicates duplicate image entries ignored
   * @param badImages images dropped because the file is missing or unreadable
   */
  public record Skipped(int entries, int captions, int duplicates, int badImages) {}
}
