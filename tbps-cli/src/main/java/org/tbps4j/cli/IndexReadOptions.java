package org.tbps4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.tbps4j.search.ModelBundle;
import org.tbps4j.search.index.IndexInfo;
import org.tbps4j.search.index.LuceneIndex;
import org.tbps4j.search.index.VectorIndex;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of the commands that answer queries from a built index ({@code tbps index query} and
 * {@code tbps serve}): where the index is ({@code --index} or the SolrCloud options of {@link
 * IndexLocation}), the model ({@code --model}, default: the file the index recorded), the HNSW
 * search width ({@code --ef}) and the image folder when it moved ({@code --root}). A picocli mixin,
 * so the options read the same in both commands.
 */
final class IndexReadOptions {
  @Option(names = "--index", paramLabel = "INDEX", description = "The index directory.")
  Path index;

  @Mixin IndexLocation location;

  @Option(
      names = "--model",
      paramLabel = "M",
      description = "The model that built the index (default: the file recorded in the index).")
  Path model;

  @Option(
      names = "--ef",
      description =
          "HNSW candidates explored per query (Lucene index; more: higher recall, slower)."
              + " Default: the width the index recorded when it was built (tbps index build"
              + " --hnsw-ef).")
  Integer ef;

  @Option(
      names = "--root",
      paramLabel = "DIR",
      description = "The image folder, when it moved since the index was built.")
  Path root;

  /**
   * Opens the index for reading; a Lucene index searches with {@code --ef} when given, else with
   * the width it records.
   *
   * @return the index (close it)
   * @throws IOException on I/O errors
   */
  VectorIndex open() throws IOException {
    VectorIndex idx = location.open(index, false);
    if (ef != null && idx instanceof LuceneIndex l) {
      try {
        l.setEfSearch(ef);
      } catch (IllegalArgumentException e) {
        idx.close();
        throw new IllegalArgumentException("--ef must be >= 1, got " + ef);
      }
    }
    return idx;
  }

  /**
   * The index's metadata.
   *
   * @param idx the open index
   * @return its metadata
   * @throws IOException on read errors
   * @throws IllegalArgumentException when the index is empty
   */
  static IndexInfo info(VectorIndex idx) throws IOException {
    return idx.info()
        .orElseThrow(() -> new IllegalArgumentException(idx.describe() + ": empty index"));
  }

  /**
   * Opens the model: {@code --model}, else the file the index recorded.
   *
   * @param info the index metadata
   * @return the bundle
   * @throws IOException on read errors
   */
  ModelBundle openModel(IndexInfo info) throws IOException {
    return IndexQueryCommand.openModel(model, info);
  }

  /**
   * The image folder: {@code --root}, else the one the index recorded.
   *
   * @param info the index metadata
   * @return the folder
   */
  Path imageRoot(IndexInfo info) {
    return root != null ? root : Path.of(info.imageRoot());
  }
}
