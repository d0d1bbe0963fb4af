/**
 * Inference, in one place: {@link org.tbps4j.search.ModelBundle} (a trained model with its
 * vocabulary and preprocessing), {@link org.tbps4j.search.ImageEmbedding} (the one loop that embeds
 * image files), {@link org.tbps4j.search.IndexBuilder} (fills a persistent index), {@link
 * org.tbps4j.search.Searcher} (text query to ranked images) and {@link
 * org.tbps4j.search.SafeImages} (how image files are opened: relative paths inside a root, a pixel
 * limit, re-encoded thumbnails). See docs/search.md.
 */
package org.tbps4j.search;
