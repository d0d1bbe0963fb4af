package org.tbps4j.train.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.train.listeners.IterationReport;
import org.tbps4j.train.listeners.TrainingListener;

/**
 * A candidate that runs the JVM out of memory stops the sweep with that error (the command line
 * turns it into one line of advice) instead of being recorded as one failed candidate while the
 * next ones run into the same wall.
 */
class SweepOutOfMemoryTest {
  @TempDir Path dir;

  @Test
  void outOfMemoryStopsTheSweep() throws Exception {
    Path data = SweepFixtures.dataset(dir);
    SweepPlan plan = SweepRunTest.plan(dir.resolve("oom"), data, 3);
    TrainingListener exhaust =
        new TrainingListener() {
          @Override
          public void iterationDone(IterationReport r) {
            throw new OutOfMemoryError("Java heap space (simulated)");
          }
        };
    SweepRunTest.Starts starts = new SweepRunTest.Starts();
    Sweep sweep =
        new Sweep(
            plan,
            dir.resolve("oom/out"),
            Sweep.Options.defaults().withListener(starts).withTrainingListeners(List.of(exhaust)));
    OutOfMemoryError e = assertThrows(OutOfMemoryError.class, sweep::run);
    assertEquals("Java heap space (simulated)", e.getMessage());
    assertEquals(List.of(0), starts.started, "no candidate starts after it");
  }
}
