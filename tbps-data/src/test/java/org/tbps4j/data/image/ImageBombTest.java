package org.tbps4j.data.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images whose header announces more pixels than the limit are refused before they are decoded,
 * naming the file, the size and the limit; a 30000 × 30000 grey PNG is about 1 MB on disk.
 */
class ImageBombTest {
  @TempDir Path dir;

  /** The system property with the limit (ImageFiles.MAX_PIXELS_PROPERTY). */
  static final String PROPERTY = "tbps.maxImagePixels";

  @Test
  void aHugePngIsRefusedBeforeDecodingByBothDecoders() throws Exception {
    Path bomb = BigPng.write(dir.resolve("bomb.png"), 30000, 30000);
    assertTrue(java.nio.file.Files.size(bomb) < 2_000_000, "a small file");
    for (ImageDecoder d : ImageDecoder.values()) {
      ImageLoader loader = new ImageLoader(ImageSettings.imagenet(8, 8), d);
      ImageDecodeException e =
          assertThrows(ImageDecodeException.class, () -> loader.decodeRgb(bomb), d.name());
      String m = e.getMessage();
      assertTrue(m.contains("bomb.png"), m);
      assertTrue(m.contains("30000x30000"), m);
      assertTrue(m.contains("67,108,864") && m.contains("TBPS_MAX_IMAGE_PIXELS"), m);
    }
  }

  @Test
  void theLimitIsConfigurable() throws Exception {
    Path small = dir.resolve("small.png");
    ImageIO.write(new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB), "png", small.toFile());
    ImageLoader loader = new ImageLoader(ImageSettings.imagenet(8, 8));
    String old = System.getProperty(PROPERTY);
    System.setProperty(PROPERTY, "399");
    try {
      ImageDecodeException e =
          assertThrows(ImageDecodeException.class, () -> loader.decodeRgb(small));
      assertTrue(e.getMessage().contains("20x20 = 400 pixels"), e.getMessage());
      System.setProperty(PROPERTY, "400");
      assertEquals(8 * 8 * 3, loader.decodeRgb(small).length);
    } finally {
      if (old == null) {
        System.clearProperty(PROPERTY);
      } else {
        System.setProperty(PROPERTY, old);
      }
    }
  }
}
