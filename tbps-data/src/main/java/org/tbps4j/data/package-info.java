/**
 * Dataset reading: the three annotation formats ({@link org.tbps4j.data.DatasetFormat}) read by
 * DataVec record readers sharing {@link org.tbps4j.data.PedesRecordReader} (Jackson streaming), the
 * loaded {@link org.tbps4j.data.PedesDataset} (per-split records, validation problems, the train
 * class mapping), and the bad-input rules of docs/data.md ({@link org.tbps4j.data.ProblemKind}).
 */
package org.tbps4j.data;
