package org.tbps4j.ui;

/** HTML escaping for the dashboard's own pages. */
final class Html {
  private Html() {}

  /**
   * Escapes text for HTML element content and attribute values.
   *
   * @param s text
   * @return escaped text
   */
  static String escape(String s) {
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
