package org.tbps4j.train;

import java.nio.file.Path;
import java.util.List;
import org.tbps4j.train.config.ConfigLoader;
import org.tbps4j.train.listeners.IterationReport;
import org.tbps4j.train.listeners.TrainingListener;

/**
 * A training run in its own JVM, for the SIGKILL test: {@code TrainProcessMain CONFIG RUN_DIR}. It
 * sleeps a little after every step so the parent can kill it mid-run (the sleep changes no
 * numbers).
 */
public final class TrainProcessMain {
  private TrainProcessMain() {}

  /**
   * Runs the trainer.
   *
   * @param args config file and run directory
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    TrainingListener slow =
        new TrainingListener() {
          @Override
          public void iterationDone(IterationReport r) {
            try {
              Thread.sleep(150);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    new Trainer(
            ConfigLoader.load(Path.of(args[0]), List.of()),
            Path.of(args[1]),
            Trainer.Options.defaults().withEvaluateTest(false).withListeners(List.of(slow)))
        .run();
  }
}
