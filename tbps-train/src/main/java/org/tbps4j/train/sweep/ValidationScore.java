package org.tbps4j.train.sweep;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;
import org.deeplearning4j.arbiter.optimize.api.data.DataSource;
import org.deeplearning4j.arbiter.optimize.api.score.ScoreFunction;
import org.tbps4j.train.Trainer;

/**
 * The sweep's Arbiter score: the candidate run's best <b>validation</b> R@1 (percent), maximised.
 *
 * <p>It reads {@link Trainer.Result#bestValidation()}, which the trainer computes on the val split
 * only; candidates are trained with {@code evaluateTest = false}, so the test split is never
 * evaluated during a sweep and cannot influence which candidate wins.
 */
@SuppressWarnings("deprecation") // Arbiter's TaskCreator/ScoreFunction signatures use DataProvider
public final class ValidationScore implements ScoreFunction {
  private static final long serialVersionUID = 1L;

  /** Creates the score function. */
  public ValidationScore() {}

  /**
   * The score of a finished candidate run.
   *
   * @param model the candidate's {@link Trainer.Result}
   * @return best validation R@1 in percent
   * @throws IllegalStateException when the run has no validation score (no val split)
   */
  public static double of(Object model) {
    if (!(model instanceof Trainer.Result r)) {
      throw new IllegalArgumentException(
          "a sweep scores Trainer.Result objects, got "
              + (model == null ? "null" : model.getClass().getName()));
    }
    if (!(r.bestValidation() >= 0) || Double.isInfinite(r.bestValidation())) {
      throw new IllegalStateException(
          "the run in "
              + r.runDir()
              + " has no validation R@1: sweeps select on the val split, and the dataset has"
              + " none (or the run never validated)");
    }
    return r.bestValidation();
  }

  @Override
  public double score(Object model, DataProvider dataProvider, Map<String, Object> dataParameters) {
    return of(model);
  }

  @Override
  public double score(
      Object model, Class<? extends DataSource> dataSource, Properties dataSourceProperties) {
    return of(model);
  }

  @Override
  public boolean minimize() {
    return false;
  }

  @Override
  public List<Class<?>> getSupportedModelTypes() {
    return List.of(Trainer.Result.class);
  }

  @Override
  public List<Class<?>> getSupportedDataTypes() {
    return List.of(Object.class);
  }

  @Override
  public String toString() {
    return "ValidationScore(best val R@1, maximised)";
  }
}
