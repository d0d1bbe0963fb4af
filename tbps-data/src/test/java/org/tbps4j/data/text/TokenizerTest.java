package org.tbps4j.data.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenizerTest {

  @Test
  void lowerCasesStripsPunctuationAndSplitsOnWhitespace() {
    assertEquals(
        List.of("a", "man", "in", "a", "red", "t", "shirt", "blue", "jeans"),
        Tokenizer.tokenize("A man in a RED T-shirt,blue   jeans."));
    assertEquals(
        List.of("the", "womans", "bag", "isnt", "black"),
        Tokenizer.tokenize("The woman's bag isn’t black!"));
    assertEquals(List.of("size", "42", "shoes"), Tokenizer.tokenize("size-42 shoes\t\n"));
    assertEquals(List.of("café", "über"), Tokenizer.tokenize("Café; ÜBER"));
  }

  @Test
  void emptyAndPunctuationOnlyTextHasNoTokens() {
    assertEquals(List.of(), Tokenizer.tokenize(null));
    assertEquals(List.of(), Tokenizer.tokenize(""));
    assertEquals(List.of(), Tokenizer.tokenize("  ... !? "));
    assertFalse(Tokenizer.hasTokens("  ... !? "));
    assertFalse(Tokenizer.hasTokens(null));
    assertTrue(Tokenizer.hasTokens(" a "));
  }

  @Test
  void tokenizingIsIdempotentOnItsOwnOutput() {
    String text = "A Woman, wearing a PINK 'striped' top & grey/black skirt.";
    List<String> once = Tokenizer.tokenize(text);
    assertEquals(once, Tokenizer.tokenize(String.join(" ", once)));
  }
}
