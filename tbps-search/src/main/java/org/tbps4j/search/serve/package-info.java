/**
 * {@code tbps serve}: {@link org.tbps4j.search.serve.SearchServer} (the HTTP API, the search page,
 * authentication and limits) and {@link org.tbps4j.search.serve.ServerConfig}. See docs/search.md.
 */
package org.tbps4j.search.serve;
