package org.tbps4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tbps4j.data.image.ImageFiles;
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
 *
 * <p>Loading is four steps, each in its own class: reading the annotation file ({@code
 * AnnotationReading}), carving val out of train ({@code ValCarving}), checking the image files
 * ({@code ImageChecks}, confined to the dataset by {@code ImageRoots}) and checking the dataset as
 * a whole ({@code DatasetChecks}, which also words {@link #requireUsable()}'s refusal). This class
 * holds the result and what is derived from it (classes, vocabulary, the annotation file's hash).
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
  private volatile ImageRoots imageRoots; // resolved when first needed

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
    AnnotationReading.Result read = AnnotationReading.read(format, file, options);
    Map<Split, List<ImageRecord>> bySplit = read.bySplit();
    List<Problem> problems = read.problems();
    int carved = ValCarving.carve(format, options, bySplit);
    int badImages = ImageChecks.check(root, options, bySplit, problems);
    boolean readingStopped =
        problems.stream()
            .anyMatch(
                p -> p.kind() == ProblemKind.MALFORMED_JSON || p.kind() == ProblemKind.NO_SPLIT);
    if (!readingStopped) { // an empty train split would only repeat the fatal problem
      DatasetChecks.check(bySplit, problems, file);
    }
    Skipped skipped =
        new Skipped(read.skippedEntries(), read.skippedCaptions(), read.duplicates(), badImages);
    return new PedesDataset(format, root, file, options, bySplit, problems, skipped, carved);
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
    ImageRoots roots = imageRoots;
    if (roots == null) {
      roots = new ImageRoots(root, options.imageDir());
      imageRoots = roots;
    }
    return roots.imageFile(imagePath);
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
    return new ImageRoots(root, imageDir).imageFile(imagePath);
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
    throw new IllegalArgumentException(DatasetChecks.refusal(format, root, errors));
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
      h = FileDigest.sha256(annotationFile);
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
