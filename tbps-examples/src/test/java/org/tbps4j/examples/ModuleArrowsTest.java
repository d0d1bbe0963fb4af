package org.tbps4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The module arrows drawn in {@code docs/architecture.md} ("Modules and their arrows") are the
 * dependencies between our modules that the POMs declare, scope by scope, so the picture cannot
 * drift from the build.
 *
 * <p>The drawing's grammar: in the section's first fenced block, a line that starts with a module
 * name declares that module; {@code ──►} is followed by its compile-scope arrows, then optional
 * {@code ; tests: …} and {@code ; run time: …} groups (a group may also start an indented
 * continuation line); the arrows end at two spaces or at {@code (+} (the third-party notes).
 */
class ModuleArrowsTest {
  static final String GROUP = "org.tbps4j";

  @Test
  void theArchitectureDocDrawsThePomDependencies() throws Exception {
    Path root = RepositoryDocsTest.findRoot();
    Map<String, TreeSet<String>> poms = pomArrows(root);
    Map<String, TreeSet<String>> doc = docArrows(root.resolve("docs/architecture.md"));
    assertEquals(poms.keySet(), doc.keySet(), "modules drawn vs modules in the parent POM");
    for (String m : poms.keySet()) {
      assertEquals(
          poms.get(m), doc.get(m), m + ": arrows in the POM (left) vs docs/architecture.md");
    }
  }

  @Test
  void theDrawingIsReadAsItLooks() {
    List<String> lines =
        List.of(
            "tbps-eval        (nd4j-api only)                  metrics",
            "tbps-x           ──► tbps-eval, tbps-data  (+ Jackson)",
            "                                                  what it holds",
            "tbps-y           ──► tbps-x; tests: tbps-z",
            "                     run time: tbps-w  (+ picocli)");
    Map<String, TreeSet<String>> a = parseDrawing(lines);
    assertEquals(new TreeSet<>(), a.get("tbps-eval"));
    assertEquals(new TreeSet<>(List.of("tbps-data", "tbps-eval")), a.get("tbps-x"));
    assertEquals(
        new TreeSet<>(List.of("tbps-x", "tbps-z (test)", "tbps-w (runtime)")), a.get("tbps-y"));
  }

  /** Module → "dep" (compile) or "dep (scope)", from every module's POM. */
  static Map<String, TreeSet<String>> pomArrows(Path root) throws Exception {
    Document parent = read(root.resolve("pom.xml"));
    Map<String, TreeSet<String>> out = new TreeMap<>();
    for (Element m : children(child(parent.getDocumentElement(), "modules"), "module")) {
      String dir = m.getTextContent().trim();
      Element project = read(root.resolve(dir).resolve("pom.xml")).getDocumentElement();
      String artifact = text(project, "artifactId");
      TreeSet<String> deps = new TreeSet<>();
      Element dependencies = child(project, "dependencies"); // not dependencyManagement (the BOM)
      if (dependencies != null) {
        for (Element d : children(dependencies, "dependency")) {
          String g = text(d, "groupId");
          if (!GROUP.equals(g) && !"${project.groupId}".equals(g)) {
            continue;
          }
          String scope = text(d, "scope");
          deps.add(
              text(d, "artifactId")
                  + (scope == null || scope.equals("compile") ? "" : " (" + scope + ")"));
        }
      }
      out.put(artifact, deps);
    }
    assertTrue(out.size() >= 10, "modules: " + out.keySet());
    return out;
  }

  /** Module → arrows as drawn in the architecture doc. */
  static Map<String, TreeSet<String>> docArrows(Path doc) throws IOException {
    List<String> lines = Files.readAllLines(doc, StandardCharsets.UTF_8);
    int section = lines.indexOf("## Modules and their arrows");
    assertTrue(section >= 0, "docs/architecture.md has no section 'Modules and their arrows'");
    int open = section + 1;
    while (!lines.get(open).startsWith("```")) {
      open++;
    }
    int close = open + 1;
    while (!lines.get(close).startsWith("```")) {
      close++;
    }
    return parseDrawing(lines.subList(open + 1, close));
  }

  static Map<String, TreeSet<String>> parseDrawing(List<String> lines) {
    Map<String, TreeSet<String>> out = new TreeMap<>();
    String current = null;
    for (String line : lines) {
      if (line.startsWith("tbps-")) {
        current = line.split("\\s+", 2)[0];
        assertTrue(out.put(current, new TreeSet<>()) == null, current + " is drawn twice");
        int arrow = line.indexOf("──►");
        if (arrow >= 0) {
          addGroups(out.get(current), line.substring(arrow + 3), true);
        }
      } else if (current != null) {
        String t = line.strip();
        if (t.startsWith("tests:") || t.startsWith("run time:")) {
          addGroups(out.get(current), t, false);
        }
      }
    }
    return out;
  }

  private static void addGroups(TreeSet<String> into, String text, boolean compileFirst) {
    String s = text.strip();
    int end = s.length();
    for (String stop : List.of("  ", "(+")) {
      int i = s.indexOf(stop);
      if (i >= 0) {
        end = Math.min(end, i);
      }
    }
    s = s.substring(0, end);
    boolean first = compileFirst;
    for (String group : s.split(";")) {
      String g = group.strip();
      String scope = "";
      if (!first || g.startsWith("tests:") || g.startsWith("run time:")) {
        int colon = g.indexOf(':');
        String label = g.substring(0, colon).strip();
        scope =
            switch (label) {
              case "tests" -> " (test)";
              case "run time" -> " (runtime)";
              default -> throw new AssertionError("unknown arrow group '" + label + "' in " + text);
            };
        g = g.substring(colon + 1);
      }
      first = false;
      for (String name : g.split(",")) {
        String n = name.strip();
        if (!n.isEmpty()) {
          assertTrue(n.startsWith("tbps-"), "not a module name: '" + n + "' in " + text);
          into.add(n + scope);
        }
      }
    }
  }

  private static Document read(Path pom) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(pom.toFile());
  }

  private static Element child(Element e, String name) {
    List<Element> c = children(e, name);
    return c.isEmpty() ? null : c.get(0);
  }

  private static List<Element> children(Element e, String name) {
    List<Element> out = new ArrayList<>();
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c && c.getTagName().equals(name)) {
        out.add(c);
      }
    }
    return out;
  }

  private static String text(Element e, String name) {
    Element c = child(e, name);
    return c == null ? null : c.getTextContent().trim();
  }
}
