package org.tbps4j.train;

import org.tbps4j.data.iter.DecodeFailures;
import org.tbps4j.train.config.TrainConfig;

/**
 * How {@link SplitEvaluator#evaluate} runs: batching, scoring chunks, the query subset, decoding
 * threads and what happens to an image that cannot be decoded. None of these change the metrics
 * except {@code maxQueries} (fewer queries) and {@code failures} (a blank image instead of an
 * error).
 *
 * @param batchSize images or captions per forward pass, {@code >= 1}
 * @param chunk queries per scoring chunk ({@code ChunkedRetrieval}), {@code >= 1}
 * @param maxQueries at most this many queries, an evenly spaced and deterministic subset of the
 *     split's captions; 0 = all
 * @param workers image decoding threads, {@code >= 0} (0: the caller's thread)
 * @param failures where undecodable gallery images are recorded (and embedded as a blank,
 *     mean-colour image), or null to fail on the first one
 */
public record EvalSettings(
    int batchSize, int chunk, int maxQueries, int workers, DecodeFailures failures) {

  /** Validates; messages name the field. */
  public EvalSettings {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    if (chunk < 1) {
      throw new IllegalArgumentException("chunk must be >= 1, got " + chunk);
    }
    if (maxQueries < 0) {
      throw new IllegalArgumentException("maxQueries must be >= 0 (0 = all), got " + maxQueries);
    }
    if (workers < 0) {
      throw new IllegalArgumentException("workers must be >= 0, got " + workers);
    }
  }

  /**
   * The defaults of a config that leaves {@code eval} and {@code data.workers} out: batches of 128,
   * chunks of 1024 queries, every query, two decoding threads, failing on an undecodable image.
   *
   * @return the defaults
   */
  public static EvalSettings defaults() {
    return new EvalSettings(128, 1024, 0, 2, null);
  }

  /**
   * The settings of a run: {@code eval.batch_size}, {@code eval.chunk} and {@code data.workers},
   * every query, failing on an undecodable image (the validation's query cap and the run's failure
   * record are added by {@link #withMaxQueries} and {@link #withFailures}).
   *
   * @param config the run config
   * @return the settings
   */
  public static EvalSettings of(TrainConfig config) {
    return new EvalSettings(
        config.eval().batchSize(), config.eval().chunk(), 0, config.data().workers(), null);
  }

  /**
   * A copy with a query cap.
   *
   * @param n at most this many queries (0 = all)
   * @return the copy
   */
  public EvalSettings withMaxQueries(int n) {
    return new EvalSettings(batchSize, chunk, n, workers, failures);
  }

  /**
   * A copy that records undecodable images instead of failing.
   *
   * @param f where they are recorded, or null to fail
   * @return the copy
   */
  public EvalSettings withFailures(DecodeFailures f) {
    return new EvalSettings(batchSize, chunk, maxQueries, workers, f);
  }
}
