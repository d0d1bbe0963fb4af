/**
 * Iterators: {@link org.tbps4j.data.iter.PkTrainingIterator} (the training {@code
 * MultiDataSetIterator}: P×K batches, async prefetch, augmentation, deterministic and resumable at
 * any epoch/batch) and the evaluation iterators {@link org.tbps4j.data.iter.GalleryIterator}
 * (unique images of a split) and {@link org.tbps4j.data.iter.QueryIterator} (caption queries).
 */
package org.tbps4j.data.iter;
