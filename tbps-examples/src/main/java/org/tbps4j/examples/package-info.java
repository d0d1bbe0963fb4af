/**
 * Small programs that use the public API as an outside project would, read in order ({@code Ex1…},
 * {@code Ex2…}); each is run by a test that asserts its result.
 *
 * <ul>
 *   <li>{@link org.tbps4j.examples.Ex1LossesOnYourArrays}: the MAM + PSW objective on your own
 *       arrays with tbps-loss alone — eagerly, and as a SameDiff graph with gradients.
 * </ul>
 */
package org.tbps4j.examples;
