/**
 * Iterators: {@link org.tbps4j.data.iter.PkTrainingIterator} (the training iterator: P×K batches as
 * named {@link org.tbps4j.data.iter.TrainingBatch}es, image and text augmentation, async prefetch,
 * deterministic and resumable at any epoch/batch) and the evaluation iterators {@link
 * org.tbps4j.data.iter.GalleryIterator} (unique images of a split) and {@link
 * org.tbps4j.data.iter.QueryIterator} (caption queries).
 */
package org.tbps4j.data.iter;
