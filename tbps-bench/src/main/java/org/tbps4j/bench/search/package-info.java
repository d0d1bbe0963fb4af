/**
 * Search cost once a query is embedded: top-k over in-memory galleries ({@link
 * org.tbps4j.bench.search.SearchBenchmark}) and the persistent Lucene index with its HTTP server
 * under load ({@link org.tbps4j.bench.search.IndexBenchmark}).
 */
package org.tbps4j.bench.search;
