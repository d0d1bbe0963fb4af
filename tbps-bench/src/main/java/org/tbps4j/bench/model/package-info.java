/**
 * Forward and training-step time of the dual-path network per preset on random inputs ({@link
 * org.tbps4j.bench.model.ModelBenchmark}).
 */
package org.tbps4j.bench.model;
