/**
 * Caption text: the {@link org.tbps4j.data.text.Tokenizer} (lower-case, strip punctuation,
 * whitespace split) and the {@link org.tbps4j.data.text.Vocabulary} (PAD = 0, UNK = 1, train words
 * with count ≥ 3 by descending count then alphabetically; saved as JSON with the model).
 */
package org.tbps4j.data.text;
