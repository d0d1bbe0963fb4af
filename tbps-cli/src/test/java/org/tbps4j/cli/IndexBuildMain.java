package org.tbps4j.cli;

/** {@code tbps} in a child JVM without {@code System.exit} races, for kill tests. */
public final class IndexBuildMain {
  private IndexBuildMain() {}

  /**
   * Runs {@code tbps args...} and exits with its code.
   *
   * @param args arguments
   */
  public static void main(String[] args) {
    Main.main(args);
  }
}
