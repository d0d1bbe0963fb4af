package org.tbps4j.data.iter;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.BiConsumer;

/**
 * The images that could not be decoded while iterating (truncated or corrupt bodies behind a
 * readable header), for iterators that skip them instead of failing: each file is reported once
 * (for a warning), and the distinct files are kept, sorted, for the run's record. Thread-safe.
 *
 * <p>Skipping never changes which samples a batch holds, so a run's batches stay a pure function of
 * the seed and the position (and of which files are bad).
 */
public final class DecodeFailures {
  private final Set<String> files = new ConcurrentSkipListSet<>();
  private final BiConsumer<String, String> onFirst;

  /**
   * A collector.
   *
   * @param onFirst called once per file with its image path and the decoder's reason (e.g. to log a
   *     warning); may be null
   */
  public DecodeFailures(BiConsumer<String, String> onFirst) {
    this.onFirst = onFirst;
  }

  /**
   * Records a failure.
   *
   * @param imagePath the image path (relative to the dataset root)
   * @param reason what the decoder said
   */
  public void record(String imagePath, String reason) {
    if (files.add(imagePath) && onFirst != null) {
      onFirst.accept(imagePath, reason);
    }
  }

  /**
   * Adds failures known from earlier (a resumed run's record), without reporting them again.
   *
   * @param imagePaths image paths
   */
  public void addKnown(Collection<String> imagePaths) {
    files.addAll(imagePaths);
  }

  /**
   * The distinct files that failed, sorted.
   *
   * @return image paths
   */
  public List<String> files() {
    return List.copyOf(files);
  }

  /**
   * How many distinct files failed.
   *
   * @return the count
   */
  public int count() {
    return files.size();
  }
}
