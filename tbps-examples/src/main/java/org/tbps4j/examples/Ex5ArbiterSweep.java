package org.tbps4j.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.tbps4j.train.sweep.Sweep;
import org.tbps4j.train.sweep.SweepPlan;
import org.tbps4j.train.sweep.SweepPoint;
import org.tbps4j.train.sweep.SweepResults;

/**
 * Example 5: a hyperparameter sweep from Java — what {@code tbps sweep} runs. Arbiter generates the
 * candidates (grid or random search over any numeric setting of a training config), each candidate
 * is a complete training run, and the best is chosen by its validation R@1 (the test split never
 * takes part).
 *
 * <ol>
 *   <li>A sweep is a base training config plus the searched settings, written in YAML (the format
 *       of {@code configs/sweeps/*.yaml}); {@link SweepPlan#parse} checks every searched path
 *       against the base before anything trains.
 *   <li>{@link Sweep#run} trains the candidates and writes {@code results.csv}/{@code .json},
 *       {@code best-config.yaml} and {@code report.html} into the sweep folder.
 * </ol>
 *
 * Here: the MAM margin {@code m} ∈ {2, 4} on the MAM paper's loss mix, two candidates of one epoch.
 */
public final class Ex5ArbiterSweep {
  private Ex5ArbiterSweep() {}

  /**
   * The sweep: an inline base config ({@code %s}: the data root, then the preset) and a grid over
   * the MAM margin.
   */
  static final String SWEEP =
      """
      name: mam-margin-example
      search: grid
      space:
        - {path: loss.mam.params.m, type: discrete, values: [2, 4]}
      base_config:
        name: example-base
        seed: 42
        data: {root: "%s", image_height: 32, image_width: 16, max_length: 16, min_word_count: 1,
               p: 4, k: 2, workers: 1}
        model: {preset: %s, drop_fraction: 0}
        loss:
          - {name: cmpm, weight: 1.0}
          - {name: cmpc, weight: 0.8}
          - {name: mam, weight: 0.2, params: {m: 4}}
          - {name: psw, weight: 1.0}
        optimizer: {type: adam, lr: 0.003}
        stages: [{name: joint, epochs: 1}]
        eval: {interval_epochs: 1, batch_size: 32}
        checkpoint: {every_iterations: 0, keep_last: 1}
      """;

  /**
   * Runs the sweep.
   *
   * @param root dataset root in CUHK-PEDES layout (train and val splits are used)
   * @param out the sweep folder
   * @param preset the network preset ({@code micro} for a test, {@code tiny} for a real run)
   * @return the sweep's outcome: every candidate's row, the best one and its config file
   * @throws IOException when files cannot be read or written
   */
  public static Sweep.Result run(Path root, Path out, String preset) throws IOException {
    String yaml = SWEEP.formatted(root.toAbsolutePath().toString().replace('\\', '/'), preset);
    SweepPlan plan = SweepPlan.parse(yaml, "Ex5 sweep", out);
    System.out.printf("%d candidates over %s%n", plan.gridSize(), plan.config().paths());

    // progress, as tbps sweep prints it
    Sweep.Listener progress =
        new Sweep.Listener() {
          @Override
          public void candidateStarted(int index, SweepPoint point) {
            System.out.println("candidate " + index + ": " + point.overrides());
          }

          @Override
          public void candidateFinished(SweepResults.Row row, Optional<SweepResults.Row> best) {
            System.out.printf(
                "candidate %d %s: val R@1 %.2f in %.0f s%n",
                row.index(), row.status(), row.score(), row.seconds());
          }
        };
    Sweep.Result result =
        new Sweep(plan, out, Sweep.Options.defaults().withListener(progress)).run();

    System.out.printf(
        "best: candidate %d, val R@1 %.2f, %s%n",
        result.best().index(), result.best().score(), result.best().parameters());
    System.out.println("its training config: " + result.bestConfig());
    System.out.println(Files.readString(out.resolve(SweepResults.CSV_FILE)));
    return result;
  }

  /**
   * Runs the two-candidate sweep with the tiny network.
   *
   * @param args optional dataset root (default: 60 generated synthetic people)
   * @throws IOException when files cannot be read or written
   */
  public static void main(String[] args) throws IOException {
    Path root = ExampleData.rootFrom(args, 60);
    run(root, Files.createTempDirectory("tbps-sweep"), "tiny");
  }
}
