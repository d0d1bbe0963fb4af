package org.tbps4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.data.image.ImageLoader;
import org.tbps4j.data.image.ImageSettings;
import org.tbps4j.data.iter.GalleryIterator;

/**
 * A symbolic link inside a dataset's image folder that leads out of it is refused wherever an image
 * is opened: by the image check when loading, and by the iterators when the check is off. The image
 * folder itself may be a link (a dataset on another disk).
 */
class SymlinkEscapeTest {
  @TempDir Path dir;
  Path root;
  Path outside;

  static void png(Path file, Color c) throws Exception {
    Files.createDirectories(file.getParent());
    BufferedImage img = new BufferedImage(8, 16, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(c);
    g.fillRect(0, 0, 8, 16);
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
  }

  @BeforeEach
  void setUp() throws Exception {
    outside = dir.resolve("private/photo.png");
    png(outside, Color.BLUE);
    root = dir.resolve("ds");
    png(root.resolve("imgs/cam/a.png"), Color.RED);
    png(root.resolve("imgs/cam/b.png"), Color.GREEN);
    png(root.resolve("imgs/cam/c.png"), Color.GRAY);
    Files.createSymbolicLink(root.resolve("imgs/cam/leak.png"), outside);
    Files.writeString(
        root.resolve("reid_raw.json"),
        """
        [
         {"id": 1, "split": "train", "file_path": "cam/a.png", "captions": ["a man in red"]},
         {"id": 1, "split": "train", "file_path": "cam/b.png", "captions": ["a man in green"]},
         {"id": 2, "split": "train", "file_path": "cam/leak.png", "captions": ["a man in blue"]},
         {"id": 3, "split": "test", "file_path": "cam/c.png", "captions": ["x"]}
        ]
        """);
  }

  @Test
  void theImageCheckRefusesALinkOutOfTheImageFolder() throws Exception {
    for (ImageCheck check : List.of(ImageCheck.EXISTS, ImageCheck.HEADER, ImageCheck.DECODE)) {
      PedesDataset ds =
          PedesDataset.load(
              DatasetFormat.CUHK_PEDES,
              root,
              null,
              ReadOptions.defaults().withImageCheck(check).withSkipBadImages(true));
      List<Problem> unsafe =
          ds.problems().stream().filter(p -> p.kind() == ProblemKind.UNSAFE_PATH).toList();
      assertEquals(1, unsafe.size(), check + ": " + ds.problems());
      assertEquals(2, unsafe.get(0).entry());
      assertTrue(unsafe.get(0).message().contains("cam/leak.png"), unsafe.get(0).message());
      assertTrue(unsafe.get(0).message().contains("outside"), unsafe.get(0).message());
      assertFalse(ds.usable(), "an escaping link is an error even with --skip-bad-images");
    }
  }

  @Test
  void theIteratorsRefuseALinkOutOfTheImageFolderWhenNothingWasChecked() throws Exception {
    PedesDataset ds =
        PedesDataset.load(
            DatasetFormat.CUHK_PEDES,
            root,
            null,
            ReadOptions.defaults().withImageCheck(ImageCheck.NONE));
    ImageLoader loader = new ImageLoader(ImageSettings.imagenet(16, 8));
    try (GalleryIterator g = new GalleryIterator(ds, Split.TRAIN, loader, 8, 0)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, g::next);
      assertTrue(e.getMessage().contains("cam/leak.png"), e.getMessage());
      assertTrue(e.getMessage().contains("outside"), e.getMessage());
    }
  }

  @Test
  void theImageFolderItselfMayBeALink() throws Exception {
    Path elsewhere = dir.resolve("disk2/imgs");
    png(elsewhere.resolve("cam/a.png"), Color.RED);
    Path linked = Files.createDirectories(dir.resolve("ds2"));
    Files.createSymbolicLink(linked.resolve("imgs"), elsewhere);
    Files.writeString(
        linked.resolve("reid_raw.json"),
        """
        [{"id": 1, "split": "train", "file_path": "cam/a.png", "captions": ["a man in red"]}]
        """);
    PedesDataset ds =
        PedesDataset.load(
            DatasetFormat.CUHK_PEDES,
            linked,
            null,
            ReadOptions.defaults().withImageCheck(ImageCheck.DECODE));
    assertTrue(ds.problems().stream().noneMatch(p -> p.kind() == ProblemKind.UNSAFE_PATH));
    assertEquals(1, ds.images(Split.TRAIN).size());
  }
}
