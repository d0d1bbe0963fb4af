package org.tbps4j.data.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The caption tokenizer (docs/data.md): lower-case, strip punctuation, split on whitespace.
 *
 * <p>Exact rule, applied code point by code point to the lower-cased text ({@link Locale#ROOT}):
 * letters and digits ({@link Character#isLetterOrDigit(int)}) are kept; apostrophes ({@code '},
 * {@code ’}, {@code `}) are removed without splitting ({@code "man's"} → {@code mans}); every other
 * character (whitespace, punctuation, symbols) separates tokens ({@code "t-shirt,red"} → {@code t
 * shirt red}). Empty tokens are dropped. The rule is versioned by {@link #NAME}, which is saved
 * with every {@link Vocabulary} so that a model is never used with a different tokenizer.
 */
public final class Tokenizer {

  /** Name and version of this tokenization rule, saved with vocabularies. */
  public static final String NAME = "lower-strip-punct-whitespace/v1";

  private Tokenizer() {}

  /**
   * Splits a caption into tokens.
   *
   * @param text any text (null is treated as empty)
   * @return the tokens in order; empty when the text has no letters or digits
   */
  public static List<String> tokenize(String text) {
    List<String> out = new ArrayList<>();
    if (text == null) {
      return out;
    }
    String lower = text.toLowerCase(Locale.ROOT);
    StringBuilder token = new StringBuilder();
    for (int i = 0; i < lower.length(); ) {
      int cp = lower.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isLetterOrDigit(cp)) {
        token.appendCodePoint(cp);
      } else if (cp == '\'' || cp == '\u2019' || cp == '`') {
        // removed without splitting: "man's" -> "mans"
      } else if (token.length() > 0) {
        out.add(token.toString());
        token.setLength(0);
      }
    }
    if (token.length() > 0) {
      out.add(token.toString());
    }
    return out;
  }

  /**
   * Whether a text contains at least one token (a letter or a digit).
   *
   * @param text any text
   * @return false for null, empty, whitespace-only or punctuation-only text
   */
  public static boolean hasTokens(String text) {
    if (text == null) {
      return false;
    }
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      if (Character.isLetterOrDigit(cp)) {
        return true;
      }
      i += Character.charCount(cp);
    }
    return false;
  }
}
