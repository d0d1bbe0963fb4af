/**
 * Sampling: the {@link org.tbps4j.data.sample.PkSampler} (P identities × K samples per batch,
 * deterministic for a seed and epoch) and {@link org.tbps4j.data.sample.Seeds} (position-derived
 * seeds, so random choices never depend on thread timing).
 */
package org.tbps4j.data.sample;
