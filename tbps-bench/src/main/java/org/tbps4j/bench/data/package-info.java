/**
 * Data-pipeline throughput: the training iterator from disk and the image decoders ({@link
 * org.tbps4j.bench.data.DataBenchmark}).
 */
package org.tbps4j.bench.data;
