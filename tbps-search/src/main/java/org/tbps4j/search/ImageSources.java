package org.tbps4j.search;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.tbps4j.data.ImagePaths;
import org.tbps4j.data.ImageRecord;
import org.tbps4j.data.PedesDataset;
import org.tbps4j.data.Split;

/**
 * The images an index is built from: a folder (a camera archive, identities unknown) or the gallery
 * of a dataset split (identities known). Every item's file is resolved inside its root by real
 * path.
 */
public final class ImageSources {
  private ImageSources() {}

  /**
   * Every image under a folder ({@link SafeImages#scan}); refused files are reported.
   *
   * @param dir the folder (the index's image root)
   * @param warnings receives one line per refused file
   * @return the images, sorted by path
   * @throws IOException when the folder cannot be read
   * @throws IllegalArgumentException when it holds no image
   */
  public static List<ImageItem> folder(Path dir, Consumer<String> warnings) throws IOException {
    List<SafeImages.Refused> refused = new ArrayList<>();
    List<ImageItem> items = SafeImages.scan(dir, refused);
    for (SafeImages.Refused r : refused) {
      warnings.accept("refused " + SafeImages.printable(r.file().toString()) + ": " + r.reason());
    }
    if (items.isEmpty()) {
      throw new IllegalArgumentException(
          dir + ": no images (" + SafeImages.EXTENSIONS + ") in this folder");
    }
    return items;
  }

  /**
   * Some files under a folder (for {@code tbps index add}): each must be an image inside the root.
   *
   * @param root the index's image root
   * @param files files or folders (folders are scanned)
   * @param warnings receives one line per refused file
   * @return the images
   * @throws IOException on read errors
   * @throws IllegalArgumentException when a file lies outside the root (names it)
   */
  public static List<ImageItem> files(Path root, List<Path> files, Consumer<String> warnings)
      throws IOException {
    Path realRoot = root.toRealPath();
    List<ImageItem> out = new ArrayList<>();
    for (Path f : files) {
      Path real = f.toRealPath();
      if (java.nio.file.Files.isDirectory(real)) {
        if (!real.startsWith(realRoot)) {
          throw new IllegalArgumentException(
              f + " is not inside the index's image root " + realRoot);
        }
        for (ImageItem it : folder(real, warnings)) {
          String stored = SafeImages.stored(realRoot, it.file());
          out.add(new ImageItem(stored, it.personId(), it.file()));
        }
      } else {
        SafeImages.inside(realRoot, f, f.toString());
        String stored = SafeImages.stored(realRoot, real);
        String why = SafeImages.badStoredPath(stored);
        if (why != null) {
          throw new IllegalArgumentException(f + ": its path under the root " + why);
        }
        if (!SafeImages.hasImageExtension(real)) {
          throw new IllegalArgumentException(
              f + ": not an image file name (" + SafeImages.EXTENSIONS + ")");
        }
        out.add(new ImageItem(stored, ImageItem.UNKNOWN_ID, real));
      }
    }
    return out;
  }

  /**
   * The gallery of a dataset split, in gallery order, with person ids. Paths are stored relative to
   * the dataset root.
   *
   * @param dataset the dataset
   * @param split the split
   * @return the images
   * @throws IOException when an image path cannot be resolved
   * @throws IllegalArgumentException when the split has no images or a path leaves the root
   */
  public static List<ImageItem> split(PedesDataset dataset, Split split) throws IOException {
    List<ImageRecord> records = dataset.images(split);
    if (records.isEmpty()) {
      throw new IllegalArgumentException("the " + split + " split has no images");
    }
    Path realRoot = dataset.root().toRealPath();
    List<ImageItem> out = new ArrayList<>(records.size());
    for (ImageRecord r : records) {
      String stored = ImagePaths.normalise(r.imagePath());
      if (stored == null) {
        throw new IllegalArgumentException("image path " + r.imagePath() + " is unsafe");
      }
      out.add(new ImageItem(stored, r.personId(), SafeImages.resolve(realRoot, stored)));
    }
    return out;
  }
}
