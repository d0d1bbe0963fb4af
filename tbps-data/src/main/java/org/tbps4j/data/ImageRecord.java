package org.tbps4j.data;

import java.util.List;

/**
 * One image entry of an annotation file with its usable captions.
 *
 * @param split the split of the image's identity
 * @param personId the person id as written in the annotation file
 * @param imagePath image path relative to the dataset root, {@code /}-separated, normalised
 * @param entryIndex 0-based index of the entry in the annotation file
 * @param captions the entry's non-blank captions (possibly none: the image is still part of the
 *     gallery)
 */
public record ImageRecord(
    Split split, long personId, String imagePath, int entryIndex, List<CaptionRecord> captions) {

  /**
   * Copies the caption list.
   *
   * @throws IllegalArgumentException if a caption belongs to another image
   */
  public ImageRecord {
    captions = List.copyOf(captions);
    for (CaptionRecord c : captions) {
      if (!c.imagePath().equals(imagePath) || c.personId() != personId || c.split() != split) {
        throw new IllegalArgumentException(
            "caption " + c + " does not belong to image " + imagePath);
      }
    }
  }

  /**
   * The same image in another split (captions moved along), for val carving.
   *
   * @param newSplit the new split
   * @return the moved record
   */
  public ImageRecord inSplit(Split newSplit) {
    return new ImageRecord(
        newSplit,
        personId,
        imagePath,
        entryIndex,
        captions.stream()
            .map(
                c ->
                    new CaptionRecord(
                        newSplit,
                        c.personId(),
                        c.imagePath(),
                        c.entryIndex(),
                        c.captionIndex(),
                        c.caption()))
            .toList());
  }
}
