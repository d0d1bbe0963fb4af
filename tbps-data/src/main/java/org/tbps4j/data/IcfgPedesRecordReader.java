package org.tbps4j.data;

/**
 * Reader for ICFG-PEDES (ICFG-PEDES.json; image path key file_path; no val split: PedesDataset
 * carves one out of train by identity).
 */
public final class IcfgPedesRecordReader extends PedesRecordReader {
  private static final long serialVersionUID = 1L;

  /**
   * Creates a reader; call {@link #initialize(java.nio.file.Path)} with the annotation file.
   *
   * @param options reading options
   */
  public IcfgPedesRecordReader(ReadOptions options) {
    super(DatasetFormat.ICFG_PEDES, options);
  }
}
