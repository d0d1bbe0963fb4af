package org.tbps4j.search.solr;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tbps4j.search.index.IndexInfo;
import org.tbps4j.search.index.VectorIndex;
import org.tbps4j.search.index.VectorIndexProvider;

/** The {@code solr} backend: settings {@code url} (comma-separated), {@code collection}, … */
public final class SolrIndexProvider implements VectorIndexProvider {
  /** Creates the provider (for {@link java.util.ServiceLoader}). */
  public SolrIndexProvider() {}

  @Override
  public String name() {
    return "solr";
  }

  @Override
  public VectorIndex open(Map<String, String> settings, boolean writable) throws IOException {
    String url = require(settings, "url");
    List<String> urls =
        Arrays.stream(url.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    for (String u : urls) {
      if (!u.matches("https?://[^/\\s]+(/.*)?")) {
        throw new IllegalArgumentException("--solr " + u + ": expected http://host:port/solr");
      }
    }
    return SolrIndex.open(
        urls,
        require(settings, "collection"),
        new SolrIndex.Layout(
            integer(settings, "shards", 2),
            integer(settings, "replicas", 2),
            integer(settings, "hnsw_m", IndexInfo.DEFAULT_M),
            integer(settings, "hnsw_beam_width", IndexInfo.DEFAULT_BEAM_WIDTH)),
        writable);
  }

  private static String require(Map<String, String> s, String key) {
    String v = s.get(key);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("the Solr backend needs '" + key + "'");
    }
    return v;
  }

  private static int integer(Map<String, String> s, String key, int dflt) {
    String v = s.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Solr setting '" + key + "' is not an integer: " + v);
    }
  }
}
