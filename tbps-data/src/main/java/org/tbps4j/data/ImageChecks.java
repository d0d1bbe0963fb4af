package org.tbps4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.tbps4j.data.image.ImageDecodeException;
import org.tbps4j.data.image.ImageDecoder;
import org.tbps4j.data.image.ImageFiles;
import org.tbps4j.data.image.ImageLoader;
import org.tbps4j.data.image.ImageSettings;

/**
 * Loading, step 3: the image files checked as {@link ReadOptions#imageCheck()} says ({@code none},
 * {@code exists}, {@code header}, {@code decode}), in parallel; an image whose path leads out of
 * the dataset is always an {@link ProblemKind#UNSAFE_PATH}, a missing or unreadable one a {@link
 * ProblemKind#MISSING_IMAGE} or {@link ProblemKind#UNREADABLE_IMAGE} whose severity depends on
 * {@link ReadOptions#skipBadImages()}. Bad images are dropped from every split.
 */
final class ImageChecks {
  private ImageChecks() {}

  /**
   * Checks every image of every split, drops the bad ones and adds their problems.
   *
   * @param root the dataset root
   * @param options reading options
   * @param bySplit image entries per split (bad ones are removed in place)
   * @param out the problems so far, in entry order (the image problems are merged in by entry)
   * @return how many distinct image paths were dropped
   */
  static int check(
      Path root, ReadOptions options, Map<Split, List<ImageRecord>> bySplit, List<Problem> out) {
    if (options.imageCheck() == ImageCheck.NONE) {
      return 0;
    }
    List<ImageRecord> all = new ArrayList<>();
    for (Split s : Split.values()) {
      all.addAll(bySplit.get(s));
    }
    Problem[] found = new Problem[all.size()];
    ImageRoots roots = new ImageRoots(root, options.imageDir());
    IntStream.range(0, all.size())
        .parallel()
        .forEach(i -> found[i] = checkImage(root, roots, all.get(i), options));
    Set<String> bad = new HashSet<>();
    List<Problem> imageProblems = new ArrayList<>();
    for (Problem p : found) {
      if (p != null) {
        imageProblems.add(p);
      }
    }
    imageProblems.sort(Comparator.comparingInt(Problem::entry));
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
    DatasetChecks.mergeByEntry(out, imageProblems);
    return bad.size();
  }

  private static Problem checkImage(
      Path root, ImageRoots roots, ImageRecord r, ReadOptions options) {
    Path f = root.resolve(r.imagePath());
    ProblemKind kind = null;
    String message = null;
    String unsafe = null;
    try {
      roots.imageFile(r.imagePath());
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
}
