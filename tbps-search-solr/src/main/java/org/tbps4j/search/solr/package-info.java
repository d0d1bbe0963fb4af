/**
 * The gallery index as a SolrCloud collection: {@link org.tbps4j.search.solr.SolrIndex} (a SolrJ
 * client behind tbps-search's {@link org.tbps4j.search.index.VectorIndex}) and its {@link
 * org.tbps4j.search.solr.SolrIndexProvider}, found by {@code tbps --solr URL --collection NAME}.
 * Solr shards, replicates and runs the HNSW search; TBPS4J embeds and queries. See docs/search.md.
 */
package org.tbps4j.search.solr;
