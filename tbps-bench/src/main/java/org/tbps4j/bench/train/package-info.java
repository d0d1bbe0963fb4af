/**
 * The training-throughput benchmark: the real model, loss mix and optimiser of a run config on
 * random inputs ({@link org.tbps4j.bench.train.TrainBenchmark}), its report over presets and batch
 * sizes with the MFU ({@link org.tbps4j.bench.train.TrainReport}), and the PyTorch peer it is
 * compared with ({@link org.tbps4j.bench.train.TorchPeer}).
 */
package org.tbps4j.bench.train;
