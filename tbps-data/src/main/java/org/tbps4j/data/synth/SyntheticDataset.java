package org.tbps4j.data.synth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.tbps4j.data.JsonText;
import org.tbps4j.data.PedesDataset.SplitStats;
import org.tbps4j.data.ReadOptions;
import org.tbps4j.data.Split;
import org.tbps4j.data.sample.Seeds;
import org.tbps4j.data.text.Tokenizer;

/**
 * The synthetic pedestrian dataset (docs/synthetic-data.md, {@code tbps synth}): procedurally drawn
 * people with unique attribute combinations, several views each, two captions per image, in one of
 * the {@link World}s, written in exact CUHK-PEDES layout so the real reader is exercised:
 *
 * <pre>
 * OUT/reid_raw.json      [{"split", "captions", "file_path", "processed_tokens", "id"}, ...]
 * OUT/imgs/synth/00001_0.jpg ...   (.png in the street world)
 * OUT/attributes.json    attribute values, every identity's values, every caption's mentions
 * OUT/oracle.json        R@1/5/10, mAP, mINP of a perfect attribute matcher (test; val inside)
 * </pre>
 *
 * Ids are 1-based; splits are by identity and in id order (first 80% train, 10% val, rest test in
 * the studio; 70 / 15 / 15 in the street), as in CUHK-PEDES. Every random choice comes from a
 * {@link Random} seeded by {@link Seeds#mix} of the master seed and the choice's position
 * (identity, image, caption), so the output is byte-identical for a seed and settings whatever the
 * thread count (JPEG quality 0.92 or PNG with the JDK's encoders; same JDK assumed). The dataset is
 * written into a temporary folder beside OUT and renamed to OUT when complete, so an interrupted
 * run never leaves a partial OUT.
 */
public final class SyntheticDataset {

  /** Directory under {@code imgs/} holding the images. */
  public static final String IMAGE_SUBDIR = "synth";

  private static final long IDENTITIES = 1, COUNTS = 2, VIEWS = 3, CAPTIONS = 4, RENDER = 5;
  private static final long ORACLE = 6, STREET_IDENTITIES = 7, SHOTS = 8;

  /** Name prefix of the temporary folder beside {@code --out}: {@code .NAME.partial-PID-N}. */
  static final String PARTIAL = ".partial-";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private SyntheticDataset() {}

  /**
   * One planned image.
   *
   * @param person the identity shown
   * @param index the image's index within the identity (0-based)
   * @param filePath path relative to {@code imgs/}
   * @param shot view and occluder
   * @param hidden the attributes the picture hides ({@link Shot#hidden}), which no caption mentions
   * @param captions its captions
   */
  public record PlannedImage(
      Identity person,
      int index,
      String filePath,
      Shot shot,
      Set<Attribute> hidden,
      List<CaptionGrammar.Caption> captions) {

    /**
     * Whether it is a back view.
     *
     * @return true for a back view
     */
    public boolean back() {
      return shot.back();
    }
  }

  /**
   * What {@link #generate} wrote.
   *
   * @param root the output directory
   * @param splits counts per split
   * @param oracle the test split's oracle
   * @param valOracle the val split's oracle
   */
  public record Summary(
      Path root, Map<Split, SplitStats> splits, Oracle.Result oracle, Oracle.Result valOracle) {}

  /**
   * The identities of a configuration (a pure function of ids, seed and world).
   *
   * @param config the settings
   * @return identities 1..ids, unique in their described attributes
   */
  public static List<Identity> identities(SynthConfig config) {
    boolean street = config.world() == World.STREET;
    Random rnd = new Random(Seeds.mix(config.seed(), street ? STREET_IDENTITIES : IDENTITIES));
    Set<Map<Attribute, String>> seen = new HashSet<>();
    List<Identity> out = new ArrayList<>(config.ids());
    for (int id = 1; id <= config.ids(); id++) {
      Map<Attribute, String> v;
      do {
        v = street ? drawStreetValues(rnd) : drawValues(rnd);
      } while (!seen.add(v));
      Split split =
          id <= config.trainIds()
              ? Split.TRAIN
              : id <= config.trainIds() + config.valIds() ? Split.VAL : Split.TEST;
      int sh = street ? Palette.STREET_SHADE : Palette.STUDIO_SHADE;
      int[] shade = {
        rnd.nextInt(2 * sh + 1) - sh, rnd.nextInt(2 * sh + 1) - sh, rnd.nextInt(2 * sh + 1) - sh
      };
      int skin = rnd.nextInt(Palette.SKIN.length);
      double width = street ? 0.9 + 0.2 * rnd.nextDouble() : 0.87 + 0.26 * rnd.nextDouble();
      double height = street ? 0.95 + 0.1 * rnd.nextDouble() : 0.93 + 0.12 * rnd.nextDouble();
      out.add(new Identity(id, split, v, skin, width, height, shade));
    }
    return out;
  }

  /**
   * The street world's appearance statistics: the same attributes and values as the studio, drawn
   * with other frequencies (darker, more often long-sleeved, fewer patterns, more backpacks, fewer
   * caps).
   */
  private static Map<Attribute, String> drawStreetValues(Random rnd) {
    Map<Attribute, String> v = new EnumMap<>(Attribute.class);
    boolean woman = rnd.nextBoolean();
    v.put(Attribute.GENDER, woman ? "woman" : "man");
    v.put(Attribute.HAIR_COLOUR, weighted(rnd, Attribute.HAIR_COLOUR, 0.35, 0.35, 0.15, 0.15));
    v.put(Attribute.HAIR_LENGTH, rnd.nextDouble() < (woman ? 0.6 : 0.15) ? "long" : "short");
    // red orange yellow green blue purple pink white black grey
    v.put(
        Attribute.UPPER_COLOUR,
        weighted(
            rnd, Attribute.UPPER_COLOUR, 0.1, 0.06, 0.06, 0.1, 0.13, 0.06, 0.07, 0.12, 0.17, 0.13));
    v.put(Attribute.SLEEVE, rnd.nextDouble() < 0.6 ? "long" : "short");
    v.put(Attribute.PATTERN, weighted(rnd, Attribute.PATTERN, 0.6, 0.2, 0.2));
    v.put(
        Attribute.LOWER_TYPE,
        woman
            ? weighted(rnd, Attribute.LOWER_TYPE, 0.5, 0.15, 0.35)
            : weighted(rnd, Attribute.LOWER_TYPE, 0.8, 0.2, 0));
    // black blue grey white brown red green beige
    v.put(
        Attribute.LOWER_COLOUR,
        weighted(rnd, Attribute.LOWER_COLOUR, 0.24, 0.22, 0.15, 0.08, 0.1, 0.06, 0.06, 0.09));
    // black white brown red blue
    v.put(Attribute.SHOE_COLOUR, weighted(rnd, Attribute.SHOE_COLOUR, 0.3, 0.3, 0.15, 0.1, 0.15));
    String bag =
        woman
            ? weighted(rnd, Attribute.BAG, 0.25, 0.3, 0.3, 0.15)
            : weighted(rnd, Attribute.BAG, 0.35, 0.4, 0.05, 0.2);
    v.put(Attribute.BAG, bag);
    if (!bag.equals("none")) {
      // black brown red blue green yellow
      v.put(
          Attribute.BAG_COLOUR,
          weighted(rnd, Attribute.BAG_COLOUR, 0.3, 0.2, 0.12, 0.18, 0.1, 0.1));
    }
    boolean cap = rnd.nextDouble() < 0.2;
    v.put(Attribute.HAT, cap ? "cap" : "none");
    if (cap) {
      v.put(Attribute.HAT_COLOUR, uniform(rnd, Attribute.HAT_COLOUR));
    }
    return v;
  }

  private static Map<Attribute, String> drawValues(Random rnd) {
    Map<Attribute, String> v = new EnumMap<>(Attribute.class);
    boolean woman = rnd.nextBoolean();
    v.put(Attribute.GENDER, woman ? "woman" : "man");
    v.put(Attribute.HAIR_COLOUR, weighted(rnd, Attribute.HAIR_COLOUR, 0.4, 0.3, 0.18, 0.12));
    v.put(Attribute.HAIR_LENGTH, rnd.nextDouble() < (woman ? 0.7 : 0.12) ? "long" : "short");
    v.put(Attribute.UPPER_COLOUR, uniform(rnd, Attribute.UPPER_COLOUR));
    v.put(Attribute.SLEEVE, uniform(rnd, Attribute.SLEEVE));
    v.put(Attribute.PATTERN, weighted(rnd, Attribute.PATTERN, 0.5, 0.25, 0.25));
    v.put(
        Attribute.LOWER_TYPE,
        woman
            ? weighted(rnd, Attribute.LOWER_TYPE, 0.45, 0.2, 0.35)
            : weighted(rnd, Attribute.LOWER_TYPE, 0.75, 0.25, 0));
    v.put(Attribute.LOWER_COLOUR, uniform(rnd, Attribute.LOWER_COLOUR));
    v.put(Attribute.SHOE_COLOUR, uniform(rnd, Attribute.SHOE_COLOUR));
    String bag =
        woman
            ? weighted(rnd, Attribute.BAG, 0.3, 0.25, 0.25, 0.2)
            : weighted(rnd, Attribute.BAG, 0.4, 0.3, 0.1, 0.2);
    v.put(Attribute.BAG, bag);
    if (!bag.equals("none")) {
      v.put(Attribute.BAG_COLOUR, uniform(rnd, Attribute.BAG_COLOUR));
    }
    boolean cap = rnd.nextDouble() < 0.25;
    v.put(Attribute.HAT, cap ? "cap" : "none");
    if (cap) {
      v.put(Attribute.HAT_COLOUR, uniform(rnd, Attribute.HAT_COLOUR));
    }
    return v;
  }

  private static String uniform(Random rnd, Attribute a) {
    return a.options().get(rnd.nextInt(a.options().size()));
  }

  private static String weighted(Random rnd, Attribute a, double... w) {
    double u = rnd.nextDouble();
    double c = 0;
    for (int i = 0; i < w.length; i++) {
      c += w[i];
      if (u < c) {
        return a.options().get(i);
      }
    }
    return a.options().get(w.length - 1);
  }

  /**
   * The images and captions of a configuration (a pure function of the settings).
   *
   * @param config the settings
   * @param people its identities ({@link #identities})
   * @return every image in id order
   */
  public static List<PlannedImage> plan(SynthConfig config, List<Identity> people) {
    Random counts = new Random(Seeds.mix(config.seed(), COUNTS));
    World world = config.world();
    List<PlannedImage> out = new ArrayList<>();
    for (Identity p : people) {
      int n = config.minImages() + counts.nextInt(config.maxImages() - config.minImages() + 1);
      Random views = new Random(Seeds.mix(config.seed(), VIEWS, p.id()));
      boolean firstBack = views.nextBoolean();
      for (int k = 0; k < n; k++) {
        boolean back = k == 0 ? firstBack : k == 1 ? !firstBack : views.nextBoolean();
        Shot shot = new Shot(back, Shot.Occluder.NONE);
        if (world == World.STREET) {
          double u = new Random(Seeds.mix(config.seed(), SHOTS, p.id(), k)).nextDouble();
          Shot.Occluder o =
              u < 0.5
                  ? Shot.Occluder.NONE
                  : u < 0.75
                      ? Shot.Occluder.LOW
                      : u < 0.875 ? Shot.Occluder.LEFT : Shot.Occluder.RIGHT;
          shot = new Shot(back, o);
        }
        Set<Attribute> hidden = shot.hidden(p);
        Random capRnd = new Random(Seeds.mix(config.seed(), CAPTIONS, p.id(), k));
        List<CaptionGrammar.Caption> caps = new ArrayList<>();
        for (int c = 0; c < SynthConfig.CAPTIONS_PER_IMAGE; c++) {
          caps.add(
              world == World.STREET
                  ? StreetGrammar.caption(p, hidden, capRnd)
                  : CaptionGrammar.caption(p, hidden, capRnd));
        }
        String file =
            IMAGE_SUBDIR + "/" + String.format("%05d_%d.%s", p.id(), k, world.extension());
        out.add(new PlannedImage(p, k, file, shot, hidden, List.copyOf(caps)));
      }
    }
    return out;
  }

  /**
   * Renders one planned image (a pure function of the image's position and the settings).
   *
   * @param config the settings
   * @param image the planned image
   * @return the picture, {@code W×H}
   */
  public static BufferedImage render(SynthConfig config, PlannedImage image) {
    return draw(config, image, Part.Mode.PHOTO);
  }

  /**
   * Renders a planned image as a photo or as a mask of parts (tests measure legibility on masks).
   *
   * @param config the settings
   * @param image the planned image
   * @param mode photo or mask
   * @return the picture, {@code W×H}
   */
  static BufferedImage draw(SynthConfig config, PlannedImage image, Part.Mode mode) {
    Random rnd = new Random(Seeds.mix(config.seed(), RENDER, image.person().id(), image.index()));
    return config.world() == World.STREET
        ? StreetRenderer.render(
            image.person(), image.shot(), rnd, config.height(), config.width(), mode)
        : PedestrianRenderer.render(
            image.person(), image.shot(), rnd, config.height(), config.width(), mode);
  }

  /**
   * Called after each image is written (tests inject failures with it).
   *
   * @see #generate(SynthConfig, Path, ImageWritten)
   */
  @FunctionalInterface
  interface ImageWritten {
    /**
     * @param index the image's index in the plan
     * @throws IOException to make the generation fail
     */
    void written(int index) throws IOException;
  }

  /**
   * Generates the dataset into a new or empty directory, atomically: everything is written into a
   * temporary folder beside it ({@code .NAME.partial-PID-N}) and renamed to {@code out} when
   * complete. A failed run removes its folder; folders left by killed runs (whose process is gone)
   * are removed by the next run for the same {@code out}.
   *
   * @param config the settings
   * @param out the output directory (created if absent; must be empty if present)
   * @return counts and oracles
   * @throws IOException on write failures
   * @throws IllegalArgumentException if {@code out} exists and is not an empty directory
   */
  public static Summary generate(SynthConfig config, Path out) throws IOException {
    return generate(config, out, i -> {});
  }

  static Summary generate(SynthConfig config, Path out, ImageWritten hook) throws IOException {
    Path target = out.toAbsolutePath().normalize();
    requireNewOrEmpty(out, target);
    Path parent = target.getParent();
    if (parent == null) {
      throw new IllegalArgumentException("--out " + out + " cannot be a file-system root");
    }
    Files.createDirectories(parent);
    removeAbandoned(parent, target.getFileName().toString());
    Path tmp = partialFolder(parent, target.getFileName().toString());
    Summary s;
    try {
      s = write(config, tmp, hook);
      requireNewOrEmpty(out, target);
      if (Files.isDirectory(target)) {
        Files.delete(target); // empty: checked above
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException | Error e) {
      try {
        deleteTree(tmp);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    syncDirectory(parent);
    return new Summary(out, s.splits(), s.oracle(), s.valOracle());
  }

  private static void requireNewOrEmpty(Path out, Path target) throws IOException {
    if (Files.exists(target)) {
      if (!Files.isDirectory(target)) {
        throw new IllegalArgumentException("--out " + out + " exists and is not a directory");
      }
      try (Stream<Path> s = Files.list(target)) {
        if (s.findAny().isPresent()) {
          throw new IllegalArgumentException(
              "--out " + out + " is not empty; give a new or empty directory");
        }
      }
    }
  }

  private static final AtomicLong PARTIAL_COUNTER = new AtomicLong();

  /** A new, unique temporary folder beside the target. */
  private static Path partialFolder(Path parent, String name) throws IOException {
    long pid = ProcessHandle.current().pid();
    while (true) {
      Path p = parent.resolve("." + name + PARTIAL + pid + "-" + PARTIAL_COUNTER.incrementAndGet());
      try {
        return Files.createDirectory(p);
      } catch (FileAlreadyExistsException e) {
        // left by an earlier process that had our pid: try the next number
      }
    }
  }

  /**
   * Removes the temporary folders that runs for the same target left when they were killed: those
   * whose process no longer exists (folders of live processes are never touched; a folder whose
   * process id has been reused by another process stays until that process ends).
   */
  static void removeAbandoned(Path parent, String name) throws IOException {
    String prefix = "." + name + PARTIAL;
    List<Path> stale = new ArrayList<>();
    try (Stream<Path> s = Files.list(parent)) {
      s.forEach(
          p -> {
            String f = p.getFileName().toString();
            if (!f.startsWith(prefix)) {
              return;
            }
            String rest = f.substring(prefix.length());
            int dash = rest.indexOf('-');
            try {
              long pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
              boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
              if (!alive) {
                stale.add(p);
              }
            } catch (NumberFormatException e) {
              // not ours
            }
          });
    }
    for (Path p : stale) {
      deleteTree(p);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) { // does not follow links
      List<Path> all = s.sorted(Comparator.reverseOrder()).toList();
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Makes a rename durable (fsync of the directory), where the platform allows it. */
  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // some platforms cannot open or sync a directory; the rename itself is still atomic
    }
  }

  /** Writes the whole dataset into {@code out} (an existing empty directory). */
  private static Summary write(SynthConfig config, Path out, ImageWritten hook) throws IOException {
    Path imgDir = out.resolve(ReadOptions.DEFAULT_IMAGE_DIR).resolve(IMAGE_SUBDIR);
    Files.createDirectories(imgDir);
    List<Identity> people = identities(config);
    List<PlannedImage> images = plan(config, people);
    writeImages(config, images, out.resolve(ReadOptions.DEFAULT_IMAGE_DIR), hook);
    writeAnnotations(images, out.resolve("reid_raw.json"));
    writeAttributes(config, people, images, out.resolve(SynthAttributes.FILE));
    Oracle.Result test = oracle(config, people, images, Split.TEST);
    Oracle.Result val = oracle(config, people, images, Split.VAL);
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("world", config.world().id());
    o.put("split", "test");
    o.put(
        "scorer",
        "number of attributes the caption mentions whose value equals the gallery person's");
    o.put(
        "tie_break",
        "random: each repeat adds an independent U[0, 0.5) to every score; metrics are the mean over"
            + " the repeats");
    o.put("repeats", Oracle.REPEATS);
    o.putAll(test.asMap());
    o.put("val", val.asMap());
    Files.writeString(out.resolve("oracle.json"), JsonText.write(o));
    Map<Split, SplitStats> stats = new EnumMap<>(Split.class);
    for (Split s : Split.values()) {
      int ids = (int) people.stream().filter(p -> p.split() == s).count();
      int imgs = (int) images.stream().filter(i -> i.person().split() == s).count();
      stats.put(s, new SplitStats(ids, imgs, imgs * SynthConfig.CAPTIONS_PER_IMAGE));
    }
    return new Summary(out, stats, test, val);
  }

  private static Oracle.Result oracle(
      SynthConfig config, List<Identity> people, List<PlannedImage> images, Split split) {
    Map<Long, Identity> byId = new HashMap<>();
    people.forEach(p -> byId.put((long) p.id(), p));
    List<PlannedImage> in = images.stream().filter(i -> i.person().split() == split).toList();
    long[] gallery = in.stream().mapToLong(i -> i.person().id()).toArray();
    List<Oracle.Query> queries = new ArrayList<>();
    for (PlannedImage i : in) {
      for (CaptionGrammar.Caption c : i.captions()) {
        queries.add(new Oracle.Query(i.person().id(), c.mentions()));
      }
    }
    return Oracle.compute(
        byId, gallery, queries, Seeds.mix(config.seed(), ORACLE, split.ordinal()));
  }

  private static void writeImages(
      SynthConfig config, List<PlannedImage> images, Path imgs, ImageWritten hook)
      throws IOException {
    ForkJoinPool pool = new ForkJoinPool(config.threads());
    boolean png = config.world().extension().equals("png");
    // after a failure the other workers start no new image (and the pool is drained below), so
    // that nothing is written into the temporary folder once the caller removes it
    java.util.concurrent.atomic.AtomicBoolean failed =
        new java.util.concurrent.atomic.AtomicBoolean();
    try {
      pool.submit(
              () ->
                  IntStream.range(0, images.size())
                      .parallel()
                      .forEach(
                          i -> {
                            if (failed.get()) {
                              return;
                            }
                            PlannedImage im = images.get(i);
                            try {
                              BufferedImage img = render(config, im);
                              Files.write(
                                  imgs.resolve(im.filePath()), png ? png(img) : jpeg(img, 0.92f));
                              hook.written(i);
                            } catch (IOException e) {
                              failed.set(true);
                              throw new UncheckedIOException(e);
                            } catch (RuntimeException | Error e) {
                              failed.set(true);
                              throw e;
                            }
                          }))
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while writing images", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      failed.set(true); // stops what is still queued when get() ended by an exception
      pool.shutdown();
      drain(pool);
    }
  }

  /** Waits until every task of a shut-down pool has ended (they are short: one image each). */
  private static void drain(ForkJoinPool pool) {
    boolean interrupted = false;
    try {
      while (!pool.isTerminated()) {
        try {
          pool.awaitTermination(1, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Encodes an image as PNG with the JDK's encoder (lossless, deterministic).
   *
   * @param img the image
   * @return the file bytes
   * @throws IOException on encoder failure
   */
  static byte[] png(BufferedImage img) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(16384);
    if (!ImageIO.write(img, "png", bytes)) {
      throw new IOException("no PNG encoder available in this JVM");
    }
    return bytes.toByteArray();
  }

  /**
   * Encodes an image as JPEG with the JDK's encoder (deterministic).
   *
   * @param img the image
   * @param quality 0–1
   * @return the file bytes
   * @throws IOException on encoder failure
   */
  static byte[] jpeg(BufferedImage img, float quality) throws IOException {
    ImageWriter writer = null;
    for (Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("jpeg"); it.hasNext(); ) {
      ImageWriter w = it.next();
      if (writer == null || w.getClass().getName().startsWith("com.sun.imageio")) {
        if (writer != null) {
          writer.dispose();
        }
        writer = w;
      } else {
        w.dispose();
      }
    }
    if (writer == null) {
      throw new IOException("no JPEG encoder available in this JVM");
    }
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      try (ImageOutputStream ios = ImageIO.createImageOutputStream(bytes)) {
        writer.setOutput(ios);
        writer.write(null, new IIOImage(img, null, null), param);
      }
      return bytes.toByteArray();
    } finally {
      writer.dispose();
    }
  }

  private static void writeAnnotations(List<PlannedImage> images, Path file) throws IOException {
    StringBuilder sb = new StringBuilder("[\n");
    for (int i = 0; i < images.size(); i++) {
      PlannedImage im = images.get(i);
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("split", im.person().split().jsonName());
      List<String> texts = im.captions().stream().map(CaptionGrammar.Caption::text).toList();
      e.put("captions", texts);
      e.put("file_path", im.filePath());
      e.put("processed_tokens", texts.stream().map(Tokenizer::tokenize).toList());
      e.put("id", im.person().id());
      sb.append(compact(e)).append(i + 1 < images.size() ? ",\n" : "\n");
    }
    Files.writeString(file, sb.append("]\n").toString());
  }

  private static void writeAttributes(
      SynthConfig config, List<Identity> people, List<PlannedImage> images, Path file)
      throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("generator", "tbps synth");
    root.put("version", 2);
    root.put("world", config.world().id());
    root.put("seed", config.seed());
    root.put("size", config.height() + "x" + config.width());
    root.put("images_per_id", config.minImages() + ".." + config.maxImages());
    Map<String, Object> attrs = new LinkedHashMap<>();
    for (Attribute a : Attribute.values()) {
      attrs.put(a.jsonName(), a.options());
    }
    root.put("attributes", attrs);
    List<Map<String, Object>> ids = new ArrayList<>();
    for (Identity p : people) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", p.id());
      m.put("split", p.split().jsonName());
      p.values().forEach((a, v) -> m.put(a.jsonName(), v));
      ids.add(m);
    }
    root.put("identities", ids);
    List<Map<String, Object>> imgs = new ArrayList<>();
    for (PlannedImage im : images) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file_path", im.filePath());
      m.put("id", im.person().id());
      m.put("view", im.back() ? "back" : "front");
      m.put("occluder", im.shot().occluder().jsonName());
      m.put("hidden", im.hidden().stream().map(Attribute::jsonName).toList());
      List<Map<String, String>> caps = new ArrayList<>();
      for (CaptionGrammar.Caption c : im.captions()) {
        Map<String, String> mentions = new LinkedHashMap<>();
        c.mentions().forEach((a, v) -> mentions.put(a.jsonName(), v));
        caps.add(mentions);
      }
      m.put("mentions", caps);
      imgs.add(m);
    }
    root.put("images", imgs);
    Files.writeString(file, JsonText.write(root));
  }

  private static String compact(Object o) {
    try {
      return MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
