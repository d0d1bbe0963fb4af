package org.tbps4j.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The reference tokenizer (HuggingFace {@code tokenizers}, the Rust library, through DJL's binding
 * {@code ai.djl.huggingface:tokenizers}, a test-scope dependency whose natives are inside its jar
 * and need no network), the captions of the committed fixture, and the program that writes it.
 *
 * <p>Regenerate the fixture (from the repository root):
 *
 * <pre>
 * mvn -B -q -o -pl tbps-text -am test-compile
 * mvn -B -q -o -pl tbps-text org.codehaus.mojo:exec-maven-plugin:3.5.0:java \
 *   -Dexec.classpathScope=test -Dexec.mainClass=org.tbps4j.text.TokenizerReference \
 *   -Dexec.args=tbps-text/src/test/resources/org/tbps4j/text/tokenizer-reference.json
 * </pre>
 */
public final class TokenizerReference {
  private TokenizerReference() {}

  /** Where the fixture lives on the test class path. */
  public static final String FIXTURE = "tokenizer-reference.json";

  /** Maximum lengths every fixture text is encoded at. */
  static final int[] MAX_LENGTHS = {128, 16};

  /** The fixture's texts: captions and the corner cases of each normalisation step. */
  static final List<String> TEXTS =
      List.of(
          "A woman wearing a red T-shirt, blue jeans and white sneakers.",
          "The man has short black hair; he carries a grey backpack over his left shoulder.",
          "A young girl in a knee-length, pink-and-white striped dress.",
          "He's wearing a navy-blue jacket (unzipped) & khaki trousers!",
          "A café owner in a beige coat walks past the crème brûlée stand, naïve façade, Zoë.",
          "The pedestrian wears a xyzzyqwv scarf and qqqqqqqq boots near the zxcvbnm kiosk.",
          "Around 25 years old, 1.75m tall, number 23 on a jersey, 3:45pm, 100% cotton, 2nd.",
          "long-sleeved, off-white t-shirt \u2014 light\u2013grey pants -- 50-50",
          "The woman\u2019s bag says \u201cHello\u201d; it's 'vintage' and `quoted`.",
          "  Multiple   spaces\tand\ttabs\nand newlines\r\n  ",
          "",
          "!!! ... ???",
          "\u7a7f\u7ea2\u8272\u8863\u670d\u7684\u5973\u4eba wears a red coat",
          "A man \ud83d\ude00 with a \ud83c\udf92 backpack",
          "\u03a3\u039f\u03a6\u0399\u0391 \u0130stanbul Stra\u00dfe \u00c5ngstr\u00f6m",
          "zero\u200bwidth, soft\u00adhyphen, a\u0000null, bell\u0007, del\u007f, nel\u0085x",
          "a\u00a0woman in\u2003a\u3000coat",
          "a" + "b".repeat(120) + " short words after",
          "e\u0301clair and \u00e9clair and \ufb01ne",
          "[CLS] a man [SEP] in [MASK] a hat [UNK] and [PAD]",
          "$50 + tax = <total> ^_^ | ~ ` @home #1 \u20ac20 \u00b0C \u00a9",
          "A WOMAN IN A BLACK DRESS WITH WHITE DOTS",
          "see http://example.com/a_b?c=d&e=f",
          "\u041c\u043e\u0441\u043a\u0432\u0430 mujer \u5973\u4eba",
          "U.S.A. e.g. i.e. Mr. Smith's",
          "\uff21\uff22\uff23 fullwidth",
          "\ud55c\uad6d\uc5b4 \u0645\u064e\u0631\u0652\u062d\u064e\u0628\u064b\u0627"
              + " \u0928\u092e\u0938\u094d\u0924\u0947",
          "the women is wearing a blak shirt and blu jeans.she has a bag,and a hat",
          "\ud83d\udc69\u200d\ud83d\udc69\u200d\ud83d\udc67 \ud83d\udc4d\ud83c\udffd",
          "The lady wears a white blouse with short sleeves, a black knee-length skirt, black"
              + " high-heeled shoes and carries a brown leather handbag in her right hand; her"
              + " long brown hair is tied in a ponytail. She is walking towards the camera, and"
              + " behind her there is a man in a dark-blue suit with a tie, holding a phone to"
              + " his ear. A bicycle leans against the wall, next to a red mailbox, while a dog"
              + " sits on the pavement. The weather seems sunny: she wears sunglasses, and her"
              + " shadow falls to the left. Her shoes look new, and the strap of the handbag"
              + " is thin and golden; the skirt has two pockets and a zip at the back.");

  /**
   * Opens the reference tokenizer on a {@code tokenizer.json}.
   *
   * @param tokenizerJson the file
   * @param maxLength truncation length
   * @return the reference tokenizer (close it)
   * @throws IOException if the file cannot be read
   */
  static HuggingFaceTokenizer open(Path tokenizerJson, int maxLength) throws IOException {
    return HuggingFaceTokenizer.newInstance(
        tokenizerJson,
        Map.of(
            "padding", "false",
            "truncation", "true",
            "maxLength", Integer.toString(maxLength),
            "addSpecialTokens", "true"));
  }

  /**
   * The reference ids of a text.
   *
   * @param ref the reference tokenizer
   * @param text the text
   * @return its ids
   */
  static int[] ids(HuggingFaceTokenizer ref, String text) {
    Encoding e = ref.encode(text);
    long[] ids = e.getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  /**
   * Writes the fixture.
   *
   * @param args the output file
   * @throws IOException on failure
   */
  public static void main(String[] args) throws IOException {
    TowerFiles files = TowerFiles.bundled();
    Path tmp = Files.createTempFile("tokenizer", ".json");
    Files.write(tmp, files.tokenizerJson());
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put(
        "reference",
        "HuggingFace tokenizers (Rust) through ai.djl.huggingface:tokenizers; see"
            + " TokenizerReference");
    root.put("tokenizer", files.tokenizerName());
    root.put("tokenizer_sha256", files.tokenizerSha256());
    ArrayNode cases = root.putArray("cases");
    List<HuggingFaceTokenizer> refs = new ArrayList<>();
    try {
      for (int max : MAX_LENGTHS) {
        HuggingFaceTokenizer ref = open(tmp, max);
        refs.add(ref);
        for (String text : TEXTS) {
          ObjectNode c = cases.addObject();
          c.put("text", text);
          c.put("max_length", max);
          ArrayNode ids = c.putArray("ids");
          for (int id : ids(ref, text)) {
            ids.add(id);
          }
        }
      }
    } finally {
      refs.forEach(HuggingFaceTokenizer::close);
      Files.deleteIfExists(tmp);
    }
    Files.writeString(
        Path.of(args[0]), json.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
  }
}
