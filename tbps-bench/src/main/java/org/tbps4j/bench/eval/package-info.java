/**
 * Time and memory of the retrieval metrics at the benchmarks' test-split sizes ({@link
 * org.tbps4j.bench.eval.MetricsBenchmark}).
 */
package org.tbps4j.bench.eval;
