package org.tbps4j.data;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.tbps4j.data.image.ImageFiles;

/**
 * Where a dataset's images may be: the real paths (every symbolic link resolved) of the dataset
 * root and of its image directory ({@code root/imageDir}, which may itself be a link), resolved
 * once. An image path inside the image directory must stay inside its real path, any other path
 * inside the root's (docs/security.md).
 */
final class ImageRoots {
  private final Path root;
  private final String imageDir;
  private final Path realRoot; // null when the root cannot be resolved
  private final Path realImageDir; // null when the image directory does not exist

  /**
   * Resolves the real paths of a dataset's root and image directory.
   *
   * @param root the dataset root
   * @param imageDir the image directory under the root ({@link ReadOptions#imageDir()}; empty: the
   *     root)
   */
  ImageRoots(Path root, String imageDir) {
    this.root = root;
    this.imageDir = imageDir;
    Path r;
    try {
      r = root.toRealPath();
    } catch (IOException e) {
      r = null;
    }
    Path d;
    try {
      d = imageDir.isEmpty() ? r : root.resolve(imageDir).toRealPath();
    } catch (IOException e) {
      d = null;
    }
    this.realRoot = r;
    this.realImageDir = d;
  }

  /**
   * The checked file of an image path (no lexical check: see {@link ImagePaths#unsafeReason}).
   *
   * @param imagePath the image path relative to the root
   * @return the image's real path
   * @throws ImageFiles.UnsafeImagePathException if a link leads out of where the image may be
   * @throws NoSuchFileException if the file (or the image directory) does not exist
   * @throws IOException on other file-system errors
   */
  Path imageFile(String imagePath) throws IOException {
    boolean inImageDir = !imageDir.isEmpty() && imagePath.startsWith(imageDir + "/");
    Path confine = inImageDir ? realImageDir : realRoot;
    if (confine == null) { // the image directory does not exist: so does no image in it
      throw new NoSuchFileException(root.resolve(imagePath).toString());
    }
    return ImageFiles.inside(confine, root.resolve(imagePath), imagePath);
  }
}
