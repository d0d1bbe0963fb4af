/**
 * The synthetic pedestrian dataset: {@link org.tbps4j.data.synth.SyntheticDataset} (generator,
 * CUHK-PEDES layout), its {@link org.tbps4j.data.synth.Attribute}s and {@link
 * org.tbps4j.data.synth.Identity}s, the {@link org.tbps4j.data.synth.CaptionGrammar}, the Java2D
 * {@code PedestrianRenderer}, the {@link org.tbps4j.data.synth.Oracle} (a perfect attribute
 * matcher's metrics), {@link org.tbps4j.data.synth.SynthAttributes} (reads attributes.json back)
 * and the README's {@link org.tbps4j.data.synth.ContactSheet}.
 */
package org.tbps4j.data.synth;
