/**
 * Caption text: the {@link org.tbps4j.data.text.Tokenizer} (lower-case, strip punctuation,
 * whitespace split), the {@link org.tbps4j.data.text.Vocabulary} (PAD = 0, UNK = 1, train words
 * with count ≥ 3 by descending count then alphabetically; saved as JSON with the model), the text
 * augmentation {@link org.tbps4j.data.text.TokenShift}, and the {@link
 * org.tbps4j.data.text.CaptionEncoder} contract of pretrained text towers.
 */
package org.tbps4j.data.text;
