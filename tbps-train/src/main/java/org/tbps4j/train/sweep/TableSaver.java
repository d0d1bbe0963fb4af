package org.tbps4j.train.sweep;

import java.io.IOException;
import java.util.List;
import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.api.saving.ResultReference;
import org.deeplearning4j.arbiter.optimize.api.saving.ResultSaver;
import org.deeplearning4j.arbiter.optimize.runner.CandidateInfo;
import org.tbps4j.train.Trainer;

/**
 * Arbiter's result saver for sweeps: a completed candidate becomes a {@code complete} row of the
 * {@link SweepResults} table (the model itself already lies in the candidate's run directory).
 */
final class TableSaver implements ResultSaver {
  /** Called after a row is recorded (to refresh the best config and the report). */
  interface AfterSave {
    void saved(SweepResults.Row row) throws IOException;
  }

  private final SweepResults table;
  private final java.nio.file.Path sweepDir;
  private final AfterSave after;

  TableSaver(SweepResults table, java.nio.file.Path sweepDir, AfterSave after) {
    this.table = table;
    this.sweepDir = sweepDir;
    this.after = after;
  }

  @Override
  public ResultReference saveModel(OptimizationResult result, Object modelResult)
      throws IOException {
    Trainer.Result run = (Trainer.Result) modelResult;
    CandidateInfo info = result.getCandidateInfo();
    double seconds =
        info.getStartTime() == null || info.getEndTime() == null
            ? 0
            : (info.getEndTime() - info.getStartTime()) / 1000.0;
    SweepPoint point = (SweepPoint) result.getCandidate().getValue();
    SweepResults.Row row =
        new SweepResults.Row(
            result.getIndex(),
            SweepResults.COMPLETE,
            point.asMap(),
            result.getScore(),
            seconds,
            sweepDir.relativize(run.runDir()).toString().replace('\\', '/'),
            null);
    table.put(row);
    after.saved(row);
    return new ResultReference() {
      @Override
      public OptimizationResult getResult() {
        return result;
      }

      @Override
      public Object getResultModel() {
        return run;
      }
    };
  }

  @Override
  public List<Class<?>> getSupportedCandidateTypes() {
    return List.of(SweepPoint.class);
  }

  @Override
  public List<Class<?>> getSupportedModelTypes() {
    return List.of(Trainer.Result.class);
  }
}
