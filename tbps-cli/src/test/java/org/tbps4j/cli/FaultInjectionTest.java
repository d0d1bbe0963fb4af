package org.tbps4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tbps4j.data.synth.SynthConfig;
import org.tbps4j.data.synth.SyntheticDataset;
import org.tbps4j.model.TbpsModel;

/**
 * Fault injection over the whole training pipeline: {@code tbps train} in its own JVM is killed
 * with SIGKILL five times — at random moments, once in the middle of a checkpoint write and once
 * during the final evaluation — and resumed after each kill with {@code tbps train --resume}. The
 * run must end with the same weights and the same metrics as an uninterrupted run, and leave no
 * stray file in the run directory or in the system temporary folder.
 *
 * <p>The moments are drawn from a seed printed in every failure message ({@code -Dtbps.faultSeed=N}
 * replays one). It takes minutes (seven JVMs start), so it runs with the Maven profile {@code
 * fault-injection}, which {@code .ci/run} enables: {@code mvn -B verify -Pfault-injection}.
 */
@EnabledIfSystemProperty(
    named = "tbps.faultInjection",
    matches = "true",
    disabledReason = "slow: run with -Pfault-injection (.ci/run does)")
class FaultInjectionTest {
  @TempDir Path dir;

  static final String CONFIG =
      """
      name: faults
      seed: 11
      data: {root: %s, image_height: 32, image_width: 16, max_length: 12, min_word_count: 1,
             p: 4, k: 2, workers: 1}
      model: {preset: micro}
      loss: [{name: cmpm, weight: 1}, {name: cmpc, weight: 0.8}, {name: mam, weight: 0.2},
             {name: psw, weight: 1}]
      optimizer: {lr: 0.01}
      stages: [{name: joint, epochs: 2}]
      eval: {interval_epochs: 1, batch_size: 16}
      checkpoint: {every_iterations: 2, keep_last: 2}
      """;

  private enum Kill {
    RANDOM,
    CHECKPOINT_WRITE,
    FINAL_EVALUATION
  }

  private long seed;
  private Path childTmp;
  private final List<String> story = new ArrayList<>();

  private String where() {
    return " (seed " + seed + "; " + String.join("; ", story) + ")";
  }

  private Process start(Path log, String... args) throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-Dorg.bytedeco.javacpp.maxphysicalbytes=4G",
                "-Djava.io.tmpdir=" + childTmp,
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  /** Waits (polling every millisecond) until the condition holds or the child ends. */
  private static boolean await(Process p, BooleanSupplier condition, long timeoutSeconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      if (!p.isAlive()) {
        return condition.getAsBoolean();
      }
      Thread.sleep(1);
    }
    return false;
  }

  private static List<Path> files(Path root) {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      return List.of(); // a file vanished while listing: look again
    }
  }

  private static boolean anyTemporary(Path checkpoints) {
    return files(checkpoints).stream()
        .anyMatch(p -> p.getFileName().toString().matches("\\..*\\.tmp"));
  }

  private static long newestCheckpoint(Path checkpoints) {
    long n = -1;
    for (Path p : files(checkpoints)) {
      String name = p.getFileName().toString();
      if (name.matches("ckpt-\\d+\\.json")) {
        n = Math.max(n, Long.parseLong(name.replaceAll("\\D", "")));
      }
    }
    return n;
  }

  private static void sigkill(Process p) throws InterruptedException {
    p.destroyForcibly(); // SIGKILL on Linux
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child did not die");
  }

  @Test
  void aRunKilledFiveTimesEndsAsAnUninterruptedOne() throws Exception {
    seed = Long.getLong("tbps.faultSeed", System.nanoTime());
    Random rnd = new Random(seed);
    Path data = dir.resolve("synthetic");
    SyntheticDataset.generate(new SynthConfig(24, 2, 3, 5, 32, 16, 1), data);
    Path config = dir.resolve("faults.yaml");
    Files.writeString(config, CONFIG.formatted(data.toString().replace('\\', '/')));
    childTmp = Files.createDirectories(dir.resolve("child-tmp"));

    long t0 = System.nanoTime();
    Path reference = dir.resolve("reference");
    CliRun ref = CliRun.of("train", "--config", config.toString(), "--out", reference.toString());
    assertEquals(0, ref.exitCode(), ref.err());

    long t1 = System.nanoTime();
    Path run = dir.resolve("killed");
    Path checkpoints = run.resolve("checkpoints");
    Path log = dir.resolve("children.log");
    List<Kill> plan =
        new ArrayList<>(List.of(Kill.RANDOM, Kill.CHECKPOINT_WRITE, Kill.RANDOM, Kill.RANDOM));
    java.util.Collections.shuffle(plan, rnd);
    plan.add(Kill.FINAL_EVALUATION);
    int kills = 0;
    int attempts = 0;
    while (kills < plan.size()) {
      if (++attempts > 20) {
        fail("could not place the kills" + where());
      }
      Kill kind = plan.get(kills);
      Process p =
          Files.isRegularFile(run.resolve("config.yaml"))
              ? start(log, "train", "--resume", run.toString())
              : start(log, "train", "--config", config.toString(), "--out", run.toString());
      boolean hit;
      switch (kind) {
        case RANDOM -> {
          long before = newestCheckpoint(checkpoints);
          // some progress in this process, then a random moment
          hit = await(p, () -> newestCheckpoint(checkpoints) > before, 600);
          Thread.sleep(rnd.nextInt(1500));
          hit &= p.isAlive();
          sigkill(p);
          story.add("killed at random after checkpoint " + newestCheckpoint(checkpoints));
        }
        case CHECKPOINT_WRITE -> {
          hit = await(p, () -> anyTemporary(checkpoints), 600) && p.isAlive();
          sigkill(p);
          // the proof that the kill landed inside the write: its temporary file is left behind
          hit &= anyTemporary(checkpoints);
          story.add((hit ? "killed during" : "missed") + " a checkpoint write");
        }
        default -> {
          Path release = run.resolve("model.zip");
          hit = await(p, () -> Files.exists(release), 600) && p.isAlive();
          sigkill(p);
          JsonNode metrics = Json.MAPPER.readTree(run.resolve("metrics.json").toFile());
          hit &= !metrics.has("test"); // killed before the test metrics were written
          story.add((hit ? "killed during" : "missed") + " the final evaluation");
        }
      }
      assertFalse(p.exitValue() == 0, "the child finished before it could be killed" + where());
      if (hit) {
        kills++;
      }
    }
    Process last = start(log, "train", "--resume", run.toString());
    assertTrue(last.waitFor(600, TimeUnit.SECONDS), "the last resume did not end" + where());
    assertEquals(0, last.exitValue(), Files.readString(log) + where());
    System.out.printf(
        "fault injection: reference run %.0f s, killed run (%d processes) %.0f s; %s%n",
        (t1 - t0) / 1e9, attempts + 1, (System.nanoTime() - t1) / 1e9, where());

    // the same weights
    Map<String, INDArray> a = parameters(reference.resolve("model.zip"));
    Map<String, INDArray> b = parameters(run.resolve("model.zip"));
    assertEquals(a.keySet(), b.keySet(), where());
    for (String k : a.keySet()) {
      assertEquals(a.get(k), b.get(k), k + where());
    }
    // the same metrics: validation history, test, and every logged loss (timings aside)
    assertEquals(
        withoutTimings(Json.MAPPER.readTree(reference.resolve("metrics.json").toFile())),
        withoutTimings(Json.MAPPER.readTree(run.resolve("metrics.json").toFile())),
        where());
    // no stray files: the same file names as the uninterrupted run, nothing in the temp folder
    assertEquals(names(reference), names(run), where());
    assertEquals(List.of(), files(childTmp), "files left in java.io.tmpdir" + where());
  }

  private static TreeSet<String> names(Path root) {
    TreeSet<String> out = new TreeSet<>();
    for (Path p : files(root)) {
      out.add(root.relativize(p).toString());
    }
    return out;
  }

  private static JsonNode withoutTimings(JsonNode n) {
    JsonNode copy = n.deepCopy();
    strip(copy);
    return copy;
  }

  private static void strip(JsonNode n) {
    if (n instanceof ObjectNode o) {
      o.remove("seconds");
      o.forEach(FaultInjectionTest::strip);
    } else if (n.isArray()) {
      n.forEach(FaultInjectionTest::strip);
    }
  }

  private static Map<String, INDArray> parameters(Path modelZip) throws IOException {
    Map<String, INDArray> out = new TreeMap<>();
    try (TbpsModel m = TbpsModel.load(modelZip, false)) {
      for (SDVariable v : m.sameDiff().variables()) {
        if (v.getVariableType() == VariableType.VARIABLE
            || (v.getVariableType() == VariableType.CONSTANT && v.getArr() != null)) {
          out.put(v.name(), v.getArr().dup());
        }
      }
    }
    return out;
  }
}
