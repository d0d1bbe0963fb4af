package org.tbps4j.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tbps4j.data.Fixtures;

class ImageLoaderTest {
  @TempDir Path dir;

  /** A 2×3 (H×W) image with known pixels. */
  private static BufferedImage known() {
    int[][] rgb = {
      {0xFF0080, 0x00FF00, 0x0000FF},
      {0x102030, 0x405060, 0xFFFFFF}
    };
    BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 2; y++) {
      for (int x = 0; x < 3; x++) {
        img.setRGB(x, y, rgb[y][x]);
      }
    }
    return img;
  }

  private Path png(BufferedImage img, String name) throws Exception {
    Path f = dir.resolve(name);
    ImageIO.write(img, "png", f.toFile());
    return f;
  }

  @Test
  void normalisesWithImageNetStatisticsInRgbOrder() throws Exception {
    Path f = png(known(), "known.png");
    for (ImageDecoder d : ImageDecoder.values()) {
      INDArray x = new ImageLoader(ImageSettings.imagenet(2, 3), d).load(f);
      assertArrayEquals(new long[] {3, 2, 3}, x.shape());
      assertEquals(DataType.FLOAT, x.dataType());
      // pixel (0,0) = (255, 0, 128): (v/255 - mean)/std
      assertEquals(2.2489083f, x.getFloat(0, 0, 0), 1e-6, d.name());
      assertEquals(-2.0357143f, x.getFloat(1, 0, 0), 1e-6, d.name());
      assertEquals(0.4264924f, x.getFloat(2, 0, 0), 1e-6, d.name());
      // pixel (1,0) = (16, 32, 48)
      assertEquals((16 / 255f - 0.485f) / 0.229f, x.getFloat(0, 1, 0), 1e-6);
      assertEquals((32 / 255f - 0.456f) / 0.224f, x.getFloat(1, 1, 0), 1e-6);
      assertEquals((48 / 255f - 0.406f) / 0.225f, x.getFloat(2, 1, 0), 1e-6);
      // pixel (0,2) is pure blue: channel 2 is the largest (BGR was converted)
      assertTrue(x.getFloat(2, 0, 2) > 2f && x.getFloat(0, 0, 2) < -2f);
    }
  }

  @Test
  void bothDecodersGiveTheSamePixelsAtNativeSizeAndWithinTwoLevelsResized() throws Exception {
    Path root = Fixtures.root("cuhk").resolve("imgs");
    for (String f :
        List.of(
            "CUHK01/0001_a.jpg", "CUHK01/0001_b.png", "CUHK03/0002_a.bmp", "Market/0003_a.png")) {
      Path file = root.resolve(f);
      BufferedImage b = ImageIO.read(file.toFile());
      ImageSettings nativeSize = ImageSettings.imagenet(b.getHeight(), b.getWidth());
      assertArrayEquals(
          new ImageLoader(nativeSize, ImageDecoder.IMAGEIO).decodeRgb(file),
          new ImageLoader(nativeSize, ImageDecoder.OPENCV).decodeRgb(file),
          f);
      ImageSettings resized = ImageSettings.imagenet(40, 17);
      byte[] a = new ImageLoader(resized, ImageDecoder.IMAGEIO).decodeRgb(file);
      byte[] c = new ImageLoader(resized, ImageDecoder.OPENCV).decodeRgb(file);
      int max = 0;
      for (int i = 0; i < a.length; i++) {
        max = Math.max(max, Math.abs((a[i] & 0xFF) - (c[i] & 0xFF)));
      }
      assertTrue(max <= 2, f + ": max difference " + max);
    }
  }

  /** Bilinear resize written out directly, in double precision. */
  private static int[] slowResize(int[] src, int sh, int sw, int dh, int dw) {
    int[] out = new int[dh * dw * 3];
    for (int y = 0; y < dh; y++) {
      double fy = Math.min(Math.max((y + 0.5) * sh / dh - 0.5, 0), sh - 1);
      int y0 = (int) Math.floor(fy);
      int y1 = Math.min(y0 + 1, sh - 1);
      double b = fy - y0;
      for (int x = 0; x < dw; x++) {
        double fx = Math.min(Math.max((x + 0.5) * sw / dw - 0.5, 0), sw - 1);
        int x0 = (int) Math.floor(fx);
        int x1 = Math.min(x0 + 1, sw - 1);
        double a = fx - x0;
        for (int c = 0; c < 3; c++) {
          double v =
              (1 - b) * ((1 - a) * src[(y0 * sw + x0) * 3 + c] + a * src[(y0 * sw + x1) * 3 + c])
                  + b * ((1 - a) * src[(y1 * sw + x0) * 3 + c] + a * src[(y1 * sw + x1) * 3 + c]);
          out[(y * dw + x) * 3 + c] = (int) Math.round(v);
        }
      }
    }
    return out;
  }

  @Test
  void resizeMatchesTheObviousBilinearFormula() {
    Random rnd = new Random(11);
    int[][] sizes = {{7, 5, 13, 9}, {20, 11, 6, 4}, {9, 9, 9, 4}, {1, 1, 3, 2}, {5, 3, 5, 3}};
    for (int[] s : sizes) {
      byte[] src = new byte[s[0] * s[1] * 3];
      rnd.nextBytes(src);
      int[] srcInts = new int[src.length];
      for (int i = 0; i < src.length; i++) {
        srcInts[i] = src[i] & 0xFF;
      }
      byte[] dst = new byte[s[2] * s[3] * 3];
      ImageDecoder.resizeBilinear(src, s[0], s[1], dst, s[2], s[3]);
      int[] ref = slowResize(srcInts, s[0], s[1], s[2], s[3]);
      for (int i = 0; i < dst.length; i++) {
        assertTrue(
            Math.abs((dst[i] & 0xFF) - ref[i]) <= 1,
            java.util.Arrays.toString(s) + " at " + i + ": " + (dst[i] & 0xFF) + " vs " + ref[i]);
      }
    }
  }

  @Test
  void flipAndShiftMoveThePixelsAndFillWithTheMean() throws Exception {
    ImageLoader l = new ImageLoader(ImageSettings.imagenet(2, 3));
    byte[] rgb = l.toRgb(known());
    float[] plain = new float[18];
    l.normalise(rgb, Augmentation.Params.IDENTITY, plain, 0);
    float[] flipped = new float[18];
    l.normalise(rgb, new Augmentation.Params(true, 0, 0), flipped, 0);
    float[] down = new float[18];
    l.normalise(rgb, new Augmentation.Params(false, -1, 0), down, 0);
    float[] flipShift = new float[20];
    l.normalise(rgb, new Augmentation.Params(true, 0, 1), flipShift, 2);
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 2; y++) {
        for (int x = 0; x < 3; x++) {
          int o = c * 6 + y * 3 + x;
          assertEquals(plain[c * 6 + y * 3 + (2 - x)], flipped[o]);
          // dy = -1: out(y, x) = in(y - 1, x), row 0 comes from outside
          assertEquals(y == 0 ? 0f : plain[c * 6 + (y - 1) * 3 + x], down[o]);
          // flip + dx = 1: out(y, x) = in(y, 3 - x), x = 0 comes from outside
          assertEquals(x == 0 ? 0f : plain[c * 6 + y * 3 + (3 - x)], flipShift[2 + o]);
        }
      }
    }
    assertEquals(0f, flipShift[0]); // the offset was respected
  }

  @Test
  void bufferedImagesFilesAndBatchesAgree() throws Exception {
    BufferedImage img = known();
    Path f = png(img, "a.png");
    BufferedImage grey = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSample(1, 1, 0, 77);
    Path g = png(grey, "g.png");
    ImageLoader l = new ImageLoader(ImageSettings.imagenet(4, 6));
    assertEquals(l.load(f), l.load(img));
    INDArray batch = l.loadBatch(List.of(f, g));
    assertArrayEquals(new long[] {2, 3, 4, 6}, batch.shape());
    assertEquals(l.load(f), batch.slice(0));
    assertEquals(l.load(g), batch.slice(1));
    assertEquals(l.loadImages(List.of(img, grey)), batch);
    // grey expands to R = G = B
    byte[] rgb = new ImageLoader(ImageSettings.imagenet(2, 3)).decodeRgb(g);
    assertEquals(77, rgb[(1 * 3 + 1) * 3] & 0xFF);
    assertEquals(77, rgb[(1 * 3 + 1) * 3 + 1] & 0xFF);
    assertEquals(77, rgb[(1 * 3 + 1) * 3 + 2] & 0xFF);
  }

  @Test
  void corruptAndMissingFilesNameTheFile() {
    Path corrupt = Fixtures.root("cuhk").resolve("imgs/corrupt.jpg");
    for (ImageDecoder d : ImageDecoder.values()) {
      ImageLoader l = new ImageLoader(ImageSettings.imagenet(8, 4), d);
      ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> l.load(corrupt));
      assertTrue(
          e.getMessage().startsWith("cannot decode image " + corrupt + ": "), e.getMessage());
      assertEquals(corrupt, e.file());
      assertThrows(NoSuchFileException.class, () -> l.load(dir.resolve("absent.jpg")));
    }
  }

  @Test
  void settingsRoundTripThroughJson() {
    ImageSettings s =
        new ImageSettings(384, 128, new float[] {0.5f, 0.4f, 0.3f}, new float[] {1, 2, 3});
    assertEquals(s, ImageSettings.fromJson(s.toJson(), "x"));
    assertEquals(
        ImageSettings.imagenet(2, 3),
        ImageSettings.fromJson(ImageSettings.imagenet(2, 3).toJson(), "x"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ImageSettings.fromJson("{\"height\": 2, \"width\": 3, \"mean\": [1]}", "m.json"));
    assertEquals("m.json: field \"mean\" must be an array of 3 numbers (R, G, B)", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ImageSettings.fromJson(
                    "{\"height\": 0, \"width\": 3, \"mean\": [1,1,1], \"std\": [1,1,1]}",
                    "m.json"));
    assertEquals("m.json: image size must be at least 1x1 (HxW), got 0x3", e.getMessage());
  }

  @Test
  void augmentationDrawsAreDeterministicAndBounded() {
    Augmentation a = new Augmentation(true, 3);
    boolean sawFlip = false;
    boolean sawPlain = false;
    for (int s = 0; s < 200; s++) {
      // seeds as the iterator makes them: mixed (java.util.Random's first draw of consecutive raw
      // seeds is nearly constant)
      long seed = org.tbps4j.data.sample.Seeds.mix(9, s);
      Augmentation.Params p = a.sample(new Random(seed));
      assertEquals(p, a.sample(new Random(seed)));
      assertTrue(Math.abs(p.dy()) <= 3 && Math.abs(p.dx()) <= 3);
      sawFlip |= p.flip();
      sawPlain |= !p.flip();
    }
    assertTrue(sawFlip && sawPlain);
    assertEquals(Augmentation.Params.IDENTITY, Augmentation.NONE.sample(new Random(1)));
    assertEquals(new Augmentation(true, 4), Augmentation.standard(ImageSettings.imagenet(128, 64)));
    assertFalse(new Augmentation(false, 2).sample(new Random(5)).flip());
    assertThrows(IllegalArgumentException.class, () -> new Augmentation(true, -1));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ImageSettings.parseSize("128*64"));
    assertEquals(
        "image size \"128*64\" is not HxW with positive integers (e.g. 128x64, 384x128)",
        e.getMessage());
    assertArrayEquals(new int[] {384, 128}, ImageSettings.parseHeightWidth("384X128"));
  }
}
