package org.tbps4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** One score block of {@link ChunkedRetrieval} stays under 2^31 elements for any gallery size. */
class BlockRowsTest {
  @Test
  void theChunkIsLoweredForHugeGalleriesOnly() {
    assertEquals(1024, ChunkedRetrieval.blockRows(1024, 1000));
    assertEquals(1024, ChunkedRetrieval.blockRows(1024, 2_000_000));
    // 1024 x 3,000,000 = 3.07e9 elements would overflow int indexing: 715 rows fit
    assertEquals(715, ChunkedRetrieval.blockRows(1024, 3_000_000));
    assertEquals(1, ChunkedRetrieval.blockRows(1024, 1L << 40));
  }
}
