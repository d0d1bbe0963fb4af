package org.tbps4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tbps4j.search.index.IndexInfo;
import org.tbps4j.search.index.LuceneIndex;
import org.tbps4j.search.index.VectorIndex;
import org.tbps4j.search.index.VectorIndexProvider;
import picocli.CommandLine.Option;

/**
 * Where an index lives: a directory (the embedded Lucene index) or a SolrCloud collection ({@code
 * --solr URL --collection NAME}, the backend of the tbps-search-solr module, found at run time). A
 * picocli mixin shared by {@code tbps index …} and {@code tbps serve}.
 */
final class IndexLocation {
  @Option(
      names = "--solr",
      paramLabel = "URL",
      description =
          "A SolrCloud node (http://host:8983/solr; several separated by commas): keep the index"
              + " as a SolrCloud collection instead of a directory.")
  String solr;

  @Option(
      names = "--collection",
      paramLabel = "NAME",
      description = "The SolrCloud collection (with --solr).")
  String collection;

  @Option(
      names = "--shards",
      defaultValue = "2",
      description = "Shards of a new SolrCloud collection. Default: ${DEFAULT-VALUE}.")
  int shards;

  @Option(
      names = "--replicas",
      defaultValue = "2",
      description =
          "Replicas of each shard of a new SolrCloud collection. Default: ${DEFAULT-VALUE}.")
  int replicas;

  /**
   * Whether the index is a SolrCloud collection.
   *
   * @return true with {@code --solr}
   */
  boolean isSolr() {
    return solr != null;
  }

  /**
   * Opens an index that exists (query, info, add, remove): a Lucene index writes with the HNSW
   * parameters it records, so no creation parameters are needed; the project's defaults stand in
   * for an index nothing was committed to yet.
   *
   * @param dir the directory (the {@code --index} value), or null with {@code --solr}
   * @param writable whether the caller writes
   * @return the index
   * @throws IOException on I/O errors
   */
  VectorIndex open(Path dir, boolean writable) throws IOException {
    return open(dir, writable, IndexInfo.DEFAULT_M, IndexInfo.DEFAULT_BEAM_WIDTH);
  }

  /**
   * Opens the index.
   *
   * @param dir the directory (the {@code --index} / {@code --out} value), or null with {@code
   *     --solr}
   * @param writable whether the caller writes
   * @param hnswM HNSW degree for a writable Lucene index
   * @param beam HNSW beam width for a writable Lucene index
   * @return the index
   * @throws IOException on I/O errors
   */
  VectorIndex open(Path dir, boolean writable, int hnswM, int beam) throws IOException {
    if (solr != null) {
      if (dir != null) {
        throw new IllegalArgumentException(
            "give either a directory (--index/--out) or --solr with --collection, not both");
      }
      if (collection == null || collection.isBlank()) {
        throw new IllegalArgumentException("--solr needs --collection NAME");
      }
      Map<String, String> settings = new LinkedHashMap<>();
      settings.put("url", solr);
      settings.put("collection", collection);
      settings.put("shards", Integer.toString(shards));
      settings.put("replicas", Integer.toString(replicas));
      settings.put("hnsw_m", Integer.toString(hnswM));
      settings.put("hnsw_beam_width", Integer.toString(beam));
      return VectorIndexProvider.find("solr").open(settings, writable);
    }
    if (collection != null) {
      throw new IllegalArgumentException("--collection needs --solr URL");
    }
    if (dir == null) {
      throw new IllegalArgumentException(
          "give the index directory (or --solr URL --collection NAME)");
    }
    return writable ? LuceneIndex.openWritable(dir, hnswM, beam) : LuceneIndex.openReadOnly(dir);
  }
}
