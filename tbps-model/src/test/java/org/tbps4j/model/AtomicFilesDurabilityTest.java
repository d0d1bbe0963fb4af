package org.tbps4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Atomic writes keep the user's umask (a report of person thumbnails written under {@code umask
 * 077} is private) and make the rename itself durable by syncing the directory.
 */
class AtomicFilesDurabilityTest {
  @TempDir Path dir;

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int run(List<String> command, Path log) throws Exception {
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    return p.exitValue();
  }

  private String writeUnder(String umask) throws Exception {
    Path out = Files.createDirectories(dir.resolve("umask-" + umask));
    String cmd =
        "umask "
            + umask
            + " && exec '"
            + java()
            + "' -cp '"
            + System.getProperty("java.class.path")
            + "' "
            + AtomicWriteMain.class.getName()
            + " '"
            + out
            + "'";
    Path log = dir.resolve("umask-" + umask + ".log");
    assertEquals(0, run(List.of("sh", "-c", cmd), log), Files.readString(log));
    String text =
        PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("report.html")));
    assertEquals(
        text,
        PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("model.bin"))));
    return text;
  }

  @Test
  void writtenFilesHonourTheUmask() throws Exception {
    assertEquals("rw-------", writeUnder("077"));
    assertEquals("rw-rw-r--", writeUnder("002"));
  }

  @Test
  void theDirectoryIsSyncedAfterTheRename() throws Exception {
    Path strace = Path.of("/usr/bin/strace");
    assumeTrue(Files.isExecutable(strace), "strace is not installed");
    Path out = Files.createDirectories(dir.resolve("sync"));
    Path trace = dir.resolve("trace.txt");
    Path log = dir.resolve("sync.log");
    int code =
        run(
            List.of(
                strace.toString(),
                "-f",
                "-qq",
                "-e",
                "trace=openat,fsync,fdatasync,rename,renameat,renameat2",
                "-o",
                trace.toString(),
                java(),
                "-cp",
                System.getProperty("java.class.path"),
                AtomicWriteMain.class.getName(),
                out.toString()),
            log);
    assumeTrue(
        code == 0 || !Files.readString(log).contains("Operation not permitted"),
        "strace cannot trace here");
    assertEquals(0, code, Files.readString(log));
    List<String> lines = joinUnfinished(Files.readAllLines(trace, StandardCharsets.UTF_8));
    for (String target : List.of("report.html", "model.bin")) {
      int renamed = -1;
      for (int i = 0; i < lines.size(); i++) {
        if (lines
            .get(i)
            .matches(".*rename.*\"" + Pattern.quote(out.resolve(target).toString()) + "\".*")) {
          renamed = i;
        }
      }
      assertTrue(renamed >= 0, "no rename to " + target + " in the trace");
      boolean synced = false;
      Pattern open =
          Pattern.compile(
              ".*openat\\(AT_FDCWD, \"" + Pattern.quote(out.toString()) + "/?\",.*\\) = (\\d+)");
      for (int i = renamed + 1; i < lines.size() && !synced; i++) {
        Matcher m = open.matcher(lines.get(i));
        if (m.matches()) {
          String fd = m.group(1);
          for (int j = i + 1; j < lines.size(); j++) {
            if (lines.get(j).matches(".*f(data)?sync\\(" + fd + "\\).*")) {
              synced = true;
              break;
            }
          }
        }
      }
      assertTrue(synced, "the directory was not synced after renaming " + target);
    }
  }

  /**
   * strace -f splits a call that another thread interrupts into {@code PID call(args <unfinished
   * ...>} and, later, {@code PID <... call resumed>rest}; this joins each pair back into one line
   * (by thread id) so that a busy machine cannot hide a call from the patterns above.
   */
  static List<String> joinUnfinished(List<String> raw) {
    Pattern unfinished = Pattern.compile("^(\\d+)\\s+(.*?)\\s*<unfinished \\.\\.\\.>$");
    Pattern resumed = Pattern.compile("^(\\d+)\\s+<\\.\\.\\. [\\w]+ resumed>\\s?(.*)$");
    java.util.Map<String, String> pending = new java.util.HashMap<>();
    List<String> out = new java.util.ArrayList<>();
    for (String l : raw) {
      Matcher u = unfinished.matcher(l);
      if (u.matches()) {
        pending.put(u.group(1), u.group(1) + " " + u.group(2));
        continue;
      }
      Matcher r = resumed.matcher(l);
      if (r.matches() && pending.containsKey(r.group(1))) {
        out.add(pending.remove(r.group(1)) + r.group(2));
        continue;
      }
      out.add(l);
    }
    out.addAll(pending.values());
    return out;
  }

  @Test
  void aCallSplitByAnotherThreadIsJoinedBackIntoOneLine() {
    List<String> raw =
        List.of(
            "101 openat(AT_FDCWD, \"/tmp/x/\", O_RDONLY <unfinished ...>",
            "102 fsync(7) = 0",
            "101 <... openat resumed>) = 9",
            "101 fsync(9) = 0");
    assertEquals(
        List.of(
            "102 fsync(7) = 0",
            "101 openat(AT_FDCWD, \"/tmp/x/\", O_RDONLY) = 9",
            "101 fsync(9) = 0"),
        joinUnfinished(raw));
    // a resumed line without its start and a start never resumed are kept as they are
    assertEquals(
        List.of("103 <... fsync resumed>) = 0", "104 fsync(3)"),
        joinUnfinished(List.of("103 <... fsync resumed>) = 0", "104 fsync(3) <unfinished ...>")));
  }
}
