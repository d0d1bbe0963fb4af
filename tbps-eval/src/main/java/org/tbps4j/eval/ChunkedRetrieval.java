package org.tbps4j.eval;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Retrieval over embeddings without materialising the full query×gallery score matrix.
 *
 * <p>Queries are scored in chunks of {@code chunkSize} rows: one matrix product {@code G ×
 * Q_chunkᵀ} into a reused buffer (or a custom {@link Scorer}), then, per query, only the ranks of
 * its relevant items and, when asked, its top-k list are kept. Memory is {@code O(chunkSize × G)}
 * for the chunk scores plus {@code O(Q × k)} for the top-k lists; time is {@code O(Q × G × D)} for
 * the products plus {@code O(Q × G log R)} for the ranking.
 *
 * <p>With L2-normalised embeddings the default scorer gives cosine similarity.
 */
public final class ChunkedRetrieval {

  /** Scores one chunk of queries against the whole gallery. */
  @FunctionalInterface
  public interface Scorer {
    /**
     * Returns the scores of queries {@code [from, to)} against every gallery item.
     *
     * @param from first query (inclusive)
     * @param to last query (exclusive)
     * @return a {@code [to - from, G]} array of scores (any strides, FLOAT or DOUBLE); the scorer
     *     owns it and may overwrite it for the next chunk
     */
    INDArray score(int from, int to);
  }

  /**
   * Per-query output of a run.
   *
   * @param metrics metrics over queries with a relevant item
   * @param firstRelevantRank 1-based rank of the best relevant item per query, or 0 when the query
   *     has none
   * @param topK best gallery indices per query (ties by index), {@code null} when top-k was not
   *     requested
   */
  public record Result(RetrievalMetrics metrics, int[] firstRelevantRank, int[][] topK) {}

  private final int chunkSize;

  /**
   * Creates an evaluator.
   *
   * @param chunkSize queries scored per matrix product; memory grows as {@code chunkSize × G}
   * @throws IllegalArgumentException if {@code chunkSize < 1}
   */
  public ChunkedRetrieval(int chunkSize) {
    if (chunkSize < 1) {
      throw new IllegalArgumentException("chunkSize must be >= 1, got " + chunkSize);
    }
    this.chunkSize = chunkSize;
  }

  /**
   * Returns a chunk size that keeps one chunk's scores under a byte budget.
   *
   * @param gallerySize {@code G}
   * @param bytesBudget bytes allowed for one {@code [chunk, G]} float score block
   * @return a chunk size in {@code [1, 4096]}
   */
  public static int chunkSizeFor(long gallerySize, long bytesBudget) {
    long rows = bytesBudget / (4L * Math.max(1, gallerySize));
    return (int) Math.max(1, Math.min(4096, rows));
  }

  /**
   * Returns the chunk size of this evaluator.
   *
   * @return queries per chunk
   */
  public int chunkSize() {
    return chunkSize;
  }

  /**
   * Evaluates text-to-image retrieval with dot-product scores.
   *
   * @param queries query embeddings {@code [Q, D]}
   * @param queryIds person id per query, length {@code Q}
   * @param gallery gallery embeddings {@code [G, D]}
   * @param galleryIds person id per gallery item, length {@code G}
   * @param topK how many gallery indices to keep per query (0 for none)
   * @return metrics, first relevant ranks and optional top-k lists
   * @throws IllegalArgumentException on shape or id-count mismatches, NaN scores, or no relevant
   *     item
   */
  public Result evaluate(
      INDArray queries, long[] queryIds, INDArray gallery, long[] galleryIds, int topK) {
    checkEmbeddings(queries, gallery);
    if (queries.rows() != queryIds.length) {
      throw new IllegalArgumentException(
          "queries has "
              + queries.rows()
              + " rows but there are "
              + queryIds.length
              + " query ids");
    }
    if (gallery.rows() != galleryIds.length) {
      throw new IllegalArgumentException(
          "gallery has "
              + gallery.rows()
              + " rows but there are "
              + galleryIds.length
              + " gallery ids");
    }
    return evaluate(dotProduct(queries, gallery), queryIds, galleryIds, topK);
  }

  /**
   * Evaluates with a custom scorer (e.g. a global score plus a set-alignment term).
   *
   * @param scorer produces {@code [chunk, G]} score blocks
   * @param queryIds person id per query, length {@code Q}
   * @param galleryIds person id per gallery item, length {@code G}
   * @param topK how many gallery indices to keep per query (0 for none)
   * @return metrics, first relevant ranks and optional top-k lists
   */
  public Result evaluate(Scorer scorer, long[] queryIds, long[] galleryIds, int topK) {
    if (galleryIds.length == 0) {
      throw new IllegalArgumentException("the gallery is empty");
    }
    RelevanceIndex index = new RelevanceIndex(galleryIds);
    int q = queryIds.length;
    int[][] ranks = new int[q][];
    int[][] tops = topK > 0 ? new int[q][] : null;
    forEachRow(
        scorer,
        q,
        galleryIds.length,
        (i, row) -> {
          ranks[i] = Retrieval.ranksOrExplain(row, index.relevant(queryIds[i]), i);
          if (tops != null) {
            tops[i] = Ranking.topK(row, topK);
          }
        });
    RetrievalMetrics.Accumulator acc = new RetrievalMetrics.Accumulator();
    int[] first = new int[q];
    for (int i = 0; i < q; i++) {
      acc.add(ranks[i]);
      first[i] = ranks[i].length == 0 ? 0 : ranks[i][0];
    }
    return new Result(acc.result(), first, tops);
  }

  /**
   * Top-k search without ids (e.g. for query texts against a gallery).
   *
   * @param queries query embeddings {@code [Q, D]}
   * @param gallery gallery embeddings {@code [G, D]}
   * @param k results per query
   * @return best gallery indices per query, ties by index
   */
  public int[][] topK(INDArray queries, INDArray gallery, int k) {
    checkEmbeddings(queries, gallery);
    return topK(dotProduct(queries, gallery), (int) queries.rows(), (int) gallery.rows(), k);
  }

  /**
   * Top-k search with a custom scorer.
   *
   * @param scorer produces {@code [chunk, G]} score blocks
   * @param queryCount {@code Q}
   * @param gallerySize {@code G}
   * @param k results per query
   * @return best gallery indices per query, ties by index
   */
  public int[][] topK(Scorer scorer, int queryCount, int gallerySize, int k) {
    return topKWithScores(scorer, queryCount, gallerySize, k).indices();
  }

  /**
   * Top-k indices and their scores per query.
   *
   * @param indices best gallery indices per query, best first, ties by index
   * @param scores the scores of those items, same layout
   */
  public record Top(int[][] indices, double[][] scores) {}

  /**
   * Top-k search with a custom scorer, keeping the scores of the hits (so a caller never has to
   * score a query against the whole gallery a second time to report them).
   *
   * @param scorer produces {@code [chunk, G]} score blocks
   * @param queryCount {@code Q}
   * @param gallerySize {@code G}
   * @param k results per query
   * @return best gallery indices per query with their scores
   */
  public Top topKWithScores(Scorer scorer, int queryCount, int gallerySize, int k) {
    int[][] tops = new int[queryCount][];
    double[][] scores = new double[queryCount][];
    forEachRow(
        scorer,
        queryCount,
        gallerySize,
        (i, row) -> {
          int[] t = Ranking.topK(row, k);
          double[] v = new double[t.length];
          for (int j = 0; j < t.length; j++) {
            v[j] = row[t[j]];
          }
          tops[i] = t;
          scores[i] = v;
        });
    return new Top(tops, scores);
  }

  /**
   * Dot-product scorer: {@code G × Q[from:to]ᵀ} computed by one GEMM into a reused column-major
   * {@code [G, chunk]} buffer, whose transpose is the {@code [chunk, G]} block (each query's scores
   * contiguous, no copy of the gallery).
   *
   * @param queries {@code [Q, D]}
   * @param gallery {@code [G, D]}
   * @return a scorer for chunks of {@code queries}; not thread-safe
   */
  public static Scorer dotProduct(INDArray queries, INDArray gallery) {
    DataType t = gallery.dataType() == DataType.DOUBLE ? DataType.DOUBLE : DataType.FLOAT;
    INDArray g = gallery.dataType() == t ? gallery : gallery.castTo(t);
    INDArray q = queries.dataType() == t ? queries : queries.castTo(t);
    long gRows = g.rows();
    INDArray[] buffer = new INDArray[1];
    return (from, to) -> {
      int n = to - from;
      if (buffer[0] == null || buffer[0].columns() != n) {
        buffer[0] = Nd4j.createUninitialized(t, new long[] {gRows, n}, 'f');
      }
      INDArray qc = q.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
      Nd4j.gemm(g, qc, buffer[0], false, true, 1.0, 0.0);
      return buffer[0].transpose();
    };
  }

  @FunctionalInterface
  private interface RowBody {
    void accept(int query, double[] row);
  }

  /**
   * The rows of one score block: the chunk size, lowered so that a {@code [rows, G]} block stays
   * addressable with int indices (fewer than 2^31 elements), whatever the gallery size.
   *
   * @param chunkSize the requested chunk size
   * @param gallerySize {@code G}
   * @return rows per block, at least 1
   */
  static int blockRows(int chunkSize, long gallerySize) {
    long fit = (Integer.MAX_VALUE - 8L) / Math.max(1, gallerySize);
    return (int) Math.max(1, Math.min(chunkSize, fit));
  }

  private void forEachRow(Scorer scorer, int q, int g, RowBody body) {
    ThreadLocal<double[]> buffers = ThreadLocal.withInitial(() -> new double[g]);
    int rows = blockRows(chunkSize, g);
    for (int from = 0; from < q; from += rows) {
      int to = Math.min(q, from + rows);
      INDArray s = scorer.score(from, to);
      if (s.rank() != 2 || s.rows() != to - from || s.columns() != g) {
        throw new IllegalStateException(
            "scorer returned shape "
                + Arrays.toString(s.shape())
                + " for queries ["
                + from
                + ","
                + to
                + "), expected ["
                + (to - from)
                + ", "
                + g
                + "]");
      }
      StridedMatrix m = StridedMatrix.of(s);
      int base = from;
      IntStream.range(from, to)
          .parallel()
          .forEach(
              i -> {
                double[] row = buffers.get();
                m.copyRow(i - base, row);
                body.accept(i, row);
              });
    }
  }

  private static void checkEmbeddings(INDArray queries, INDArray gallery) {
    if (queries.rank() != 2 || gallery.rank() != 2) {
      throw new IllegalArgumentException(
          "embeddings must be 2-D: queries "
              + Arrays.toString(queries.shape())
              + ", gallery "
              + Arrays.toString(gallery.shape()));
    }
    if (queries.columns() != gallery.columns()) {
      throw new IllegalArgumentException(
          "embedding sizes differ: queries D="
              + queries.columns()
              + ", gallery D="
              + gallery.columns());
    }
    if (gallery.rows() == 0) {
      throw new IllegalArgumentException("the gallery is empty");
    }
  }
}
