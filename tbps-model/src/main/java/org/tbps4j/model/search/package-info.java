/**
 * Inference: {@link org.tbps4j.model.search.Embedder} (batched, inference-mode embeddings), {@link
 * org.tbps4j.model.search.Gallery} (saved embeddings + ids + paths, top-k search) and the eager ESA
 * set similarity.
 */
package org.tbps4j.model.search;
