package org.tbps4j.data.synth;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.tbps4j.data.JsonText;
import org.tbps4j.data.ReadOptions;

/**
 * Reads a synthetic dataset's {@code attributes.json}: each person's attribute values and what each
 * caption mentions, for per-attribute analyses (for example which attribute a failed query hinged
 * on).
 *
 * @param identities person id → its described attribute values
 * @param mentions image path relative to the dataset root ({@code imgs/synth/00001_0.jpg}, as in
 *     {@link org.tbps4j.data.CaptionRecord#imagePath()}) → per caption index, the mentioned values
 */
public record SynthAttributes(
    Map<Long, Map<Attribute, String>> identities,
    Map<String, List<Map<Attribute, String>>> mentions) {

  /** File name under the dataset root. */
  public static final String FILE = "attributes.json";

  /** Makes the maps unmodifiable. */
  public SynthAttributes {
    identities = Collections.unmodifiableMap(identities);
    mentions = Collections.unmodifiableMap(mentions);
  }

  /**
   * Reads {@code root/attributes.json}.
   *
   * @param root a dataset written by {@link SyntheticDataset#generate}
   * @return the attributes
   * @throws IOException if the file cannot be read ({@link java.nio.file.NoSuchFileException} when
   *     absent: the dataset is not synthetic)
   * @throws IllegalArgumentException on malformed content or unknown attribute names
   */
  public static SynthAttributes load(Path root) throws IOException {
    Path file = root.resolve(FILE);
    JsonNode n = JsonText.readTree(Files.readString(file), file.toString());
    if (n == null || !n.path("identities").isArray() || !n.path("images").isArray()) {
      throw new IllegalArgumentException(
          file + ": not a synthetic attributes file (needs \"identities\" and \"images\" arrays)");
    }
    Map<Long, Map<Attribute, String>> ids = new HashMap<>();
    for (JsonNode p : n.get("identities")) {
      Map<Attribute, String> v = new EnumMap<>(Attribute.class);
      for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getKey().equals("id") && !e.getKey().equals("split")) {
          v.put(attribute(file, e.getKey()), e.getValue().asText());
        }
      }
      ids.put(p.path("id").asLong(), Collections.unmodifiableMap(v));
    }
    Map<String, List<Map<Attribute, String>>> mentions = new HashMap<>();
    for (JsonNode im : n.get("images")) {
      List<Map<Attribute, String>> caps = new ArrayList<>();
      for (JsonNode m : im.path("mentions")) {
        Map<Attribute, String> v = new EnumMap<>(Attribute.class);
        for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          v.put(attribute(file, e.getKey()), e.getValue().asText());
        }
        caps.add(Collections.unmodifiableMap(v));
      }
      mentions.put(
          ReadOptions.DEFAULT_IMAGE_DIR + "/" + im.path("file_path").asText(), List.copyOf(caps));
    }
    return new SynthAttributes(ids, mentions);
  }

  private static Attribute attribute(Path file, String name) {
    for (Attribute a : Attribute.values()) {
      if (a.jsonName().equals(name)) {
        return a;
      }
    }
    throw new IllegalArgumentException(file + ": unknown attribute \"" + name + "\"");
  }
}
