/**
 * A pretrained, frozen text tower for the text path: all-MiniLM-L6-v2 (6-layer, 384-wide,
 * Apache-2.0) carried as two class-path resources by a Maven Central artifact ({@link
 * org.tbps4j.text.TowerFiles}), its BERT WordPiece tokenizer written here ({@link
 * org.tbps4j.text.WordPieceTokenizer}), run through ONNX Runtime ({@link
 * org.tbps4j.text.TextTower}) to token-level features ({@link org.tbps4j.text.TokenFeatures},
 * {@code [N, L, 384]} plus real lengths), which are computed once per caption and cached beside the
 * dataset ({@link org.tbps4j.text.FeatureCache}). A trainable head on the features lives in the
 * model module ({@code org.tbps4j.model.layers.TokenFeatureHead}). See docs/text-encoder.md.
 */
package org.tbps4j.text;
