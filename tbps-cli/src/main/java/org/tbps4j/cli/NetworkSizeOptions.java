package org.tbps4j.cli;

import picocli.CommandLine.Option;

/**
 * Options shared by the benchmarks that build a dual-path network from a preset ({@code tbps bench
 * model}, {@code train} and {@code dashboard}): the classifier size, the vocabulary size and the
 * seed of the weights and random inputs. A picocli mixin, so the three commands cannot drift apart.
 */
final class NetworkSizeOptions {
  @Option(names = "--classes", defaultValue = "1000", description = "Classes C. Default: 1000.")
  int classes;

  @Option(names = "--vocab", defaultValue = "5000", description = "Vocabulary V. Default: 5000.")
  int vocab;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed. Default: 42.")
  long seed;
}
