package org.tbps4j.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.model.AtomicFiles;

class CheckpointStoreTest {
  @TempDir Path run;

  private static TrainState at(long it) {
    return new TrainState(it, 0, (int) (it / 10), (int) (it % 10), -1, -1, false);
  }

  private static AtomicFiles.FileWriter content(String s) {
    return tmp -> Files.writeString(tmp, s);
  }

  @Test
  void keepsTheNewestAndFindsTheLatest() throws Exception {
    CheckpointStore store = new CheckpointStore(run, 2);
    assertTrue(store.latest().isEmpty());
    for (long it : new long[] {5, 10, 15, 20}) {
      store.save(at(it), content("model " + it));
    }
    assertEquals(List.of(15L, 20L), store.iterations());
    CheckpointStore.Checkpoint c = store.latest().orElseThrow();
    assertEquals(at(20), c.state());
    assertEquals("model 20", Files.readString(c.model()));
    assertFalse(Files.exists(store.dir().resolve("ckpt-5.zip")));
    assertFalse(Files.exists(store.dir().resolve("ckpt-10.json")));
  }

  @Test
  void aModelWithoutStateIsIgnoredAndCleanedUp() throws Exception {
    CheckpointStore store = new CheckpointStore(run, 3);
    store.save(at(10), content("model 10"));
    // a run killed after writing the model file of iteration 20 but before its state
    Files.writeString(store.dir().resolve("ckpt-20.zip"), "partial model 20");
    assertEquals(at(10), store.latest().orElseThrow().state());
    store.save(at(30), content("model 30"));
    assertFalse(Files.exists(store.dir().resolve("ckpt-20.zip")));
    assertEquals(List.of(10L, 30L), store.iterations());
  }

  @Test
  void aFailedWriteLeavesThePreviousFileAndNoTemporaryFile() throws Exception {
    Path target = run.resolve("x.txt");
    AtomicFiles.writeString(target, "old");
    assertThrows(
        IOException.class,
        () ->
            AtomicFiles.writeFile(
                target,
                tmp -> {
                  Files.writeString(tmp, "half");
                  throw new IOException("disk full");
                }));
    assertEquals("old", Files.readString(target));
    try (var s = Files.list(run)) {
      assertEquals(List.of(target), s.toList());
    }
  }

  @Test
  void bestIsKeptApart() throws Exception {
    CheckpointStore store = new CheckpointStore(run, 1);
    assertTrue(store.best().isEmpty());
    store.saveBest(new TrainState(7, 0, 0, 7, 55.5, 7, false), content("best 7"));
    store.save(at(8), content("m8"));
    store.save(at(9), content("m9"));
    assertEquals("best 7", Files.readString(store.best().orElseThrow()));
    assertEquals(List.of(9L), store.iterations());
  }

  @Test
  void corruptStateIsReportedWithItsFile() throws Exception {
    CheckpointStore store = new CheckpointStore(run, 2);
    store.save(at(3), content("m3"));
    Files.writeString(store.dir().resolve("ckpt-3.json"), "{not json");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, store::latest);
    assertTrue(e.getMessage().contains("ckpt-3.json: corrupt checkpoint state"), e.getMessage());
  }
}
