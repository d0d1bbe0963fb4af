package org.tbps4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One process per run directory: while a train, resume or quickstart holds {@code --out R}, another
 * one on R is refused with exit 2 "R is in use by pid N" before it touches anything.
 */
class RunLockTest {
  @TempDir static Path dir;
  static Path config;

  @BeforeAll
  static void setUp() throws Exception {
    config = dir.resolve("c.yaml");
    // the data does not matter: the lock is checked before anything is read
    Files.writeString(config, TrainEvalQuickstartTest.CONFIG.formatted(dir.resolve("no-data")));
  }

  private static void assertInUse(CliRun r, Path runDir, long pid) {
    assertEquals(2, r.exitCode(), r.out() + r.err());
    assertTrue(
        r.err().contains(runDir + " is in use by pid " + pid),
        "expected '" + runDir + " is in use by pid " + pid + "' in: " + r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void aSecondProcessOnTheSameRunDirectoryIsRefused() throws Exception {
    Path run = dir.resolve("busy");
    Process holder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LockHolderMain.class.getName(),
                run.toString())
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("locked", in.readLine());
      assertInUse(
          CliRun.of("train", "--config", config.toString(), "--out", run.toString()),
          run,
          holder.pid());
      Files.writeString(run.resolve("config.yaml"), Files.readString(config));
      assertInUse(CliRun.of("train", "--resume", run.toString()), run, holder.pid());
      assertFalse(Files.exists(run.resolve("train.log")), "nothing written into the busy run");
    } finally {
      holder.destroyForcibly();
      holder.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Locks {@code dir/.tbps-lock} in this JVM, as a run in another thread would. */
  private static FileLock lockHere(Path dir) throws Exception {
    FileChannel ch =
        FileChannel.open(
            Files.createDirectories(dir).resolve(".tbps-lock"),
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    return ch.lock();
  }

  @Test
  void aSecondLockInTheSameJvmIsRefusedTheSameWay() throws Exception {
    Path run = dir.resolve("same-jvm");
    FileLock lock = lockHere(run);
    try {
      assertInUse(
          CliRun.of("train", "--config", config.toString(), "--out", run.toString()),
          run,
          ProcessHandle.current().pid());
    } finally {
      lock.channel().close();
    }
  }

  @Test
  void aQuickstartOnABusyOutFolderIsRefused() throws Exception {
    Path out = dir.resolve("qs-busy");
    FileLock lock = lockHere(out);
    try {
      assertInUse(
          CliRun.of(
              "quickstart",
              "--out",
              out.toString(),
              "--config",
              dir.resolve("not-read.yaml").toString()),
          out,
          ProcessHandle.current().pid());
    } finally {
      lock.channel().close();
    }
  }
}
