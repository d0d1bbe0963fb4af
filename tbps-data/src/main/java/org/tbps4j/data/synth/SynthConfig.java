package org.tbps4j.data.synth;

/**
 * Settings of the synthetic dataset generator.
 *
 * @param ids number of identities (≥ 3: train, val and test each get at least one)
 * @param minImages fewest images per identity (≥ 1)
 * @param maxImages most images per identity (≥ minImages, ≤ 50)
 * @param seed master seed: same seed and settings → byte-identical output
 * @param height image height H (≥ 32)
 * @param width image width W (≥ 16)
 * @param threads image-writing threads (≥ 1; the output does not depend on it)
 * @param world the world drawn ({@link World#STUDIO} unless chosen)
 */
public record SynthConfig(
    int ids,
    int minImages,
    int maxImages,
    long seed,
    int height,
    int width,
    int threads,
    World world) {

  /** Captions per image. */
  public static final int CAPTIONS_PER_IMAGE = 2;

  /** Default image height: the quickstart's tiny model input. */
  public static final int DEFAULT_HEIGHT = 128;

  /** Default image width. */
  public static final int DEFAULT_WIDTH = 64;

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException naming the setting and its valid range
   */
  public SynthConfig {
    if (ids < 3) {
      throw new IllegalArgumentException(
          "--ids must be >= 3 (train, val and test need one identity each), got " + ids);
    }
    if (ids > 1_000_000) {
      throw new IllegalArgumentException("--ids must be <= 1000000, got " + ids);
    }
    if (minImages < 1 || maxImages < minImages || maxImages > 50) {
      throw new IllegalArgumentException(
          "--images-per-id must be a..b with 1 <= a <= b <= 50, got "
              + minImages
              + ".."
              + maxImages);
    }
    if (height < 32 || width < 16 || height > 2048 || width > 2048) {
      throw new IllegalArgumentException(
          "--size must be HxW with 32 <= H <= 2048 and 16 <= W <= 2048, got "
              + height
              + "x"
              + width);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    if (world == null) {
      throw new IllegalArgumentException("--world must be one of: " + World.names());
    }
  }

  /**
   * Settings of the default world, {@link World#STUDIO}.
   *
   * @param ids number of identities
   * @param minImages fewest images per identity
   * @param maxImages most images per identity
   * @param seed master seed
   * @param height image height
   * @param width image width
   * @param threads image-writing threads
   */
  public SynthConfig(
      int ids, int minImages, int maxImages, long seed, int height, int width, int threads) {
    this(ids, minImages, maxImages, seed, height, width, threads, World.STUDIO);
  }

  /**
   * The same settings in another world.
   *
   * @param w the world
   * @return a copy drawing {@code w}
   */
  public SynthConfig withWorld(World w) {
    return new SynthConfig(ids, minImages, maxImages, seed, height, width, threads, w);
  }

  /**
   * Defaults: 2–5 images per identity, 128×64 images, one thread per core.
   *
   * @param ids number of identities
   * @param seed master seed
   * @return the settings
   */
  public static SynthConfig of(int ids, long seed) {
    return new SynthConfig(
        ids, 2, 5, seed, DEFAULT_HEIGHT, DEFAULT_WIDTH, Runtime.getRuntime().availableProcessors());
  }

  /**
   * Parses {@code a..b} (or a single number) for images per identity.
   *
   * @param text e.g. {@code 2..5}
   * @return {@code {a, b}}
   * @throws IllegalArgumentException if the text is not of that form
   */
  public static int[] parseRange(String text) {
    String t = text.trim();
    try {
      int dots = t.indexOf("..");
      if (dots < 0) {
        int v = Integer.parseInt(t);
        return new int[] {v, v};
      }
      return new int[] {
        Integer.parseInt(t.substring(0, dots).trim()),
        Integer.parseInt(t.substring(dots + 2).trim())
      };
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--images-per-id \"" + text + "\" is not a..b (e.g. 2..5) or a single number");
    }
  }

  /**
   * Number of train identities: {@code round(train share·ids)} (0.8 in the studio, 0.7 in the
   * street), leaving at least one each for val and test.
   *
   * @return train identities
   */
  public int trainIds() {
    return Math.min(ids - 2, (int) Math.round(world.trainShare() * ids));
  }

  /**
   * Number of val identities: {@code max(1, round(val share·ids))} (0.1 / 0.15), leaving one for
   * test.
   *
   * @return val identities
   */
  public int valIds() {
    return Math.max(1, Math.min(ids - trainIds() - 1, (int) Math.round(world.valShare() * ids)));
  }

  /**
   * Number of test identities: the rest.
   *
   * @return test identities
   */
  public int testIds() {
    return ids - trainIds() - valIds();
  }
}
