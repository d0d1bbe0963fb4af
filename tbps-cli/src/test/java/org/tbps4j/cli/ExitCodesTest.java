package org.tbps4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.common.base.Preconditions;

/**
 * Exit codes follow where a failure comes from: a config that is not UTF-8 and an {@code --out}
 * that is a file are the user's input (exit 2, naming file and offset); an {@link
 * IllegalArgumentException} raised inside ND4J is an internal error (exit 1), not bad input.
 */
class ExitCodesTest {
  @TempDir Path dir;

  private static void assertBadInput(CliRun r, String... fragments) {
    assertEquals(2, r.exitCode(), r.out() + r.err());
    for (String f : fragments) {
      assertTrue(r.err().contains(f), "expected '" + f + "' in: " + r.err());
    }
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void aConfigThatIsNotUtf8IsBadInputNamingFileAndByteOffset() throws Exception {
    Path cfg = dir.resolve("latin1.yaml");
    byte[] text =
        TrainEvalQuickstartTest.CONFIG
            .formatted(dir)
            .replace("name: micro", "name: café")
            .getBytes(StandardCharsets.ISO_8859_1);
    Files.write(cfg, text);
    assertBadInput(
        CliRun.of("train", "--config", cfg.toString(), "--out", dir.resolve("r").toString()),
        "latin1.yaml",
        "not UTF-8",
        "byte offset 9");
  }

  @Test
  void anOutThatIsAnExistingFileIsBadInput() throws Exception {
    Path cfg = dir.resolve("c.yaml");
    Files.writeString(cfg, TrainEvalQuickstartTest.CONFIG.formatted(dir.resolve("no-data")));
    Path file = Files.writeString(dir.resolve("notes.txt"), "my notes");
    assertBadInput(
        CliRun.of("train", "--config", cfg.toString(), "--out", file.toString()),
        "notes.txt",
        "is a file");
    assertBadInput(
        CliRun.of("quickstart", "--config", cfg.toString(), "--out", file.toString()),
        "notes.txt",
        "is a file");
    assertEquals("my notes", Files.readString(file));
  }

  @Test
  void aTimeBudgetThatIsNotPositiveIsRefusedByTrainAsBySweep() throws Exception {
    Path cfg = dir.resolve("budget.yaml");
    Files.writeString(cfg, TrainEvalQuickstartTest.CONFIG.formatted(dir.resolve("no-data")));
    for (String m : new String[] {"0", "-5"}) {
      assertBadInput(
          CliRun.of(
              "train",
              "--config",
              cfg.toString(),
              "--out",
              dir.resolve("b" + m).toString(),
              "--max-minutes",
              m),
          "--max-minutes must be > 0");
    }
  }

  @Test
  void aModelWithoutAnAttachmentInferenceNeedsIsBadInputNamingTheEntry() throws Exception {
    Path m = MicroModel.save(dir.resolve("model.zip"), 1);
    Path bad = dir.resolve("nopre.zip");
    // the same network saved with the vocabulary only (no preprocessing.json)
    try (org.tbps4j.model.TbpsModel t = org.tbps4j.model.TbpsModel.load(m, false)) {
      try (org.tbps4j.model.TbpsModel u = org.tbps4j.model.TbpsModel.create(t.config())) {
        u.putAttachment(
            org.tbps4j.model.ModelAttachments.VOCABULARY,
            t.attachment(org.tbps4j.model.ModelAttachments.VOCABULARY).orElseThrow());
        u.save(bad, false);
      }
    }
    Path gallery = Files.createDirectories(dir.resolve("gallery"));
    for (String[] args :
        new String[][] {
          {"search", "--model", bad.toString(), "--gallery", gallery.toString(), "--query", "a"},
          {"eval", "--model", bad.toString(), "--data", dir.resolve("nowhere").toString()},
          {"probe", "--model", bad.toString(), "--data", dir.resolve("nowhere").toString()}
        }) {
      CliRun r = CliRun.of(args);
      if (args[0].equals("probe")) {
        // probe reads the attribute table first: a missing dataset is named instead
        assertBadInput(r, "nowhere");
      } else {
        assertBadInput(r, bad.toString(), "no preprocessing.json");
      }
    }
  }

  @Test
  void anIllegalArgumentExceptionRaisedInsideNd4jIsInternal() {
    IllegalArgumentException nd4j =
        assertThrows(
            IllegalArgumentException.class,
            () -> Preconditions.checkArgument(false, "rank mismatch inside an op"));
    assertNull(CliErrors.badInputCause(nd4j), "raised by ND4J: an internal error");
    assertNull(CliErrors.badInputCause(new RuntimeException("wrapped", nd4j)));
    IllegalArgumentException ours = new IllegalArgumentException("--top must be >= 1, got 0");
    assertSame(ours, CliErrors.badInputCause(ours), "raised by tbps: bad input");
    IllegalArgumentException oursAroundNd4j =
        new IllegalArgumentException("gallery.zip: embeddings.npy: bad array", nd4j);
    assertSame(oursAroundNd4j, CliErrors.badInputCause(oursAroundNd4j));
    IllegalArgumentException jdk =
        assertThrows(IllegalArgumentException.class, () -> Path.of("a\0b"));
    assertSame(jdk, CliErrors.badInputCause(jdk), "raised by the JDK for our call: bad input");
  }
}
