package org.tbps4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A config's {@code name} only labels the default run directory {@code runs/<name>-<time>}: a name
 * such as {@code ../x} cannot place it outside {@code runs/}.
 */
class RunNameTest {
  @TempDir Path dir;

  /** Directories (anywhere under the working directory) whose name holds the marker. */
  private static List<Path> found(String marker) throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(Path.of("").toAbsolutePath(), 2)) {
      s.filter(p -> p.getFileName().toString().contains(marker)).forEach(out::add);
    }
    return out;
  }

  private static void delete(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }

  @Test
  void aNameWithPathSegmentsStaysInsideRuns() throws Exception {
    String marker = "tbps-escape-" + UUID.randomUUID();
    Path cfg = dir.resolve("c.yaml");
    Files.writeString(
        cfg,
        TrainEvalQuickstartTest.CONFIG
            .formatted(dir.resolve("no-data"))
            .replace("name: micro", "name: ../" + marker));
    Path runs = Path.of("runs").toAbsolutePath();
    boolean runsExisted = Files.exists(runs);
    List<Path> made = List.of();
    try {
      CliRun r = CliRun.of("train", "--config", cfg.toString());
      assertEquals(2, r.exitCode(), r.err()); // the data is missing: only the directory matters
      made = found(marker);
      assertEquals(1, made.size(), "one run directory: " + made);
      assertTrue(made.get(0).getParent().equals(runs), made.get(0) + " is not inside " + runs);
    } finally {
      for (Path p : found(marker)) {
        delete(p);
      }
      if (!runsExisted && Files.isDirectory(runs)) {
        try (Stream<Path> s = Files.list(runs)) {
          if (s.findAny().isEmpty()) {
            Files.delete(runs);
          }
        }
      }
    }
  }
}
