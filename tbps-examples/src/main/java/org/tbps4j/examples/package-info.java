/**
 * Small programs that use the public API as an outside project would, read in order; each is run by
 * a test that asserts its result (on tiny synthetic data).
 *
 * <ol>
 *   <li>{@link org.tbps4j.examples.Ex1LossesOnYourArrays}: the MAM + PSW objective on your own
 *       arrays with tbps-loss alone — eagerly, and as a SameDiff graph with gradients.
 *   <li>{@link org.tbps4j.examples.Ex2ReadDataAndIterateBatches}: read a CUHK-PEDES-layout dataset
 *       with the DataVec record reader and iterate P×K training batches.
 *   <li>{@link org.tbps4j.examples.Ex3TrainATinyDualPath}: build the tiny dual-path network, add a
 *       loss mix and train it for a few steps with SameDiff's {@code fit}.
 *   <li>{@link org.tbps4j.examples.Ex4EmbedAGalleryAndSearchIt}: embed a split's images into a
 *       gallery with a trained model, save it, and search it with a sentence.
 *   <li>{@link org.tbps4j.examples.Ex5ArbiterSweep}: a small Arbiter grid search over a loss
 *       parameter, picked by validation R@1.
 *   <li>{@link org.tbps4j.examples.Ex6DashboardListener}: record the DL4J training dashboard's
 *       stats of a run and read them back.
 * </ol>
 *
 * {@link org.tbps4j.examples.ExampleData} gives the {@code main} methods a dataset: a folder named
 * on the command line, or generated synthetic people.
 */
package org.tbps4j.examples;
