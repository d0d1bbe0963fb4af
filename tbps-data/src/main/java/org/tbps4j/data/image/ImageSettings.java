package org.tbps4j.data.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import org.tbps4j.data.JsonText;

/**
 * Image preprocessing settings that travel with a model: the input size and the per-channel
 * normalisation {@code x = (v / 255 − mean[c]) / std[c]} for RGB channel {@code c}.
 */
public final class ImageSettings {

  /** ImageNet channel means (RGB). */
  public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};

  /** ImageNet channel standard deviations (RGB). */
  public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

  private final int height;
  private final int width;
  private final float[] mean;
  private final float[] std;

  /**
   * Creates settings.
   *
   * @param height H, input height in pixels (≥ 1)
   * @param width W, input width in pixels (≥ 1)
   * @param mean RGB means on the 0–1 scale, length 3
   * @param std RGB standard deviations, length 3, each &gt; 0
   * @throws IllegalArgumentException on a non-positive size or bad mean/std
   */
  public ImageSettings(int height, int width, float[] mean, float[] std) {
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "image size must be at least 1x1 (HxW), got " + height + "x" + width);
    }
    if (mean == null || std == null || mean.length != 3 || std.length != 3) {
      throw new IllegalArgumentException("mean and std must have 3 values (R, G, B)");
    }
    for (float s : std) {
      if (!(s > 0)) {
        throw new IllegalArgumentException("std values must be > 0, got " + Arrays.toString(std));
      }
    }
    this.height = height;
    this.width = width;
    this.mean = mean.clone();
    this.std = std.clone();
  }

  /**
   * Settings with ImageNet mean/std.
   *
   * @param height H in pixels
   * @param width W in pixels
   * @return the settings
   */
  public static ImageSettings imagenet(int height, int width) {
    return new ImageSettings(height, width, IMAGENET_MEAN, IMAGENET_STD);
  }

  /**
   * Parses {@code HxW} (e.g. {@code 128x64}) into ImageNet settings.
   *
   * @param size the size text
   * @return the settings
   * @throws IllegalArgumentException if the text is not {@code HxW} with positive integers
   */
  public static ImageSettings parseSize(String size) {
    int[] hw = parseHeightWidth(size);
    return imagenet(hw[0], hw[1]);
  }

  /**
   * Parses {@code HxW}.
   *
   * @param size the text, e.g. {@code 384x128}
   * @return {@code {H, W}}
   * @throws IllegalArgumentException if the text is not two positive integers joined by x
   */
  public static int[] parseHeightWidth(String size) {
    String[] p = size.trim().toLowerCase(java.util.Locale.ROOT).split("x");
    if (p.length == 2) {
      try {
        int h = Integer.parseInt(p[0].trim());
        int w = Integer.parseInt(p[1].trim());
        if (h >= 1 && w >= 1) {
          return new int[] {h, w};
        }
      } catch (NumberFormatException e) {
        // message below
      }
    }
    throw new IllegalArgumentException(
        "image size \"" + size + "\" is not HxW with positive integers (e.g. 128x64, 384x128)");
  }

  /**
   * Input height.
   *
   * @return H
   */
  public int height() {
    return height;
  }

  /**
   * Input width.
   *
   * @return W
   */
  public int width() {
    return width;
  }

  /**
   * RGB means.
   *
   * @return a copy, length 3
   */
  public float[] mean() {
    return mean.clone();
  }

  /**
   * RGB standard deviations.
   *
   * @return a copy, length 3
   */
  public float[] std() {
    return std.clone();
  }

  /**
   * Number of floats of one image tensor.
   *
   * @return {@code 3 · H · W}
   */
  public int floatsPerImage() {
    return 3 * height * width;
  }

  /**
   * The normalised value of an 8-bit channel value.
   *
   * @param channel 0 = R, 1 = G, 2 = B
   * @param value 0–255
   * @return {@code (value / 255 − mean) / std}
   */
  public float normalise(int channel, int value) {
    return (value / 255f - mean[channel]) / std[channel];
  }

  /**
   * Inverse of {@link #normalise}, rounded and clamped to 0–255 (for previews).
   *
   * @param channel 0 = R, 1 = G, 2 = B
   * @param x a normalised value
   * @return the 8-bit value
   */
  public int denormalise(int channel, float x) {
    int v = Math.round((x * std[channel] + mean[channel]) * 255f);
    return Math.max(0, Math.min(255, v));
  }

  /**
   * The JSON form saved with a model: {@code {"height": H, "width": W, "mean": [r, g, b], "std":
   * [r, g, b]}}.
   *
   * @return compact JSON
   */
  public String toJson() {
    ObjectMapper m = new ObjectMapper();
    ObjectNode n = m.createObjectNode();
    n.put("height", height);
    n.put("width", width);
    for (String key : new String[] {"mean", "std"}) {
      float[] v = key.equals("mean") ? mean : std;
      var a = n.putArray(key);
      for (float f : v) {
        a.add(f);
      }
    }
    return n.toString();
  }

  /**
   * Parses {@link #toJson()}.
   *
   * @param json the text
   * @param source a name for messages (file name)
   * @return the settings
   * @throws IllegalArgumentException on malformed JSON or missing/invalid fields, naming them
   */
  public static ImageSettings fromJson(String json, String source) {
    JsonNode n = JsonText.readTree(json, source);
    if (n == null || !n.path("height").isInt() || !n.path("width").isInt()) {
      throw new IllegalArgumentException(
          source + ": image settings need integer fields \"height\" and \"width\"");
    }
    float[][] ms = new float[2][3];
    String[] keys = {"mean", "std"};
    for (int k = 0; k < 2; k++) {
      JsonNode a = n.path(keys[k]);
      if (!a.isArray() || a.size() != 3 || !a.get(0).isNumber()) {
        throw new IllegalArgumentException(
            source + ": field \"" + keys[k] + "\" must be an array of 3 numbers (R, G, B)");
      }
      for (int c = 0; c < 3; c++) {
        ms[k][c] = (float) a.get(c).asDouble();
      }
    }
    try {
      return new ImageSettings(n.get("height").asInt(), n.get("width").asInt(), ms[0], ms[1]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageSettings s
        && s.height == height
        && s.width == width
        && Arrays.equals(s.mean, mean)
        && Arrays.equals(s.std, std);
  }

  @Override
  public int hashCode() {
    return ((height * 31 + width) * 31 + Arrays.hashCode(mean)) * 31 + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "ImageSettings("
        + height
        + "x"
        + width
        + ", mean "
        + Arrays.toString(mean)
        + ", std "
        + Arrays.toString(std)
        + ")";
  }
}
