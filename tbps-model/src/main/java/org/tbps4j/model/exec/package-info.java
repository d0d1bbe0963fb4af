/**
 * A cheaper SameDiff M2.1 training step ({@link org.tbps4j.model.exec.FastExecution}): the same
 * computation as {@code SameDiff.fit}, with less of the executor's per-step bookkeeping, reached by
 * subclassing M2.1's training session (see docs/samediff-executor.md).
 */
package org.tbps4j.model.exec;
