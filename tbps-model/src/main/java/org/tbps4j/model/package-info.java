/**
 * The dual-path text-based person search model: {@link org.tbps4j.model.ModelConfig}, {@link
 * org.tbps4j.model.TbpsModel} (graph, modes, stage I/II freezing, attachments, save/load), {@link
 * org.tbps4j.model.GraphNames} (every graph name other modules use), batch-norm statistics and the
 * token-side helpers (lookup placeholders, shift augmentation).
 */
package org.tbps4j.model;
