package org.tbps4j.data.iter;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tbps4j.data.CaptionRecord;
import org.tbps4j.data.PedesDataset;
import org.tbps4j.data.Split;
import org.tbps4j.data.text.Vocabulary;

/**
 * Evaluation: the caption queries of a split, in file order (every caption is a query,
 * docs/metrics.md), as token batches. Batch {@code b} holds queries {@code [b·batchSize,
 * min((b+1)·batchSize, Q))}.
 */
public final class QueryIterator implements Iterator<QueryIterator.Batch> {
  private final List<CaptionRecord> captions;
  private final Vocabulary vocabulary;
  private final int maxLength;
  private final int batchSize;
  private int next;

  /**
   * One batch of queries.
   *
   * @param tokens INT32 {@code [n, L]}, padded with {@link Vocabulary#PAD}
   * @param personIds person id of each query, length n
   * @param offset query index of the first row
   */
  public record Batch(INDArray tokens, long[] personIds, int offset) {}

  /**
   * Creates the iterator.
   *
   * @param dataset the dataset
   * @param split the split whose captions are the queries
   * @param vocabulary encoding
   * @param maxLength token length L (≥ 1)
   * @param batchSize queries per batch (≥ 1)
   * @throws IllegalArgumentException on {@code maxLength} or {@code batchSize} below 1
   */
  public QueryIterator(
      PedesDataset dataset, Split split, Vocabulary vocabulary, int maxLength, int batchSize) {
    if (batchSize < 1 || maxLength < 1) {
      throw new IllegalArgumentException(
          "batch size and max length must be >= 1, got " + batchSize + " and " + maxLength);
    }
    this.captions = dataset.captions(split);
    this.vocabulary = vocabulary;
    this.maxLength = maxLength;
    this.batchSize = batchSize;
  }

  /**
   * Person ids of all queries, in query order.
   *
   * @param dataset the dataset
   * @param split the split
   * @return one id per caption
   */
  public static long[] personIds(PedesDataset dataset, Split split) {
    return dataset.captions(split).stream().mapToLong(CaptionRecord::personId).toArray();
  }

  /**
   * Number of queries.
   *
   * @return Q
   */
  public int size() {
    return captions.size();
  }

  @Override
  public boolean hasNext() {
    return next < captions.size();
  }

  @Override
  public Batch next() {
    if (!hasNext()) {
      throw new NoSuchElementException("queries exhausted");
    }
    int from = next;
    int n = Math.min(batchSize, captions.size() - from);
    int[] tok = new int[n * maxLength];
    long[] ids = new long[n];
    for (int i = 0; i < n; i++) {
      CaptionRecord c = captions.get(from + i);
      System.arraycopy(vocabulary.encode(c.tokens(), maxLength), 0, tok, i * maxLength, maxLength);
      ids[i] = c.personId();
    }
    next += n;
    return new Batch(Nd4j.createFromArray(tok).reshape(n, maxLength), ids, from);
  }
}
