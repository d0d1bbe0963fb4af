package org.tbps4j.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the Python scripts of {@code bench/} with Debian's {@code /usr/bin/python3}. */
final class BenchPython {
  static final Path PYTHON = Path.of("/usr/bin/python3");

  private BenchPython() {}

  /**
   * Whether the script exists and {@code /usr/bin/python3} imports the modules it needs.
   *
   * @param script the script under {@code bench/}
   * @param modules a Python import list, e.g. {@code "torch, PIL"}
   * @return true when the script can run
   */
  static boolean available(Path script, String modules) throws Exception {
    if (!Files.isExecutable(PYTHON) || !Files.isRegularFile(script)) {
      return false;
    }
    Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import " + modules).start();
    return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
  }

  /**
   * Runs a script with one OpenBLAS thread and waits for it (at most 120 s, else the test fails).
   *
   * @param script the script
   * @param args its arguments
   * @return exit code, standard output and standard error
   */
  static CliRun run(Path script, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), script.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("OPENBLAS_NUM_THREADS", "1");
    Path err = Files.createTempFile("bench-python", ".err");
    try {
      pb.redirectError(err.toFile());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), script + " timed out");
      return new CliRun(p.exitValue(), out, Files.readString(err));
    } finally {
      Files.delete(err);
    }
  }
}
