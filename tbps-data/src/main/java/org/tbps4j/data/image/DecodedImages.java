package org.tbps4j.data.image;

import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A memo of decoded, resized 8-bit RGB images, keyed by the image's path in its dataset, up to a
 * byte budget: a training run decodes each image once instead of once per epoch and caption (a
 * synthetic set of a few thousand 64×32 pictures takes a few tens of MB). Images past the budget
 * are decoded every time, as without the memo. Thread-safe; the arrays it hands out must not be
 * modified.
 */
public final class DecodedImages {
  /** What one image decodes to. */
  @FunctionalInterface
  public interface Decoder {
    /**
     * Decodes one image.
     *
     * @return {@code H·W·3} bytes
     * @throws IOException when the file cannot be read or decoded
     */
    byte[] decode() throws IOException;
  }

  private final long budgetBytes;
  private final AtomicLong used = new AtomicLong();
  private final ConcurrentHashMap<String, byte[]> images = new ConcurrentHashMap<>();

  /**
   * A memo.
   *
   * @param budgetBytes the most bytes it keeps ({@code 0} keeps nothing)
   */
  public DecodedImages(long budgetBytes) {
    if (budgetBytes < 0) {
      throw new IllegalArgumentException("budgetBytes must be >= 0, got " + budgetBytes);
    }
    this.budgetBytes = budgetBytes;
  }

  /**
   * A memo sized for this JVM: an eighth of the maximum heap, at most 512 MiB.
   *
   * @return the memo
   */
  public static DecodedImages forThisJvm() {
    return new DecodedImages(Math.min(512L << 20, Runtime.getRuntime().maxMemory() / 8));
  }

  /**
   * The decoded image, from the memo or decoded now (and kept while the budget allows). A failed
   * decode is not remembered: the next call tries again.
   *
   * @param key the image's path in its dataset
   * @param decoder decodes it when it is not in the memo
   * @return {@code H·W·3} bytes (shared: do not modify)
   * @throws IOException from the decoder
   */
  public byte[] get(String key, Decoder decoder) throws IOException {
    byte[] rgb = images.get(key);
    if (rgb != null) {
      return rgb;
    }
    rgb = decoder.decode();
    if (used.addAndGet(rgb.length) <= budgetBytes) {
      byte[] previous = images.putIfAbsent(key, rgb);
      if (previous != null) { // decoded twice at once: keep one, give the bytes back
        used.addAndGet(-rgb.length);
        return previous;
      }
    } else {
      used.addAndGet(-rgb.length);
    }
    return rgb;
  }

  /**
   * Images held.
   *
   * @return the count
   */
  public int size() {
    return images.size();
  }

  /**
   * Bytes held.
   *
   * @return the sum of the held arrays' lengths
   */
  public long bytes() {
    return images.values().stream().mapToLong(a -> a.length).sum();
  }
}
