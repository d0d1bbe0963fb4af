package org.tbps4j.model;

import java.nio.file.Path;

/**
 * Saves and loads a micro model in its own process, for the staging test: {@code SaveModelMain
 * FILE} (run with a {@code java.io.tmpdir} that does not exist).
 */
public final class SaveModelMain {
  private SaveModelMain() {}

  /**
   * Saves (with updater state absent) and loads the model back.
   *
   * @param args the model file
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    TbpsModel.create(ModelConfig.preset("micro", 3, 12)).save(file, true);
    TbpsModel.load(file, true);
    System.out.println("saved and loaded");
  }
}
