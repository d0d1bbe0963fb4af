package org.tbps4j.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tbps4j.data.Split;
import org.tbps4j.train.run.TrainState;

/**
 * The test split, evaluated once at the end with the selected model (after {@link ValidationHook}
 * chose it); the metrics go to {@code metrics.json} with the selected step.
 */
final class TestHook implements TrainerHook {
  private static final Logger LOG = LoggerFactory.getLogger(TestHook.class);

  @Override
  public void finish(TrainingRun run, TrainState end, boolean alreadyFinished) {
    if (run.data.dataset().images(Split.TEST).isEmpty()) {
      return;
    }
    SplitEvaluator.Outcome test =
        SplitEvaluator.evaluate(
            run.selected,
            run.data.dataset(),
            Split.TEST,
            run.captions,
            run.data.loader(),
            EvalSettings.of(run.config).withFailures(run.failures));
    Map<String, Object> m = new LinkedHashMap<>(test.metrics().asPercentMap());
    m.put("selected_iteration", run.bestIteration);
    m.put("seconds", test.seconds());
    run.history.testDone(m);
    LOG.info("test: {}", test.metrics().asPercentMap());
    run.test = test;
  }
}
