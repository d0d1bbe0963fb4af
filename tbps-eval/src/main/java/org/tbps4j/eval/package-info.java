/**
 * Retrieval metrics for text-based person search, following the project's evaluation protocol
 * (docs/metrics.md): every caption is a query, every image of the split is in the gallery, and a
 * gallery item is relevant when it shows the same person id.
 *
 * <ul>
 *   <li>{@link org.tbps4j.eval.Ranking}: pure functions from one similarity row to the 1-based
 *       ranks of the relevant items (ties by gallery index) and to top-k lists.
 *   <li>{@link org.tbps4j.eval.RetrievalMetrics}: R@1/5/10, mAP, mINP and the query counts.
 *   <li>{@link org.tbps4j.eval.Retrieval}: metrics over a whole similarity matrix given as {@code
 *       double[][]} or an {@code INDArray}.
 *   <li>{@link org.tbps4j.eval.ChunkedRetrieval}: metrics and top-k from query and gallery
 *       embeddings without materialising the full query×gallery matrix.
 * </ul>
 *
 * <p>This module depends on ND4J only and can be used on its own.
 */
package org.tbps4j.eval;
