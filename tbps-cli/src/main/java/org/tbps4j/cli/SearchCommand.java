package org.tbps4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tbps4j.data.image.ImageDecodeException;
import org.tbps4j.data.image.ImageFiles;
import org.tbps4j.data.text.Vocabulary;
import org.tbps4j.model.AtomicFiles;
import org.tbps4j.model.search.Embedder;
import org.tbps4j.model.search.Embeddings;
import org.tbps4j.model.search.Gallery;
import org.tbps4j.model.search.Progress;
import org.tbps4j.search.ImageItem;
import org.tbps4j.search.ModelBundle;
import org.tbps4j.train.report.Html;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tbps search}: one text query against a gallery of images, ranked. A folder of images is
 * embedded once and cached next to the images ({@code .tbps-gallery.zip}, keyed by the model and
 * the files' names, sizes and times, the key stored inside the cache); a saved gallery file is used
 * as is. Image paths never lead out of the gallery's folder (see docs/security.md): a gallery file
 * whose paths do, or an image link out of a searched folder, is refused (exit code 2), and a cache
 * is used only when it lists exactly the folder's images.
 */
@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    description = {
      "Rank a gallery of pedestrian images for a text query with a trained model.",
      "--gallery is a folder of images (embedded once, then cached in DIR/.tbps-gallery.zip) or a",
      "saved gallery file. Prints the top results; --html writes a page with thumbnails."
    })
public final class SearchCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(SearchCommand.class);

  /** Cache file name inside an image folder. */
  static final String CACHE = ".tbps-gallery.zip";

  /** The key file earlier versions wrote beside the cache; removed when the cache is rewritten. */
  static final String LEGACY_CACHE_KEY = ".tbps-gallery.key";

  /** Thumbnail height in the HTML page, in pixels. */
  static final int THUMB_HEIGHT = 160;

  @Spec CommandSpec spec;

  @Mixin SavedModelOption model;

  @Option(
      names = "--gallery",
      required = true,
      paramLabel = "DIR_OR_FILE",
      description = "A folder of images (jpg, png, bmp; searched recursively) or a gallery file.")
  Path gallery;

  @Option(
      names = "--query",
      required = true,
      paramLabel = "TEXT",
      description = "The description to search for.")
  String query;

  @Option(
      names = "--top",
      defaultValue = "10",
      description = "How many results. Default: ${DEFAULT-VALUE}.")
  int top;

  @Option(
      names = "--html",
      paramLabel = "FILE",
      description = "Also write an HTML page with thumbnails.")
  Path html;

  @Option(
      names = "--batch",
      defaultValue = "64",
      description = "Embedding batch size for a folder.")
  int batch;

  @Option(
      names = "--no-cache",
      description = "Embed a folder again even if a cached gallery exists.")
  boolean noCache;

  @Override
  public Integer call() throws Exception {
    if (top < 1) {
      throw new IllegalArgumentException("--top must be >= 1, got " + top);
    }
    if (query.isBlank()) {
      throw new IllegalArgumentException("--query is empty");
    }
    ModelBundle run = model.load();
    Embedder embedder = new Embedder(run.model(), batch);
    Path imageRoot;
    Gallery g;
    if (Files.isDirectory(gallery)) {
      imageRoot = gallery;
      g = folderGallery(run, embedder, gallery);
    } else if (Files.isRegularFile(gallery)) {
      imageRoot = gallery.toAbsolutePath().getParent();
      g = Gallery.load(gallery);
    } else {
      throw new java.nio.file.NoSuchFileException(
          gallery.toString(), null, "no such folder or gallery file");
    }
    Embeddings q;
    if (run.model().config().text().tower()) {
      q = embedder.embedTextsWithSets(towerQuery(run, query));
    } else {
      q = embedder.embedTextsWithSets(wordQuery(run, query));
    }
    List<Gallery.Hit> hits = g.search(q, Math.min(top, g.size())).get(0);
    // the page first: a gallery entry that leads out of its folder stops the command before any
    // output
    String pageText = html == null ? null : page(query, hits, imageRoot);
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "query: %s%n", ImageFiles.printable(query));
    for (int i = 0; i < hits.size(); i++) {
      Gallery.Hit h = hits.get(i);
      out.printf(Locale.ROOT, "%3d. %.4f  %s%n", i + 1, h.score(), ImageFiles.printable(h.path()));
    }
    if (html != null) {
      AtomicFiles.writeString(html, pageText);
      out.println("html: " + html);
    }
    out.flush();
    return CliErrors.EXIT_OK;
  }

  private Gallery folderGallery(ModelBundle run, Embedder embedder, Path dir) throws IOException {
    Path realDir = dir.toRealPath();
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files =
          s.filter(Files::isRegularFile)
              .filter(
                  p ->
                      p.getFileName()
                          .toString()
                          .toLowerCase(Locale.ROOT)
                          .matches(".*\\.(jpe?g|png|bmp)"))
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .sorted()
              .toList();
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException(dir + ": no images (jpg, jpeg, png, bmp) in this folder");
    }
    List<String> rel = new ArrayList<>(files.size());
    for (Path f : files) {
      String r = dir.relativize(f).toString().replace('\\', '/');
      ImageFiles.inside(realDir, f, r); // a link out of the folder is refused, naming it
      rel.add(r);
    }
    String key = cacheKey(model.path(), dir, files);
    Path cache = dir.resolve(CACHE);
    if (!noCache && Files.isRegularFile(cache)) {
      Gallery cached = readCache(cache);
      if (cached != null && key.equals(cached.key()) && cached.paths().equals(rel)) {
        LOG.info("using the cached gallery {}", cache);
        return cached;
      }
      if (cached != null) {
        LOG.info(
            "the cached gallery {} is for other images or another model: embedding again", cache);
      }
    }
    LOG.info("embedding {} images of {} ...", files.size(), dir);
    List<ImageItem> items = new ArrayList<>(files.size());
    for (int i = 0; i < files.size(); i++) {
      items.add(new ImageItem(rel.get(i), ImageItem.UNKNOWN_ID, files.get(i)));
    }
    // the project's one image-embedding loop (tbps-model), decoding ahead on worker threads
    Embeddings all =
        run.imageLoop(batch, EvalCommand.decodeWorkers()).embedAll(items, Progress.NONE);
    Gallery g =
        Gallery.of(all, new long[files.size()], rel, run.model().config().esa().lambda())
            .withKey(key);
    try {
      g.save(cache); // one file holds the gallery and its key: no pairing of one with another's
      Files.deleteIfExists(dir.resolve(LEGACY_CACHE_KEY));
      LOG.info("cached the gallery in {}", cache);
    } catch (IOException e) {
      LOG.warn("could not cache the gallery in {}: {}", dir, e.getMessage());
    }
    return g;
  }

  /** A folder cache, or null when it cannot be read (it is then rebuilt). */
  private static Gallery readCache(Path cache) {
    try {
      return Gallery.load(cache);
    } catch (IOException | IllegalArgumentException e) {
      LOG.info("ignoring the unusable cached gallery {}: {}", cache, e.getMessage());
      return null;
    }
  }

  /** The model's content hash plus every image's path, size and modification time. */
  static String cacheKey(Path model, Path dir, List<Path> files) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(Files.readAllBytes(model));
      for (Path f : files) {
        md.update(
            (dir.relativize(f)
                    + "|"
                    + Files.size(f)
                    + "|"
                    + Files.getLastModifiedTime(f).toMillis()
                    + "\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The HTML page of a search: each hit's image resolved under the gallery's folder ({@link
   * ImageFiles#resolve}: never outside it, links included), decoded with the pixel limit and
   * re-encoded as a JPEG thumbnail. A missing or undecodable image gets an empty frame.
   *
   * @throws ImageFiles.UnsafeImagePathException when a hit's path leads out of {@code root}
   */
  static String page(String query, List<Gallery.Hit> hits, Path root) throws IOException {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>tbps search</title><style>")
        .append("body{font-family:sans-serif;margin:24px}.hit{display:inline-block;margin:6px;")
        .append("text-align:center;font-size:12px}.hit img{height:")
        .append(THUMB_HEIGHT)
        .append("px;display:block}</style>")
        .append("</head><body><h1>")
        .append(Html.escape(query))
        .append("</h1>");
    for (int i = 0; i < hits.size(); i++) {
      Gallery.Hit hit = hits.get(i);
      String src = thumbnail(root, hit.path());
      h.append("<div class=\"hit\"><img src=\"")
          .append(src)
          .append("\">")
          .append(i + 1)
          .append(". ")
          .append(String.format(Locale.ROOT, "%.3f", hit.score()))
          .append("<br>")
          .append(Html.escape(hit.path()))
          .append("</div>");
    }
    return h.append("</body></html>\n").toString();
  }

  private static String thumbnail(Path root, String path) throws IOException {
    Path file;
    try {
      file = ImageFiles.resolve(root, path);
    } catch (java.nio.file.NoSuchFileException e) {
      LOG.warn("gallery image {} not found under {}", ImageFiles.printable(path), root);
      return "";
    } catch (ImageFiles.UnsafeImagePathException e) {
      throw new ImageFiles.UnsafeImagePathException(
          "gallery entry \"" + ImageFiles.printable(path) + "\": " + e.getMessage());
    }
    try {
      return ImageFiles.jpegDataUri(ImageFiles.read(file), THUMB_HEIGHT);
    } catch (ImageDecodeException e) {
      LOG.warn("no thumbnail for {}: {}", ImageFiles.printable(path), e.getMessage());
      return "";
    }
  }

  /** The query as the vocabulary's ids {@code [1, L]}. */
  private static org.nd4j.linalg.api.ndarray.INDArray wordQuery(ModelBundle run, String query) {
    Vocabulary vocab = run.vocabulary();
    Vocabulary.Encoding enc = vocab.encodeDetailed(query, run.maxLength());
    if (enc.truncated()) {
      LOG.info(
          "the query has {} tokens; the model reads the first {}",
          enc.tokenCount(),
          run.maxLength());
    }
    if (enc.unknownCount() > 0) {
      LOG.debug(
          "{} of the query's words are not in the vocabulary (read as UNK)", enc.unknownCount());
    }
    return Nd4j.createFromArray(new int[][] {enc.ids()});
  }

  /** The query through the model's pretrained tower (its latency in the log). */
  private static org.nd4j.linalg.api.ndarray.INDArray towerQuery(ModelBundle run, String query) {
    long t0 = System.nanoTime();
    try (org.tbps4j.data.text.CaptionEncoder enc = run.captionEncoder()) {
      long t1 = System.nanoTime();
      org.nd4j.linalg.api.ndarray.INDArray in = enc.encode(List.of(query));
      long t2 = System.nanoTime();
      LOG.info(
          "text tower {}: opened in {} ms, the query took {} ms",
          enc.name(),
          String.format(Locale.ROOT, "%.0f", (t1 - t0) / 1e6),
          String.format(Locale.ROOT, "%.1f", (t2 - t1) / 1e6));
      return in;
    }
  }
}
