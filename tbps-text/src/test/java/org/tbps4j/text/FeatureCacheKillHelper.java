package org.tbps4j.text;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A child process for {@code FeatureCacheTest}: updates a cache with the fake encoder and, at the
 * named write stage, creates a marker file and waits to be killed.
 *
 * <p>Arguments: cache directory, stage ({@code segment-temp} or {@code manifest-temp}), marker
 * file, number of "old" captions, number of "new" captions.
 */
public final class FeatureCacheKillHelper {
  private FeatureCacheKillHelper() {}

  /**
   * Runs the update.
   *
   * @param args see the class comment
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String stage = args[1];
    Path marker = Path.of(args[2]);
    FeatureCache.testHook =
        s -> {
          if (s.equals(stage)) {
            try {
              Files.writeString(marker, s);
              Thread.sleep(120_000);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
        };
    List<String> texts = new ArrayList<>(FakeEncoder.captions("old", Integer.parseInt(args[3])));
    texts.addAll(FakeEncoder.captions("new", Integer.parseInt(args[4])));
    FeatureCache cache = FeatureCache.open(dir, FakeEncoder.KEY);
    cache.update(texts, FakeEncoder::tokenize, new FakeEncoder()::forward, 4, null, 1 << 20);
    System.exit(3); // should have been killed
  }
}
