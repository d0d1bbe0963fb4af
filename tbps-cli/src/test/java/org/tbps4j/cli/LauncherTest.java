package org.tbps4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./tbps} launcher caps ND4J's native memory from the machine's RAM (75 % of MemTotal)
 * unless {@code TBPS_NATIVE} says otherwise, instead of a fixed 16 GB that a smaller machine cannot
 * give.
 */
class LauncherTest {
  @TempDir Path dir;

  /** Runs ../tbps (the repository's launcher) with a fake java that prints its arguments. */
  private String javaArguments(Map<String, String> env) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path fake = bin.resolve("java");
    Files.writeString(fake, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path launcher = Path.of("..", "tbps").toAbsolutePath().normalize();
    ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "--version");
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    pb.environment().put("TBPS_NO_BUILD", "1");
    pb.environment().remove("TBPS_NATIVE");
    pb.environment().putAll(env);
    Path out = dir.resolve("out.txt");
    Process p = pb.redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), Files.readString(out));
    return Files.readString(out);
  }

  private static String maxPhysical(String args) {
    return args.lines()
        .filter(l -> l.startsWith("-Dorg.bytedeco.javacpp.maxphysicalbytes="))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no native cap in: " + args))
        .substring("-Dorg.bytedeco.javacpp.maxphysicalbytes=".length());
  }

  @Test
  void theNativeCapFollowsTheMachinesMemory() throws Exception {
    long memKb =
        Files.readAllLines(Path.of("/proc/meminfo")).stream()
            .filter(l -> l.startsWith("MemTotal:"))
            .map(l -> Long.parseLong(l.replaceAll("\\D", "")))
            .findFirst()
            .orElseThrow();
    assertEquals(memKb * 3 / 4 + "K", maxPhysical(javaArguments(Map.of())));
    assertEquals("5G", maxPhysical(javaArguments(Map.of("TBPS_NATIVE", "5G"))));
  }

  @Test
  void theLauncherStillPassesTheUsualSettings() throws Exception {
    List<String> args = javaArguments(Map.of("TBPS_HEAP", "2g")).lines().toList();
    assertTrue(args.contains("-Xmx2g"), args.toString());
    assertTrue(args.contains("--version"), args.toString());
  }
}
