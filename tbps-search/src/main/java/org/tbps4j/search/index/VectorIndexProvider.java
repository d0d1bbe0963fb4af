package org.tbps4j.search.index;

import java.io.IOException;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * A backend for indexes that live outside this JVM (SolrCloud in {@code tbps-search-solr}), found
 * with {@link ServiceLoader}, so that an application gets the backend by having its module on the
 * class path and nothing else depends on the backend's libraries.
 */
public interface VectorIndexProvider {
  /**
   * The backend's name ({@code solr}).
   *
   * @return the name
   */
  String name();

  /**
   * Opens (or prepares to create) an index.
   *
   * @param settings backend settings (for Solr: {@code url}, {@code collection}, {@code shards},
   *     {@code replicas})
   * @param writable whether the caller will write (the index may then be created)
   * @return the index
   * @throws IOException when the backend cannot be reached
   * @throws IllegalArgumentException when a setting is bad
   */
  VectorIndex open(Map<String, String> settings, boolean writable) throws IOException;

  /**
   * The provider of a backend on the class path.
   *
   * @param name the backend's name
   * @return the provider
   * @throws IllegalArgumentException when no module provides it
   */
  static VectorIndexProvider find(String name) {
    for (VectorIndexProvider p : ServiceLoader.load(VectorIndexProvider.class)) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "no '"
            + name
            + "' index backend on the class path (the SolrCloud backend is the tbps-search-solr"
            + " module)");
  }
}
