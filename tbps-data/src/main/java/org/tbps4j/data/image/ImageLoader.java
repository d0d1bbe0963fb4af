package org.tbps4j.data.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns image files (jpg, png, bmp, any size) or {@link BufferedImage}s into normalised RGB float
 * tensors {@code [3, H, W]} (batches {@code [N, 3, H, W]}): decode, bilinear resize to {@code H×W},
 * {@code (v/255 − mean)/std} per channel ({@link ImageSettings}), optional augmentation. Channel 0
 * is red, whichever decoder is used. Thread-safe.
 */
public final class ImageLoader {
  private final ImageSettings settings;
  private final ImageDecoder decoder;

  /**
   * A loader with the default decoder ({@link ImageDecoder#DEFAULT}).
   *
   * @param settings size and normalisation
   */
  public ImageLoader(ImageSettings settings) {
    this(settings, ImageDecoder.DEFAULT);
  }

  /**
   * A loader with a chosen decoder.
   *
   * @param settings size and normalisation
   * @param decoder how files are decoded
   */
  public ImageLoader(ImageSettings settings, ImageDecoder decoder) {
    this.settings = settings;
    this.decoder = decoder;
  }

  /**
   * The preprocessing settings.
   *
   * @return the settings
   */
  public ImageSettings settings() {
    return settings;
  }

  /**
   * The decoder in use.
   *
   * @return the decoder
   */
  public ImageDecoder decoder() {
    return decoder;
  }

  /**
   * Loads one image file.
   *
   * @param file the image
   * @return a FLOAT tensor {@code [3, H, W]}
   * @throws java.nio.file.NoSuchFileException if the file does not exist
   * @throws ImageDecodeException if it cannot be decoded
   * @throws IOException on other read failures
   */
  public INDArray load(Path file) throws IOException {
    float[] buf = new float[settings.floatsPerImage()];
    normalise(decodeRgb(file), Augmentation.Params.IDENTITY, buf, 0);
    return Nd4j.create(buf, new long[] {3, settings.height(), settings.width()}, DataType.FLOAT);
  }

  /**
   * Loads an image already in memory (for example one the search command received).
   *
   * @param image any buffered image (alpha ignored, grey expanded)
   * @return a FLOAT tensor {@code [3, H, W]}
   */
  public INDArray load(BufferedImage image) {
    float[] buf = new float[settings.floatsPerImage()];
    normalise(toRgb(image), Augmentation.Params.IDENTITY, buf, 0);
    return Nd4j.create(buf, new long[] {3, settings.height(), settings.width()}, DataType.FLOAT);
  }

  /**
   * Loads several files into one batch, in order.
   *
   * @param files the images
   * @return a FLOAT tensor {@code [N, 3, H, W]}
   * @throws IOException as {@link #load(Path)}
   */
  public INDArray loadBatch(List<Path> files) throws IOException {
    int per = settings.floatsPerImage();
    float[] buf = new float[files.size() * per];
    for (int i = 0; i < files.size(); i++) {
      normalise(decodeRgb(files.get(i)), Augmentation.Params.IDENTITY, buf, i * per);
    }
    return Nd4j.create(
        buf, new long[] {files.size(), 3, settings.height(), settings.width()}, DataType.FLOAT);
  }

  /**
   * Loads several in-memory images into one batch, in order.
   *
   * @param images the images
   * @return a FLOAT tensor {@code [N, 3, H, W]}
   */
  public INDArray loadImages(List<BufferedImage> images) {
    int per = settings.floatsPerImage();
    float[] buf = new float[images.size() * per];
    for (int i = 0; i < images.size(); i++) {
      normalise(toRgb(images.get(i)), Augmentation.Params.IDENTITY, buf, i * per);
    }
    return Nd4j.create(
        buf, new long[] {images.size(), 3, settings.height(), settings.width()}, DataType.FLOAT);
  }

  /**
   * Decodes a file to 8-bit RGB at the input size (the first half of {@link #load(Path)}).
   *
   * @param file the image
   * @return {@code H·W·3} bytes, row-major, interleaved R, G, B
   * @throws IOException as {@link #load(Path)}
   */
  public byte[] decodeRgb(Path file) throws IOException {
    byte[] rgb = new byte[settings.height() * settings.width() * 3];
    decoder.decode(file, settings.height(), settings.width(), rgb);
    return rgb;
  }

  /**
   * Converts an in-memory image to 8-bit RGB at the input size.
   *
   * @param image any buffered image
   * @return {@code H·W·3} bytes, row-major, interleaved R, G, B
   */
  public byte[] toRgb(BufferedImage image) {
    byte[] rgb = new byte[settings.height() * settings.width() * 3];
    ImageDecoder.resizeBilinear(
        ImageDecoder.toRgb(image),
        image.getHeight(),
        image.getWidth(),
        rgb,
        settings.height(),
        settings.width());
    return rgb;
  }

  /**
   * Normalises 8-bit RGB into a planar float buffer, applying an augmentation (the second half of
   * {@link #load(Path)}). Pixels shifted in from outside the image are 0 (the mean colour).
   *
   * @param rgb {@code H·W·3} bytes as {@link #decodeRgb} returns
   * @param aug flip and shift ({@link Augmentation.Params#IDENTITY} for none)
   * @param dst output buffer
   * @param offset where the image's {@code 3·H·W} floats start in {@code dst}: channel-major {@code
   *     [3, H, W]}, channel 0 = R
   */
  public void normalise(byte[] rgb, Augmentation.Params aug, float[] dst, int offset) {
    int h = settings.height();
    int w = settings.width();
    int hw = h * w;
    float[] lut = lookupTable();
    for (int y = 0; y < h; y++) {
      int sy = y + aug.dy();
      int rowOut = offset + y * w;
      if (sy < 0 || sy >= h) {
        for (int c = 0; c < 3; c++) {
          java.util.Arrays.fill(dst, rowOut + c * hw, rowOut + c * hw + w, 0f);
        }
        continue;
      }
      int rowIn = sy * w;
      for (int x = 0; x < w; x++) {
        int sx = (aug.flip() ? w - 1 - x : x) + aug.dx();
        int o = rowOut + x;
        if (sx < 0 || sx >= w) {
          dst[o] = 0f;
          dst[o + hw] = 0f;
          dst[o + 2 * hw] = 0f;
        } else {
          int p = (rowIn + sx) * 3;
          dst[o] = lut[rgb[p] & 0xFF];
          dst[o + hw] = lut[256 + (rgb[p + 1] & 0xFF)];
          dst[o + 2 * hw] = lut[512 + (rgb[p + 2] & 0xFF)];
        }
      }
    }
  }

  private volatile float[] lut;

  private float[] lookupTable() {
    float[] t = lut;
    if (t == null) {
      t = new float[768];
      for (int c = 0; c < 3; c++) {
        for (int v = 0; v < 256; v++) {
          t[c * 256 + v] = settings.normalise(c, v);
        }
      }
      lut = t;
    }
    return t;
  }
}
