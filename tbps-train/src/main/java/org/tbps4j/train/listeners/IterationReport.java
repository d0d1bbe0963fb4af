package org.tbps4j.train.listeners;

import java.util.Map;

/**
 * What happened in one optimiser step.
 *
 * @param iteration the step just done (0-based over the whole run)
 * @param stage stage index
 * @param stageName stage name
 * @param epoch epoch index over the whole run (0-based)
 * @param batchInEpoch index of this batch within its epoch
 * @param batchesPerEpoch batches in one epoch
 * @param totalIterations planned steps of the whole run
 * @param batchSize samples in the batch
 * @param learningRate the learning rate used
 * @param terms the value of every loss term (keys {@code loss/<name>}) and {@code loss/total}
 * @param seconds wall time of the step, data waiting included
 */
public record IterationReport(
    long iteration,
    int stage,
    String stageName,
    int epoch,
    int batchInEpoch,
    int batchesPerEpoch,
    long totalIterations,
    int batchSize,
    double learningRate,
    Map<String, Double> terms,
    double seconds) {}
