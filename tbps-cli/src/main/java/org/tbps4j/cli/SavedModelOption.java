package org.tbps4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.tbps4j.search.ModelBundle;
import picocli.CommandLine.Option;

/**
 * The {@code --model M} option of the commands that read a trained model ({@code tbps eval}, {@code
 * probe} and {@code search}). A picocli mixin, so the option reads the same everywhere.
 */
final class SavedModelOption {
  @Option(
      names = "--model",
      required = true,
      paramLabel = "M",
      description = "A model.zip from tbps train.")
  Path file;

  /**
   * The model file as given.
   *
   * @return the path
   */
  Path path() {
    return file;
  }

  /**
   * Loads the model with its vocabulary, preprocessing and run config.
   *
   * @return the model bundle
   * @throws IOException if the file cannot be read
   */
  ModelBundle load() throws IOException {
    return ModelBundle.open(file);
  }
}
