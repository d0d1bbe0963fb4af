package org.tbps4j.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tbps4j.data.synth.SynthConfig;
import org.tbps4j.data.synth.SyntheticDataset;

/**
 * Where the examples' {@code main} methods find data: a folder given on the command line (a
 * CUHK-PEDES-layout dataset: {@code reid_raw.json} + {@code imgs/}), or else a small synthetic
 * dataset generated into a temporary folder, as {@code tbps synth} would write it.
 */
public final class ExampleData {
  private ExampleData() {}

  /**
   * The dataset root for a {@code main}: {@code args[0]}, or a freshly generated synthetic set.
   *
   * @param args the program's arguments
   * @param identities how many synthetic people to generate when no folder is given
   * @return the dataset root
   * @throws IOException when the synthetic set cannot be written
   */
  public static Path rootFrom(String[] args, int identities) throws IOException {
    if (args.length > 0) {
      return Path.of(args[0]);
    }
    Path root = Files.createTempDirectory("tbps-example-data");
    SyntheticDataset.generate(SynthConfig.of(identities, 42), root);
    System.out.println("generated " + identities + " synthetic people into " + root);
    return root;
  }
}
