package org.tbps4j.train.report;

/**
 * The project's one HTML escaper: the evaluation report, the sweep report, the dashboard's own
 * pages and the result pages of {@code tbps search --html} and {@code tbps index query --html} put
 * every text that came from data, configs, queries or run directories through it.
 */
public final class Html {
  private Html() {}

  /**
   * Escapes text for HTML element content and attribute values (quoted with {@code "} or {@code
   * '}): {@code < > & " '}.
   *
   * @param s text
   * @return escaped text
   */
  public static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
