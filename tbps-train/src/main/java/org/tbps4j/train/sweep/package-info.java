/**
 * Hyperparameter sweeps on Arbiter: a sweep file ({@link org.tbps4j.train.sweep.SweepConfig},
 * checked against its base training config by {@link org.tbps4j.train.sweep.SweepPlan}) names
 * numeric config paths and their ranges; {@link org.tbps4j.train.sweep.Sweep} trains the candidates
 * of a random or grid search, scores each by its best <em>validation</em> R@1 (the test split is
 * never evaluated), and writes the results table, the best training config and an HTML report.
 *
 * <p>Arbiter supplies the generators, the runner, the termination conditions and the result-saving
 * hook; this package supplies the parameter space ({@link org.tbps4j.train.sweep.SweepSpace}), the
 * task creator that runs the {@link org.tbps4j.train.Trainer}, the score function ({@link
 * org.tbps4j.train.sweep.ValidationScore}) and the table ({@link
 * org.tbps4j.train.sweep.SweepResults}).
 */
package org.tbps4j.train.sweep;
