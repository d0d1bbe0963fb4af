package org.tbps4j.data;

/** Reader for RSTPReid (data_captions.json; image path key img_path). */
public final class RstpReidRecordReader extends PedesRecordReader {
  private static final long serialVersionUID = 1L;

  /**
   * Creates a reader; call {@link #initialize(java.nio.file.Path)} with the annotation file.
   *
   * @param options reading options
   */
  public RstpReidRecordReader(ReadOptions options) {
    super(DatasetFormat.RSTPREID, options);
  }
}
