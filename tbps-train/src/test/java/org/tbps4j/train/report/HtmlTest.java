package org.tbps4j.train.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The one HTML escaper. */
class HtmlTest {
  @Test
  void theFiveSpecialCharactersAreEscaped() {
    assertEquals(
        "&lt;a href=&quot;x&quot; title=&#39;t&#39;&gt;R&amp;D&lt;/a&gt;",
        Html.escape("<a href=\"x\" title='t'>R&D</a>"));
    assertEquals("plain text, ünïcode", Html.escape("plain text, ünïcode"));
    assertEquals("&amp;amp;", Html.escape("&amp;"));
  }

  @Test
  void itAgreesWithTheObviousReplaceChain() {
    SplittableRandom r = new SplittableRandom(5);
    String alphabet = "<>&\"'ab &;#";
    for (int i = 0; i < 500; i++) {
      StringBuilder s = new StringBuilder();
      for (int j = r.nextInt(12); j > 0; j--) {
        s.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      String t = s.toString();
      String slow =
          t.replace("&", "&amp;")
              .replace("<", "&lt;")
              .replace(">", "&gt;")
              .replace("\"", "&quot;")
              .replace("'", "&#39;");
      assertEquals(slow, Html.escape(t), t);
    }
  }
}
