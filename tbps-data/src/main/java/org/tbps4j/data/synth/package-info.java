/**
 * The synthetic pedestrian datasets (docs/synthetic-data.md): {@link
 * org.tbps4j.data.synth.SyntheticDataset} (generator, CUHK-PEDES layout, atomic write) in one of
 * the {@link org.tbps4j.data.synth.World}s, their {@link org.tbps4j.data.synth.Attribute}s and
 * {@link org.tbps4j.data.synth.Identity}s, the {@link org.tbps4j.data.synth.Shot} of each picture
 * (view, occluder, what it hides), the caption grammars ({@link
 * org.tbps4j.data.synth.CaptionGrammar} for the studio, {@code StreetGrammar} for the street), the
 * Java2D renderers ({@code PedestrianRenderer}, {@code StreetRenderer}), the {@link
 * org.tbps4j.data.synth.Oracle} (a perfect attribute matcher's metrics), {@link
 * org.tbps4j.data.synth.SynthAttributes} (reads attributes.json back) and the README's {@link
 * org.tbps4j.data.synth.ContactSheet}. The rule of every world: every attribute a caption mentions
 * is legible at the size it is rendered.
 */
package org.tbps4j.data.synth;
