package org.tbps4j.data;

/** How thoroughly {@link PedesDataset#load} checks the image files. */
public enum ImageCheck {
  /** No check: images are first opened by the iterators. */
  NONE,
  /** The file exists and is a regular file. */
  EXISTS,
  /** The file exists and its header can be read (format and size known). Cheap. */
  HEADER,
  /** The whole image is decoded. What {@code tbps data validate} does by default. */
  DECODE
}
