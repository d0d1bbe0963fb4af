package org.tbps4j.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunStatsFollowerTest {
  @TempDir Path dir;

  static LossTermsReport step(String session, long it) {
    return new LossTermsReport(
        session, "trainer", 10_000 + it, it, 0, "joint", 0.1, Map.of("loss/total", 1.0 / (it + 1)));
  }

  static List<Long> iterations(InMemoryStatsStorage s, String session) {
    return s.getAllUpdatesAfter(session, LossTermsReport.TYPE_ID, "trainer", -1).stream()
        .map(p -> ((LossTermsReport) p).iteration())
        .toList();
  }

  @Test
  void followsAFileThatAnotherWriterHoldsOpen() throws Exception {
    Path file = dir.resolve(RunDashboard.STATS_FILE);
    FileStatsStorage writer = new FileStatsStorage(file.toFile()); // locks the file, as a run does
    try {
      writer.putStaticInfo(LossTermsReport.header("a", "trainer", 1));
      for (int i = 0; i < 3; i++) {
        writer.putUpdate(step("a", i));
      }
      InMemoryStatsStorage shown = new InMemoryStatsStorage();
      RunStatsFollower f = new RunStatsFollower(file, shown);
      assertEquals(4, f.poll(), "the static record and three steps");
      assertEquals(List.of(0L, 1L, 2L), iterations(shown, "a"));
      assertEquals(0, f.poll(), "unchanged file");

      writer.putUpdate(step("a", 3));
      writer.putStaticInfo(LossTermsReport.header("b", "trainer", 2)); // a resumed process
      writer.putUpdate(step("b", 4));
      Thread.sleep(20); // a new modification time even on coarse clocks
      assertEquals(3, f.poll(), "only what is new");
      assertEquals(List.of(0L, 1L, 2L, 3L), iterations(shown, "a"));
      assertEquals(List.of(4L), iterations(shown, "b"));
      List<Persistable> all = shown.getAllUpdatesAfter("a", LossTermsReport.TYPE_ID, -1);
      assertEquals(0.25, ((LossTermsReport) all.get(3)).terms().get("loss/total"), 0.0);
    } finally {
      writer.close();
    }
  }

  @Test
  void namesTheStatsFileOrSaysWhatIsMissing() throws Exception {
    Path run = Files.createDirectories(dir.resolve("run"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RunStatsFollower.statsFileOf(run));
    assertTrue(e.getMessage().contains("has no ui-stats.bin"), e.getMessage());
    assertTrue(e.getMessage().contains("--ui"), e.getMessage());
    NoSuchFileException n =
        assertThrows(
            NoSuchFileException.class, () -> RunStatsFollower.statsFileOf(dir.resolve("nope")));
    assertTrue(n.getMessage().contains("nope"), n.getMessage());
    Path f = Files.writeString(run.resolve(RunDashboard.STATS_FILE), "");
    assertEquals(f, RunStatsFollower.statsFileOf(run));
    assertEquals(f, RunStatsFollower.statsFileOf(f));
  }

  @Test
  void aFileThatIsNotAStatsFileIsRejected() throws Exception {
    Path f = Files.writeString(dir.resolve("ui-stats.bin"), "this is not a MapDB file at all");
    RunStatsFollower follower = new RunStatsFollower(f, new InMemoryStatsStorage());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, follower::poll);
    assertTrue(e.getMessage().contains("is not a DL4J stats file"), e.getMessage());
  }
}
