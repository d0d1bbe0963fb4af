package org.tbps4j.data.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tbps synth} writes its dataset atomically: a run that fails or is killed half-way leaves
 * no {@code --out} (the next run, or a quickstart, never takes a half dataset for complete), and
 * the next run succeeds and removes what a killed run left.
 */
class AtomicGenerationTest {
  static final SynthConfig CONFIG = new SynthConfig(12, 2, 3, 17, 32, 16, 2, World.STREET);

  @TempDir Path dir;

  private static List<String> names(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static List<Path> files(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
    }
  }

  private static void assertSameFiles(Path a, Path b) throws IOException {
    assertEquals(files(a), files(b));
    for (Path f : files(a)) {
      assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), "" + f);
    }
  }

  @Test
  void aFailureAfterSomeImagesLeavesNoOutputAndTheNextRunSucceeds() throws Exception {
    Path out = dir.resolve("data");
    AtomicInteger written = new AtomicInteger();
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                SyntheticDataset.generate(
                    CONFIG,
                    out,
                    i -> {
                      if (written.incrementAndGet() > 5) {
                        throw new IOException("injected failure");
                      }
                    }));
    assertEquals("injected failure", e.getMessage());
    assertTrue(written.get() > 5, "images were written before the failure");
    assertFalse(Files.exists(out), "no half dataset at --out");
    assertEquals(List.of(), names(dir), "the temporary folder is removed too");

    SyntheticDataset.generate(CONFIG, out);
    Path reference = dir.resolve("reference");
    SyntheticDataset.generate(CONFIG, reference);
    assertSameFiles(reference, out);
    assertEquals(List.of("data", "reference"), names(dir));
  }

  @Test
  void anEmptyOutIsFilledAndANonEmptyOneRefused() throws Exception {
    Path out = Files.createDirectory(dir.resolve("empty"));
    SyntheticDataset.generate(CONFIG, out);
    assertTrue(Files.isRegularFile(out.resolve("reid_raw.json")));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SyntheticDataset.generate(CONFIG, out));
    assertTrue(e.getMessage().endsWith("is not empty; give a new or empty directory"));
    assertEquals(List.of("empty"), names(dir), "a refused run leaves nothing beside --out");
  }

  @Test
  void foldersOfDeadRunsAreRemovedAndThoseOfLiveOnesKept() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    assertTrue(gone.waitFor(30, TimeUnit.SECONDS));
    Path dead = dir.resolve(".data" + SyntheticDataset.PARTIAL + gone.pid() + "-1");
    Files.createDirectories(dead.resolve("imgs/synth"));
    Files.writeString(dead.resolve("imgs/synth/00001_0.png"), "half");
    long me = ProcessHandle.current().pid();
    Path live = Files.createDirectory(dir.resolve(".data" + SyntheticDataset.PARTIAL + me + "-0"));
    Path other =
        Files.createDirectory(dir.resolve(".other" + SyntheticDataset.PARTIAL + gone.pid() + "-1"));

    SyntheticDataset.generate(CONFIG, dir.resolve("data"));
    assertFalse(Files.exists(dead), "a killed run's folder is removed");
    assertTrue(Files.isDirectory(live), "a live process's folder is kept");
    assertTrue(Files.isDirectory(other), "another target's folder is not ours to remove");
  }

  @Test
  void aKilledRunLeavesNoOutputAndTheNextRunCleansUpAndSucceeds() throws Exception {
    Path out = dir.resolve("killed");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                SlowSynthMain.class.getName(),
                out.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile())
            .start();
    Path partial = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && p.isAlive() && partial == null) {
      for (String n : names(dir)) {
        Path imgs = dir.resolve(n).resolve("imgs/synth");
        if (n.startsWith(".killed" + SyntheticDataset.PARTIAL)
            && Files.isDirectory(imgs)
            && names(imgs).size() >= 4) {
          partial = dir.resolve(n);
        }
      }
      Thread.sleep(20);
    }
    assertTrue(
        p.isAlive(),
        "the child should still be writing: " + Files.readString(dir.resolve("child.log")));
    assertTrue(partial != null, "the child writes into a temporary folder beside --out");
    p.destroyForcibly(); // SIGKILL on Linux
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertFalse(Files.exists(out), "a killed run leaves no --out");
    assertTrue(Files.isDirectory(partial), "what it wrote stays in its temporary folder");

    SyntheticDataset.generate(CONFIG, out);
    assertFalse(Files.exists(partial), "the next run removes the killed run's folder");
    Path reference = dir.resolve("reference");
    SyntheticDataset.generate(CONFIG, reference);
    assertSameFiles(reference, out);
  }
}
