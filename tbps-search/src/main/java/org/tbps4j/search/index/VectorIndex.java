package org.tbps4j.search.index;

import java.io.Closeable;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A persistent gallery index: L2-normalised image embeddings keyed by their relative image path,
 * searched by dot product (= cosine). Implemented by {@link LuceneIndex} (embedded, one directory)
 * and by the SolrCloud backend of {@code tbps-search-solr}. Reads are thread-safe; writes come from
 * one thread.
 */
public interface VectorIndex extends Closeable {

  /**
   * The metadata of the last commit.
   *
   * @return the info, or empty for a new index nothing was committed to yet
   * @throws IOException on read errors
   */
  Optional<IndexInfo> info() throws IOException;

  /**
   * Number of images.
   *
   * @return images in the index (as of the last commit or refresh)
   * @throws IOException on read errors
   */
  long size() throws IOException;

  /**
   * Every stored path (to resume a build or find what is new in a folder).
   *
   * @return the paths
   * @throws IOException on read errors
   */
  Set<String> paths() throws IOException;

  /**
   * One image by path.
   *
   * @param path the stored path
   * @return the image, or empty when the index does not hold it
   * @throws IOException on read errors
   */
  Optional<IndexedImage> get(String path) throws IOException;

  /**
   * Adds images, replacing any with the same path. Visible to readers after {@link #commit}.
   *
   * @param images the images
   * @param vectors one L2-normalised vector per image, {@code [n][D]}
   * @throws IOException on write errors
   * @throws IllegalArgumentException when the sizes disagree
   */
  void add(List<IndexedImage> images, float[][] vectors) throws IOException;

  /**
   * Removes images by path.
   *
   * @param paths stored paths (unknown ones are ignored)
   * @return how many of them the index held
   * @throws IOException on write errors
   */
  long remove(Collection<String> paths) throws IOException;

  /**
   * Makes everything added or removed durable, together with the metadata.
   *
   * @param info the metadata to store
   * @throws IOException on write errors
   */
  void commit(IndexInfo info) throws IOException;

  /**
   * The {@code k} images nearest a query.
   *
   * @param query L2-normalised query vector, length {@code D}
   * @param k results wanted ({@code >= 1})
   * @param mode HNSW or exact
   * @return at most {@code k} hits, best first (equal scores by path)
   * @throws IOException on read errors
   */
  List<IndexHit> search(float[] query, int k, SearchMode mode) throws IOException;

  /**
   * How many HNSW candidates a query explores ({@code efSearch}; more: higher recall, slower).
   *
   * @return the width, or 0 when the backend does not say
   */
  default int efSearch() {
    return 0;
  }

  /**
   * Picks up commits made by another process since this index was opened (a no-op for backends that
   * always read the latest state).
   *
   * @throws IOException on read errors
   */
  default void refresh() throws IOException {}

  /**
   * A short description for messages ({@code INDEX_DIR}, {@code solr collection NAME at URL}).
   *
   * @return the description
   */
  String describe();
}
