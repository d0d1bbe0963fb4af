package org.tbps4j.data.synth;

import java.nio.file.Path;

/**
 * A child process for {@link AtomicGenerationTest}: generates a small dataset into {@code args[0]}
 * with a pause after each image, so that the test can kill it half-way.
 */
public final class SlowSynthMain {
  private SlowSynthMain() {}

  /**
   * Generates slowly.
   *
   * @param args the output directory
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    SyntheticDataset.generate(
        AtomicGenerationTest.CONFIG,
        Path.of(args[0]),
        i -> {
          try {
            Thread.sleep(100);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }
}
