/**
 * Model benchmarks (forward and train-step times per preset) and their stand-in loss, and the
 * measuring tools of the training benchmark: FLOP counting from the executed graph ({@link
 * org.tbps4j.model.bench.FlopCounter}), per-op-type time ({@link org.tbps4j.model.bench.OpTimer})
 * and the sgemm peak ({@link org.tbps4j.model.bench.GemmPeak}).
 */
package org.tbps4j.model.bench;
