package org.tbps4j.search.index;

/**
 * One search result.
 *
 * @param image the indexed image
 * @param score cosine similarity of the query and the image ({@code [-1, 1]})
 */
public record IndexHit(IndexedImage image, double score) {}
