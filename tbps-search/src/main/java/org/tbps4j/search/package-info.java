/**
 * Inference, in one place: {@link org.tbps4j.search.ModelBundle} (a trained model with its
 * vocabulary and preprocessing; {@link org.tbps4j.search.ModelBundle#imageLoop} and {@link
 * org.tbps4j.search.ModelBundle#splitLoop} give the project's one image-embedding loop, {@link
 * org.tbps4j.model.search.ImageEmbedding}, for files and for a dataset split), {@link
 * org.tbps4j.search.IndexBuilder} (fills a persistent index), {@link org.tbps4j.search.Searcher}
 * (text query to ranked images) and {@link org.tbps4j.search.SafeImages} (how image files are
 * opened: relative paths inside a root, a pixel limit, re-encoded thumbnails). See docs/search.md.
 */
package org.tbps4j.search;
