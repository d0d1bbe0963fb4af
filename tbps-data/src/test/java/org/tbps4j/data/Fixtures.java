package org.tbps4j.data;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Locates the test fixtures under src/test/resources/fixtures. */
public final class Fixtures {
  private Fixtures() {}

  /**
   * A fixture dataset root.
   *
   * @param name cuhk, icfg or rstpreid
   * @return its directory
   */
  public static Path root(String name) {
    try {
      return Path.of(Fixtures.class.getResource("/fixtures/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
