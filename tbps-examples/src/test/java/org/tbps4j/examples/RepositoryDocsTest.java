package org.tbps4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The repository's documentation stays inside the repository: every Markdown link and every path
 * written in a file (docs, READMEs, code comments, configs, scripts, POMs) points at something that
 * is in it, and nothing refers to the design notes the project started from (they are not part of
 * the repository; docs/ holds what they said). Also checks that the README shows the exact POM of
 * the consumer projects and lists the examples in order.
 *
 * <p>The files are the repository's: {@code git ls-files} (tracked and untracked, not ignored), or,
 * without git, every file outside {@code target/}, {@code .git/} and the folders .gitignore names.
 */
class RepositoryDocsTest {

  /**
   * Pages other pieces of work are writing at the same time; a reference to them is accepted while
   * they do not exist yet. Remove an entry once its page is in the repository.
   */
  static final Set<String> PLANNED = Set.of();

  /** References to the design notes outside the repository (case-sensitive). */
  static final List<Pattern> FORBIDDEN =
      List.of(
          Pattern.compile("\\.\\./shared\\b"),
          Pattern.compile("shared/design"),
          Pattern.compile("DL4J-NOTES"),
          Pattern.compile("(?<![\\w/.-])(?:LOSSES|DATA|EVAL|MODEL|STYLE|ARCHITECTURE)\\.md\\b"));

  /** A path into the repository written in running text: a top-level folder, then more. */
  static final Pattern PATH =
      Pattern.compile(
          "(?<![\\w./@:-])((?:docs|configs|bench|\\.ci|tbps-[a-z]+)/[A-Za-z0-9_./-]*[A-Za-z0-9_/-])");

  /** A Markdown link or image: {@code [text](target)} or {@code [text](target "title")}. */
  static final Pattern LINK =
      Pattern.compile("!?\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");

  static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");

  static final Set<String> TEXT_EXTENSIONS =
      Set.of(
          "md",
          "java",
          "xml",
          "yaml",
          "yml",
          "py",
          "sh",
          "json",
          "properties",
          "txt",
          "html",
          "config",
          "gitignore",
          "editorconfig");

  static Path root;
  static List<String> files;
  static Set<String> paths; // files and the folders above them, '/'-separated, relative to root

  @BeforeAll
  static void listTheRepository() throws Exception {
    root = findRoot();
    files = gitFiles(root);
    if (files == null) {
      files = walk(root);
    }
    paths = new TreeSet<>();
    for (String f : files) {
      paths.add(f);
      for (int i = f.indexOf('/'); i >= 0; i = f.indexOf('/', i + 1)) {
        paths.add(f.substring(0, i));
      }
    }
    assertTrue(paths.contains("README.md") && paths.contains("docs"), "found the repository");
  }

  /** The folder that holds both {@code docs/} and this module. */
  static Path findRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("docs")) && Files.isDirectory(p.resolve("tbps-examples"))) {
        return p;
      }
    }
    throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
  }

  /** The repository's files according to git, or null when git cannot say. */
  static List<String> gitFiles(Path root) {
    try {
      Process p =
          new ProcessBuilder("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
              .directory(root.toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      byte[] out;
      try (InputStream in = p.getInputStream()) {
        out = in.readAllBytes();
      }
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || out.length == 0) {
        return null;
      }
      List<String> list = new ArrayList<>();
      for (String f : new String(out, StandardCharsets.UTF_8).split("\0")) {
        if (!f.isEmpty() && Files.isRegularFile(root.resolve(f))) {
          list.add(f);
        }
      }
      return list;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Without git: every file outside target/, .git/ and the top-level folders .gitignore names. */
  static List<String> walk(Path root) throws IOException {
    Set<String> ignoredTop = new LinkedHashSet<>(List.of(".git"));
    Path gitignore = root.resolve(".gitignore");
    if (Files.isRegularFile(gitignore)) {
      for (String line : Files.readAllLines(gitignore)) {
        Matcher m = Pattern.compile("^/([^/*]+)/?$").matcher(line.trim());
        if (m.matches()) {
          ignoredTop.add(m.group(1));
        }
      }
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString().replace('\\', '/'))
          .filter(f -> !ignoredTop.contains(f.split("/", 2)[0]))
          .filter(f -> !("/" + f).contains("/target/"))
          .sorted()
          .toList();
    }
  }

  /** The text files to check (binary files and this test's own source are left out). */
  static List<String> textFiles() throws IOException {
    List<String> out = new ArrayList<>();
    for (String f : files) {
      if (f.endsWith("/RepositoryDocsTest.java")) {
        continue; // it spells out the forbidden references
      }
      String name = f.substring(f.lastIndexOf('/') + 1);
      int dot = name.lastIndexOf('.');
      String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
      Path p = root.resolve(f);
      if ((TEXT_EXTENSIONS.contains(ext) || dot < 0) && Files.size(p) < 2_000_000 && !binary(p)) {
        out.add(f);
      }
    }
    return out;
  }

  static boolean binary(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      byte[] head = in.readNBytes(8192);
      for (byte b : head) {
        if (b == 0) {
          return true;
        }
      }
      return false;
    }
  }

  static String read(String f) throws IOException {
    return Files.readString(root.resolve(f), StandardCharsets.UTF_8);
  }

  @Test
  void nothingRefersToDesignNotesOutsideTheRepository() throws IOException {
    List<String> problems = new ArrayList<>();
    for (String f : textFiles()) {
      String[] lines = read(f).split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        for (Pattern p : FORBIDDEN) {
          Matcher m = p.matcher(lines[i]);
          if (m.find()) {
            problems.add(f + ":" + (i + 1) + ": '" + m.group() + "' (cite docs/ instead)");
          }
        }
      }
    }
    assertNoProblems(problems);
  }

  @Test
  void everyPathWrittenInAFileExists() throws IOException {
    List<String> problems = new ArrayList<>();
    for (String f : textFiles()) {
      String[] lines = read(f).split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        Matcher m = PATH.matcher(lines[i]);
        while (m.find()) {
          String ref = m.group(1);
          String clean = ref.replaceAll("[./]+$", "");
          if (("/" + clean + "/").contains("/target/") || existsFrom(f, clean)) {
            continue;
          }
          problems.add(f + ":" + (i + 1) + ": " + ref + " is not in the repository");
        }
      }
    }
    assertNoProblems(problems);
  }

  @Test
  void everyMarkdownLinkResolves() throws IOException {
    List<String> problems = new ArrayList<>();
    Map<String, Set<String>> anchors = new HashMap<>();
    for (String f : files) {
      if (!f.endsWith(".md")) {
        continue;
      }
      String[] lines = withoutCode(read(f)).split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        Matcher m = LINK.matcher(lines[i]);
        while (m.find()) {
          String problem = check(f, m.group(1), anchors);
          if (problem != null) {
            problems.add(f + ":" + (i + 1) + ": " + m.group() + ": " + problem);
          }
        }
      }
    }
    assertNoProblems(problems);
  }

  /** Null when the link target resolves, else what is wrong. */
  static String check(String from, String target, Map<String, Set<String>> anchors)
      throws IOException {
    if (target.matches("(?i)[a-z][a-z0-9+.-]*:.*")) {
      return null; // http:, https:, mailto: — outside the repository by intent
    }
    int hash = target.indexOf('#');
    String file = hash < 0 ? target : target.substring(0, hash);
    String anchor = hash < 0 ? null : target.substring(hash + 1);
    String resolved;
    if (file.isEmpty()) {
      resolved = from;
    } else {
      Path dir = Path.of(from).getParent();
      Path p = (dir == null ? Path.of(file) : dir.resolve(file)).normalize();
      resolved = p.toString().replace('\\', '/');
      if (resolved.startsWith("..") || Path.of(file).isAbsolute()) {
        return "points outside the repository";
      }
      resolved = resolved.replaceAll("/$", "");
      if (!exists(resolved)) {
        return resolved + " is not in the repository";
      }
    }
    if (anchor != null
        && !anchor.isEmpty()
        && resolved.endsWith(".md")
        && paths.contains(resolved)) {
      Set<String> known = anchors.computeIfAbsent(resolved, RepositoryDocsTest::headingAnchors);
      if (!known.contains(anchor)) {
        return "no heading with anchor #" + anchor + " in " + resolved;
      }
    }
    return null;
  }

  /**
   * Whether a path written in file {@code f} exists: from the repository root, from the file's
   * module folder (a module's README or POM says {@code bench/x.sh} for its own {@code bench/}) or
   * from the file's folder.
   */
  static boolean existsFrom(String f, String path) {
    if (exists(path)) {
      return true;
    }
    int slash = f.indexOf('/');
    if (slash > 0 && exists(f.substring(0, slash) + "/" + path)) {
      return true;
    }
    int last = f.lastIndexOf('/');
    return last > 0
        && exists(Path.of(f.substring(0, last), path).normalize().toString().replace('\\', '/'));
  }

  static boolean exists(String path) {
    return path.isEmpty() || paths.contains(path) || PLANNED.contains(path);
  }

  /** The anchors GitHub gives the headings of a Markdown file. */
  static Set<String> headingAnchors(String file) {
    Set<String> out = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    try {
      for (String line : withoutCode(read(file)).split("\n", -1)) {
        Matcher m = HEADING.matcher(line);
        if (m.matches()) {
          String slug = slug(m.group(2));
          int n = seen.merge(slug, 1, Integer::sum) - 1;
          out.add(n == 0 ? slug : slug + "-" + n);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /** GitHub's heading anchor: lower case, letters, digits, '-', '_' kept, spaces to '-'. */
  static String slug(String heading) {
    String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1"); // a link's text
    text = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}\\s_-]", "");
    return text.replace(' ', '-');
  }

  /** The Markdown text with fenced code blocks and inline code spans blanked (lines kept). */
  static String withoutCode(String md) {
    StringBuilder out = new StringBuilder();
    boolean fenced = false;
    for (String line : md.split("\n", -1)) {
      if (line.trim().startsWith("```")) {
        fenced = !fenced;
        out.append('\n');
        continue;
      }
      out.append(fenced ? "" : line.replaceAll("`[^`]*`", "``")).append('\n');
    }
    return out.toString();
  }

  @Test
  void theReadmeShowsTheConsumerProjectsPomsVerbatim() throws IOException {
    String readme = read("README.md");
    int blocks = 0;
    for (String f : files) {
      if (!f.matches("tbps-examples/consumer/[^/]+/pom\\.xml")) {
        continue;
      }
      List<String> lines = List.of(read(f).split("\n", -1));
      for (int i = 0; i < lines.size(); i++) {
        Matcher begin = Pattern.compile("<!-- README:([\\w-]+):begin -->").matcher(lines.get(i));
        if (!begin.find()) {
          continue;
        }
        String end = "<!-- README:" + begin.group(1) + ":end -->";
        int j = i + 1;
        while (j < lines.size() && !lines.get(j).contains(end)) {
          j++;
        }
        assertTrue(j < lines.size(), f + ": no " + end);
        String block = dedent(lines.subList(i + 1, j));
        assertTrue(
            containsIndented(readme, block),
            "README.md must show the block '"
                + begin.group(1)
                + "' of "
                + f
                + " verbatim:\n"
                + block);
        blocks++;
      }
    }
    assertEquals(3, blocks, "README blocks in tbps-examples/consumer/*/pom.xml");
  }

  /** Whether the text contains the block, indented by the same 0 to 8 spaces on every line. */
  static boolean containsIndented(String text, String block) {
    for (int k = 0; k <= 8; k++) {
      String pad = " ".repeat(k);
      StringBuilder b = new StringBuilder();
      for (String l : block.split("\n", -1)) {
        b.append(l.isEmpty() ? "" : pad + l).append('\n');
      }
      if (text.contains(b.toString().stripTrailing())) {
        return true;
      }
    }
    return false;
  }

  static String dedent(List<String> lines) {
    int indent = Integer.MAX_VALUE;
    for (String l : lines) {
      if (!l.isBlank()) {
        indent = Math.min(indent, l.length() - l.stripLeading().length());
      }
    }
    StringBuilder b = new StringBuilder();
    for (String l : lines) {
      b.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
    }
    return b.toString().stripTrailing();
  }

  @Test
  void theReadmeListsTheExamplesInReadingOrder() throws IOException {
    String dir = "tbps-examples/src/main/java/org/tbps4j/examples/";
    List<String> examples =
        files.stream()
            .filter(
                f -> f.startsWith(dir) && f.substring(dir.length()).matches("Ex\\d+\\w*\\.java"))
            .map(f -> f.substring(dir.length(), f.length() - ".java".length()))
            .sorted((a, b) -> Integer.compare(number(a), number(b)))
            .toList();
    assertTrue(examples.size() >= 6, "examples: " + examples);
    String readme = read("README.md");
    int last = -1;
    for (int i = 0; i < examples.size(); i++) {
      assertEquals(i + 1, number(examples.get(i)), "examples are numbered 1, 2, 3, ...");
      int at = readme.indexOf("(" + dir + examples.get(i) + ".java)");
      assertTrue(at > last, examples.get(i) + " is linked from the README, after the one before");
      last = at;
    }
  }

  static int number(String example) {
    Matcher m = Pattern.compile("^Ex(\\d+)").matcher(example);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  static void assertNoProblems(List<String> problems) {
    if (!problems.isEmpty()) {
      fail(problems.size() + " problem(s):\n" + String.join("\n", problems));
    }
  }
}
