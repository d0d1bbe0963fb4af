/**
 * The losses of text-based person search as SameDiff compositions of stock ops, each with an eager
 * float64 twin on INDArrays (docs/losses.md).
 *
 * <ul>
 *   <li>{@link org.tbps4j.loss.Loss}: the interface — {@code define(sd, inputs)} adds the scalar
 *       {@code loss/<name>}, {@code compute(arrays)} is the eager twin, {@code writeParameters(sd)}
 *       changes hyperparameters on a built graph.
 *   <li>The nine losses: {@link org.tbps4j.loss.InstanceLoss}, {@link org.tbps4j.loss.RankingLoss}
 *       (Dual-Path), {@link org.tbps4j.loss.CmpmLoss}, {@link org.tbps4j.loss.CmpcLoss}
 *       (CMPM/CMPC), {@link org.tbps4j.loss.MamLoss}, {@link org.tbps4j.loss.PswLoss} (MAM + PSW),
 *       {@link org.tbps4j.loss.SnLoss} (support neighbor), {@link org.tbps4j.loss.AsmLoss}
 *       (adaptive semantic margin, the project's reading), {@link org.tbps4j.loss.SdmLoss} (IRRA).
 *   <li>{@link org.tbps4j.loss.Losses} / {@link org.tbps4j.loss.LossType}: creation by registry
 *       name with validated parameters.
 *   <li>{@link org.tbps4j.loss.LossMix}: a weighted sum producing {@code loss/total} with every
 *       term named for logging.
 *   <li>{@link org.tbps4j.loss.LossInputs} (graph) and {@link org.tbps4j.loss.LossArrays} (eager):
 *       {@code X [N,D]}, {@code T [N,D]}, ids {@code y [N]}, optional {@code W [D,C]}, {@code b
 *       [C]}, {@code S [N,N]}.
 *   <li>{@link org.tbps4j.loss.LossNames}: every graph variable name.
 * </ul>
 *
 * <p>This module depends on ND4J only. Conventions common to all losses: per-anchor terms are
 * averaged over anchors; "both directions" are added; normalisation is {@code v/sqrt(|v|² + 1e-16)}
 * so zero vectors stay finite; anchors without a negative in the batch are left out of the
 * hardest-negative losses' means.
 */
package org.tbps4j.loss;
