package org.tbps4j.data.synth;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Random;

/** Pixel post-processing shared by the renderers, on {@code TYPE_3BYTE_BGR} rasters. */
final class Pixels {
  private Pixels() {}

  /**
   * The bytes of a {@code TYPE_3BYTE_BGR} image (B, G, R per pixel, row-major).
   *
   * @param img the image
   * @return its backing array (writes change the image)
   */
  static byte[] bgr(BufferedImage img) {
    return ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
  }

  /** Multiplies every channel by {@code f}, rounded and clamped. */
  static void scale(byte[] px, double f) {
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) Palette.clamp((int) StrictMath.round((px[i] & 0xFF) * f));
    }
  }

  /** 3×3 binomial blur (1 2 1 / 2 4 2 / 1 2 1) / 16, edges clamped. */
  static void blur(byte[] px, int h, int w) {
    byte[] src = px.clone();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          int sum = 0;
          for (int dy = -1; dy <= 1; dy++) {
            int yy = Math.min(h - 1, Math.max(0, y + dy));
            for (int dx = -1; dx <= 1; dx++) {
              int xx = Math.min(w - 1, Math.max(0, x + dx));
              int wgt = (dy == 0 ? 2 : 1) * (dx == 0 ? 2 : 1);
              sum += wgt * (src[(yy * w + xx) * 3 + c] & 0xFF);
            }
          }
          px[(y * w + x) * 3 + c] = (byte) ((sum + 8) >> 4);
        }
      }
    }
  }

  /**
   * Halves an image by averaging each 2×2 block (box filter, rounded): the anti-aliasing of a
   * picture drawn at twice its size.
   *
   * @param big a {@code TYPE_3BYTE_BGR} image of even size {@code 2W×2H}
   * @return the {@code W×H} image
   */
  static BufferedImage halve(BufferedImage big) {
    int w = big.getWidth() / 2;
    int h = big.getHeight() / 2;
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    byte[] s = bgr(big);
    byte[] d = bgr(out);
    int sw = big.getWidth();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int a = ((2 * y) * sw + 2 * x) * 3;
        int b = a + sw * 3;
        for (int c = 0; c < 3; c++) {
          int sum =
              (s[a + c] & 0xFF) + (s[a + 3 + c] & 0xFF) + (s[b + c] & 0xFF) + (s[b + 3 + c] & 0xFF);
          d[(y * w + x) * 3 + c] = (byte) ((sum + 2) >> 2);
        }
      }
    }
    return out;
  }

  /** 4,096 standard normal draws, fixed: noise looks up 12-bit indices instead of sampling. */
  private static final float[] GAUSS = gaussTable();

  private static float[] gaussTable() {
    Random r = new Random(0x6A55_5353L);
    float[] t = new float[4096];
    for (int i = 0; i < t.length; i++) {
      t[i] = (float) r.nextGaussian();
    }
    return t;
  }

  /** Adds Gaussian noise of standard deviation sigma (4 table lookups per random long). */
  static void noise(byte[] px, double sigma, Random rnd) {
    float s = (float) sigma;
    long bits = 0;
    for (int i = 0; i < px.length; i++) {
      if ((i & 3) == 0) {
        bits = rnd.nextLong();
      }
      float n = GAUSS[(int) (bits & 0xFFF)] * s;
      bits >>>= 16;
      int v = (px[i] & 0xFF) + Math.round(n);
      px[i] = (byte) Palette.clamp(v);
    }
  }
}
