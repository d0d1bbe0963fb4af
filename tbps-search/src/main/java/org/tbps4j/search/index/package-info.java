/**
 * Persistent gallery indexes: the {@link org.tbps4j.search.index.VectorIndex} interface, the
 * embedded {@link org.tbps4j.search.index.LuceneIndex} (Lucene 9.12, HNSW, dot product on unit
 * vectors) and the lookup of other backends ({@link org.tbps4j.search.index.VectorIndexProvider},
 * e.g. SolrCloud from tbps-search-solr). See docs/search.md.
 */
package org.tbps4j.search.index;
