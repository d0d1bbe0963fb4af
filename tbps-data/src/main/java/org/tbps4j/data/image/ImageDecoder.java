package org.tbps4j.data.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.datavec.image.loader.NativeImageLoader;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How image files are decoded into 8-bit RGB at the model's input size (bilinear resize, pixel
 * centres aligned as in OpenCV's {@code INTER_LINEAR}). Both decoders give the same pixels up to
 * rounding of the resize (±1–2 levels); an image already at the input size decodes identically.
 *
 * <p>{@link #DEFAULT} is {@link #IMAGEIO}. {@code tbps bench data} times both on the same files in
 * one run; on the project's 2-core machine they were within noise of each other (OpenCV/ImageIO
 * 0.84–1.2 from run to run, 128×64 JPEGs and 384×128 resizes alike), and a tie goes to the
 * pure-Java path: no native buffer per image, no libpng/libjpeg messages on stderr for corrupt
 * files, no leptonica fallback (its natives are trimmed, see docs/samediff-m2.1.md).
 */
public enum ImageDecoder {
  /**
   * {@code javax.imageio} (with the TwelveMonkeys plug-ins DataVec brings) plus this class's own
   * bilinear resize. Pure Java.
   */
  IMAGEIO {
    @Override
    void decode(Path file, int height, int width, byte[] rgb) throws IOException {
      BufferedImage img = ImageFiles.read(file); // the pixel limit is checked on the header first
      resizeBilinear(toRgb(img), img.getHeight(), img.getWidth(), rgb, height, width);
    }
  },
  /**
   * DataVec's {@link NativeImageLoader} (OpenCV {@code imdecode} + {@code resize}); it returns BGR,
   * converted to RGB here. One loader per thread.
   */
  OPENCV {
    @Override
    void decode(Path file, int height, int width, byte[] rgb) throws IOException {
      requireFile(file);
      long[] size = ImageFiles.headerSize(file);
      ImageFiles.checkPixels(file, size[0], size[1]);
      NativeImageLoader loader = NativeLoaders.get(height, width);
      INDArray bgr;
      try {
        bgr = loader.asMatrix(file.toFile());
      } catch (IOException | RuntimeException | LinkageError e) {
        throw new ImageDecodeException(file, "OpenCV could not decode it (" + e + ")", e);
      }
      if (bgr == null || bgr.length() != 3L * height * width) {
        throw new ImageDecodeException(file, "OpenCV could not decode it", null);
      }
      float[] planes = bgr.data().asFloat();
      bgr.close();
      int hw = height * width;
      for (int i = 0; i < hw; i++) {
        rgb[3 * i] = toByte(planes[2 * hw + i]);
        rgb[3 * i + 1] = toByte(planes[hw + i]);
        rgb[3 * i + 2] = toByte(planes[i]);
      }
    }
  };

  /** The decoder used unless one is asked for. */
  public static final ImageDecoder DEFAULT = IMAGEIO;

  /**
   * Decodes a file into interleaved RGB at the given size.
   *
   * @param file the image (jpg, png, bmp, any size)
   * @param height output height H
   * @param width output width W
   * @param rgb output, length {@code H·W·3}, row-major, interleaved R, G, B
   * @throws NoSuchFileException if the file does not exist
   * @throws ImageDecodeException if the file cannot be decoded
   * @throws IOException on other read failures
   */
  abstract void decode(Path file, int height, int width, byte[] rgb) throws IOException;

  /**
   * Parses a decoder name.
   *
   * @param name {@code imageio} or {@code opencv} (case-insensitive)
   * @return the decoder
   * @throws IllegalArgumentException naming the valid names
   */
  public static ImageDecoder fromName(String name) {
    for (ImageDecoder d : values()) {
      if (d.name().equalsIgnoreCase(name)) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "unknown image decoder \"" + name + "\" (valid: imageio, opencv)");
  }

  private static byte toByte(float v) {
    return (byte) Math.max(0, Math.min(255, Math.round(v)));
  }

  private static void requireFile(Path file) throws NoSuchFileException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString());
    }
  }

  /** One NativeImageLoader per thread and size. */
  private static final class NativeLoaders {
    private static final ThreadLocal<Object[]> LOADER = new ThreadLocal<>();

    static NativeImageLoader get(int height, int width) {
      Object[] cell = LOADER.get(); // {loader, height, width}
      if (cell == null || (int) cell[1] != height || (int) cell[2] != width) {
        cell = new Object[] {new NativeImageLoader(height, width, 3), height, width};
        LOADER.set(cell);
      }
      return (NativeImageLoader) cell[0];
    }
  }

  /**
   * Interleaved 8-bit RGB of an image at its own size.
   *
   * @param img any buffered image (alpha is ignored, grey is expanded)
   * @return {@code h·w·3} bytes, row-major R, G, B
   */
  static byte[] toRgb(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    long bytes = 3L * w * h;
    if (bytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "a " + w + "x" + h + " image is too large for one array (" + bytes + " bytes)");
    }
    byte[] out = new byte[(int) bytes];
    Raster r = img.getRaster();
    ColorModel cm = img.getColorModel();
    if (r.getDataBuffer() instanceof DataBufferByte db
        && db.getNumBanks() == 1
        && r.getSampleModel() instanceof ComponentSampleModel sm
        && cm instanceof ComponentColorModel
        && r.getParent() == null
        && ((cm.getColorSpace().isCS_sRGB() && sm.getNumBands() >= 3)
            || (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && sm.getNumBands() == 1
                && cm.getComponentSize(0) == 8))) {
      byte[] data = db.getData();
      int[] off = sm.getBandOffsets();
      int ps = sm.getPixelStride();
      int ss = sm.getScanlineStride();
      int base = db.getOffset();
      boolean grey = sm.getNumBands() == 1;
      int o = 0;
      for (int y = 0; y < h; y++) {
        int row = base + y * ss;
        for (int x = 0; x < w; x++) {
          int p = row + x * ps;
          if (grey) {
            byte v = data[p + off[0]];
            out[o++] = v;
            out[o++] = v;
            out[o++] = v;
          } else {
            out[o++] = data[p + off[0]];
            out[o++] = data[p + off[1]];
            out[o++] = data[p + off[2]];
          }
        }
      }
      return out;
    }
    int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
    for (int i = 0, o = 0; i < argb.length; i++) {
      int v = argb[i];
      out[o++] = (byte) (v >> 16);
      out[o++] = (byte) (v >> 8);
      out[o++] = (byte) v;
    }
    return out;
  }

  /**
   * Bilinear resize of interleaved RGB with OpenCV's {@code INTER_LINEAR} pixel-centre convention
   * ({@code src = (dst + ½)·scale − ½}, clamped at the borders). Copies when the sizes are equal.
   *
   * @param src source pixels, {@code sh·sw·3}
   * @param sh source height
   * @param sw source width
   * @param dst output pixels, {@code dh·dw·3}
   * @param dh output height
   * @param dw output width
   */
  static void resizeBilinear(byte[] src, int sh, int sw, byte[] dst, int dh, int dw) {
    if (sh == dh && sw == dw) {
      System.arraycopy(src, 0, dst, 0, dh * dw * 3);
      return;
    }
    double sy = (double) sh / dh;
    double sx = (double) sw / dw;
    int[] x0 = new int[dw];
    int[] x1 = new int[dw];
    float[] wx = new float[dw];
    for (int x = 0; x < dw; x++) {
      double fx = (x + 0.5) * sx - 0.5;
      int ix = (int) Math.floor(fx);
      float a = (float) (fx - ix);
      if (ix < 0) {
        ix = 0;
        a = 0;
      }
      if (ix >= sw - 1) {
        ix = sw - 1;
        a = 0;
      }
      x0[x] = ix * 3;
      x1[x] = Math.min(ix + 1, sw - 1) * 3;
      wx[x] = a;
    }
    int o = 0;
    for (int y = 0; y < dh; y++) {
      double fy = (y + 0.5) * sy - 0.5;
      int iy = (int) Math.floor(fy);
      float b = (float) (fy - iy);
      if (iy < 0) {
        iy = 0;
        b = 0;
      }
      if (iy >= sh - 1) {
        iy = sh - 1;
        b = 0;
      }
      int r0 = iy * sw * 3;
      int r1 = Math.min(iy + 1, sh - 1) * sw * 3;
      for (int x = 0; x < dw; x++) {
        float a = wx[x];
        for (int c = 0; c < 3; c++) {
          float top = (src[r0 + x0[x] + c] & 0xFF) * (1 - a) + (src[r0 + x1[x] + c] & 0xFF) * a;
          float bot = (src[r1 + x0[x] + c] & 0xFF) * (1 - a) + (src[r1 + x1[x] + c] & 0xFF) * a;
          dst[o++] = (byte) Math.round(top * (1 - b) + bot * b);
        }
      }
    }
  }
}
