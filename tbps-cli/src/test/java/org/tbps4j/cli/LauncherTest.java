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

  /** A fake java under {@code home/bin} that prints its arguments. */
  private static Path fakeJava(Path home) throws Exception {
    Path bin = Files.createDirectories(home.resolve("bin"));
    Path fake = bin.resolve("java");
    Files.writeString(fake, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    return fake;
  }

  /** Runs ../tbps (the repository's launcher) with a fake java that prints its arguments. */
  private String javaArguments(Map<String, String> env) throws Exception {
    return launch(env, 0);
  }

  private String launch(Map<String, String> env, int exitCode) throws Exception {
    Path bin = fakeJava(dir).getParent();
    Path launcher = Path.of("..", "tbps").toAbsolutePath().normalize();
    ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "--version");
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    pb.environment().put("TBPS_NO_BUILD", "1");
    pb.environment().remove("TBPS_NATIVE");
    pb.environment().putAll(env);
    Path out = dir.resolve("out.txt");
    Process p = pb.redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(exitCode, p.exitValue(), Files.readString(out));
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

  /**
   * TBPS_JAVA picks the java; one of Java 21 or newer (read from its home's {@code release} file)
   * gets the vector module Lucene's SIMD distances need, and the feature version Lucene may trust;
   * an older one, or a java without a {@code release} file, gets neither; a missing one is exit 2.
   */
  @Test
  void aJava21OrNewerGetsTheVectorModule() throws Exception {
    String vectorProp = "-Dorg.apache.lucene.vectorization.upperJavaFeatureVersion=";
    Path jdk25 = dir.resolve("jdk25");
    Path java25 = fakeJava(jdk25);
    Files.writeString(jdk25.resolve("release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"25.0.3\"\n");
    List<String> args = javaArguments(Map.of("TBPS_JAVA", java25.toString())).lines().toList();
    int i = args.indexOf("--add-modules");
    assertTrue(i >= 0, args.toString());
    assertEquals("jdk.incubator.vector", args.get(i + 1));
    assertTrue(args.contains(vectorProp + "25"), args.toString());
    assertTrue(i < args.indexOf("-jar"), "JVM options come before -jar: " + args);

    Path jdk17 = dir.resolve("jdk17");
    Path java17 = fakeJava(jdk17);
    Files.writeString(jdk17.resolve("release"), "JAVA_VERSION=\"17.0.15\"\n");
    for (Map<String, String> env :
        List.of(Map.of("TBPS_JAVA", java17.toString()), Map.<String, String>of())) {
      List<String> a = javaArguments(env).lines().toList();
      assertTrue(
          !a.contains("--add-modules") && a.stream().noneMatch(x -> x.startsWith(vectorProp)),
          a.toString());
      assertTrue(a.contains("--version"), a.toString());
    }

    String missing = launch(Map.of("TBPS_JAVA", dir.resolve("nope/bin/java").toString()), 2);
    assertTrue(
        missing.contains("tbps: no java at '" + dir.resolve("nope/bin/java") + "'"), missing);
  }
}
