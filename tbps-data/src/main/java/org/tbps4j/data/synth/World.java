package org.tbps4j.data.synth;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A synthetic world: how people are drawn, photographed and described. Every world shares the
 * person's attribute vocabulary ({@link Attribute}), the CUHK-PEDES layout and the oracle's scorer;
 * they differ in appearance statistics, scenes, caption grammar, image format and split ratio (see
 * docs/synthetic-data.md). In every world, every attribute a caption mentions is legible at the
 * size the picture is rendered.
 */
public enum World {
  /**
   * The first world (default, the quickstart's): one person on a plain backdrop of blocks, no
   * occlusion, ±8% lighting, mild blur and noise, JPEG; captions from {@link CaptionGrammar}; 80 /
   * 10 / 10 % of the identities for train / val / test.
   */
  STUDIO("studio", "jpg", 0.8, 0.1),
  /**
   * The second world: cluttered, textured street scenes, people at 65–99 % of the frame height
   * anywhere across it, objects in front of the legs or one side, lighting shifts and shadows,
   * drawn at twice the size and downscaled, PNG; captions from {@link StreetGrammar}; 70 / 15 / 15
   * %.
   */
  STREET("street", "png", 0.7, 0.15);

  private final String id;
  private final String extension;
  private final double trainShare;
  private final double valShare;

  World(String id, String extension, double trainShare, double valShare) {
    this.id = id;
    this.extension = extension;
    this.trainShare = trainShare;
    this.valShare = valShare;
  }

  /**
   * The name used by {@code tbps synth --world} and in {@code attributes.json}.
   *
   * @return e.g. {@code studio}
   */
  public String id() {
    return id;
  }

  /**
   * Image file extension (and format).
   *
   * @return {@code jpg} or {@code png}
   */
  public String extension() {
    return extension;
  }

  /**
   * Share of the identities in the train split.
   *
   * @return a fraction, e.g. 0.8
   */
  public double trainShare() {
    return trainShare;
  }

  /**
   * Share of the identities in the val split (test gets the rest).
   *
   * @return a fraction, e.g. 0.1
   */
  public double valShare() {
    return valShare;
  }

  /**
   * The names of all worlds, comma-separated, for messages.
   *
   * @return e.g. {@code studio, street}
   */
  public static String names() {
    return Arrays.stream(values()).map(World::id).collect(Collectors.joining(", "));
  }

  /**
   * Parses a world name (case-insensitive).
   *
   * @param name e.g. {@code street}
   * @return the world
   * @throws IllegalArgumentException naming the valid worlds when there is no such world
   */
  public static World parse(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    for (World w : values()) {
      if (w.id.equals(n)) {
        return w;
      }
    }
    throw new IllegalArgumentException(
        "--world \"" + name + "\" is not a synthetic world; valid worlds: " + names());
  }
}
