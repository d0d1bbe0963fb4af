package org.tbps4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command and subcommand has a working {@code --help} without picocli format warnings. */
class HelpTest {

  static List<List<String>> commandPaths(CommandLine cmd, List<String> prefix) {
    List<List<String>> out = new ArrayList<>();
    for (var e : cmd.getSubcommands().entrySet()) {
      List<String> p = new ArrayList<>(prefix);
      p.add(e.getKey());
      out.add(p);
      out.addAll(commandPaths(e.getValue(), p));
    }
    return out;
  }

  @Test
  void everyCommandHasHelp() {
    List<List<String>> paths = commandPaths(Main.commandLine(), List.of());
    assertTrue(paths.size() >= 10, "commands: " + paths);
    for (List<String> p : paths) {
      List<String> args = new ArrayList<>(p);
      args.add("--help");
      java.io.ByteArrayOutputStream stderr = new java.io.ByteArrayOutputStream();
      java.io.PrintStream old = System.err;
      CliRun r;
      System.setErr(new java.io.PrintStream(stderr, true));
      try {
        r = CliRun.of(args.toArray(new String[0]));
      } finally {
        System.setErr(old);
      }
      assertEquals(0, r.exitCode(), String.join(" ", args) + ": " + r.err());
      assertTrue(r.out().contains("Usage: tbps " + String.join(" ", p)), r.out());
      String warnings = stderr.toString() + r.err();
      assertFalse(warnings.contains("WARN"), String.join(" ", p) + ": " + warnings);
    }
  }
}
