package org.tbps4j.data;

import java.util.List;
import org.datavec.api.writable.IntWritable;
import org.datavec.api.writable.LongWritable;
import org.datavec.api.writable.Text;
import org.datavec.api.writable.Writable;
import org.tbps4j.data.text.Tokenizer;

/**
 * One image–caption pair: the unit of training samples and of evaluation queries.
 *
 * @param split the split of the pair's identity
 * @param personId the person id as written in the annotation file (CUHK-PEDES ids start at 1,
 *     ICFG-PEDES ids at 0)
 * @param imagePath image path relative to the dataset root, {@code /}-separated, normalised (e.g.
 *     {@code imgs/CUHK01/0107002.png})
 * @param entryIndex 0-based index of the image's entry in the annotation file
 * @param captionIndex 0-based index of the caption in the entry's {@code captions} list
 * @param caption the caption text (never blank)
 */
public record CaptionRecord(
    Split split,
    long personId,
    String imagePath,
    int entryIndex,
    int captionIndex,
    String caption) {

  /** Column names of the DataVec form ({@link #toWritables()}), in order. */
  public static final List<String> COLUMNS =
      List.of("split", "person_id", "image_path", "entry", "caption_index", "caption");

  /**
   * The caption's tokens ({@link Tokenizer#tokenize}), computed on each call.
   *
   * @return the tokens
   */
  public List<String> tokens() {
    return Tokenizer.tokenize(caption);
  }

  /**
   * The DataVec record: {@code [Text split, LongWritable person_id, Text image_path, IntWritable
   * entry, IntWritable caption_index, Text caption]}.
   *
   * @return the writables, in {@link #COLUMNS} order
   */
  public List<Writable> toWritables() {
    return List.of(
        new Text(split.jsonName()),
        new LongWritable(personId),
        new Text(imagePath),
        new IntWritable(entryIndex),
        new IntWritable(captionIndex),
        new Text(caption));
  }

  /**
   * Rebuilds a record from its DataVec form.
   *
   * @param w writables in {@link #COLUMNS} order
   * @return the record
   * @throws IllegalArgumentException if the list does not have the six columns
   */
  public static CaptionRecord fromWritables(List<Writable> w) {
    if (w.size() != COLUMNS.size()) {
      throw new IllegalArgumentException(
          "a caption record has " + COLUMNS.size() + " columns " + COLUMNS + ", got " + w.size());
    }
    return new CaptionRecord(
        Split.fromName(w.get(0).toString()),
        w.get(1).toLong(),
        w.get(2).toString(),
        w.get(3).toInt(),
        w.get(4).toInt(),
        w.get(5).toString());
  }
}
