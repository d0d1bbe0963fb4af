package org.tbps4j.search.index;

/** How an index answers a query. */
public enum SearchMode {
  /** Approximate nearest neighbours through the HNSW graph (fast). */
  HNSW,
  /** Every vector scored (the ground truth for recall). */
  EXACT
}
