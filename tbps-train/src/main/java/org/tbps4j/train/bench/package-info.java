/**
 * The training-throughput benchmark: the real model, loss mix and optimiser of a run config on
 * random inputs ({@link org.tbps4j.train.bench.TrainBenchmark}).
 */
package org.tbps4j.train.bench;
