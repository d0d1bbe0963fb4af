/**
 * Inference: {@link org.tbps4j.model.search.Embedder} (batched, inference-mode embeddings), {@link
 * org.tbps4j.model.search.ImageEmbedding} (the project's one loop that decodes images in batches
 * ahead on worker threads and embeds them, with {@link org.tbps4j.model.search.Progress}), {@link
 * org.tbps4j.model.search.Gallery} (saved embeddings + ids + paths, top-k search) and the eager ESA
 * set similarity.
 */
package org.tbps4j.model.search;
