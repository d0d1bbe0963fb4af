package org.tbps4j.data;

/** Reader for CUHK-PEDES (reid_raw.json / caption_all.json; image path key file_path). */
public final class CuhkPedesRecordReader extends PedesRecordReader {
  private static final long serialVersionUID = 1L;

  /**
   * Creates a reader; call {@link #initialize(java.nio.file.Path)} with the annotation file.
   *
   * @param options reading options
   */
  public CuhkPedesRecordReader(ReadOptions options) {
    super(DatasetFormat.CUHK_PEDES, options);
  }
}
