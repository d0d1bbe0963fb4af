package org.tbps4j.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.datavec.api.writable.Writable;
import org.tbps4j.data.CaptionRecord;
import org.tbps4j.data.CuhkPedesRecordReader;
import org.tbps4j.data.DatasetFormat;
import org.tbps4j.data.PedesDataset;
import org.tbps4j.data.ReadOptions;
import org.tbps4j.data.image.Augmentation;
import org.tbps4j.data.image.ImageLoader;
import org.tbps4j.data.image.ImageSettings;
import org.tbps4j.data.iter.PkTrainingIterator;
import org.tbps4j.data.iter.TrainingBatch;
import org.tbps4j.data.text.Vocabulary;

/**
 * Example 2: read a dataset in CUHK-PEDES layout ({@code reid_raw.json} + {@code imgs/}) and turn
 * its training split into P×K batches. The same code reads the real CUHK-PEDES; ICFG-PEDES and
 * RSTPReid have their own readers ({@code IcfgPedesRecordReader}, {@code RstpReidRecordReader}).
 *
 * <ol>
 *   <li>The DataVec record reader streams the annotation file: one record per image–caption pair,
 *       six columns ({@link CaptionRecord#COLUMNS}). Bad entries are skipped and listed, never
 *       silently dropped.
 *   <li>{@link PedesDataset} reads the whole dataset (splits, vocabulary, class indices) and checks
 *       it is usable for training.
 *   <li>{@link PkTrainingIterator} hands out batches of P identities × K image–caption pairs, each
 *       a {@link TrainingBatch}: images {@code [P·K, 3, H, W]}, tokens {@code [P·K, L]}, class
 *       indices {@code [P·K]}.
 * </ol>
 *
 * Run it with a dataset folder as argument, or without one to generate synthetic people.
 */
public final class Ex2ReadDataAndIterateBatches {
  private Ex2ReadDataAndIterateBatches() {}

  /**
   * What the example saw.
   *
   * @param recordsPerSplit image–caption records read by the record reader, per split name
   * @param problems problems the reader reported (bad entries it skipped)
   * @param vocabularySize words in the training vocabulary (with PAD and UNK)
   * @param imageShape shape of a batch's images
   * @param tokenShape shape of a batch's tokens
   * @param batchLabels the class indices of each batch, in row order
   */
  public record Result(
      Map<String, Integer> recordsPerSplit,
      int problems,
      int vocabularySize,
      long[] imageShape,
      long[] tokenShape,
      List<int[]> batchLabels) {}

  /**
   * Runs the example.
   *
   * @param root dataset root in CUHK-PEDES layout
   * @param p identities per batch
   * @param k image–caption pairs per identity
   * @param batches how many batches to draw
   * @return what was read
   * @throws IOException when the dataset cannot be read
   */
  public static Result run(Path root, int p, int k, int batches) throws IOException {
    // 1. The record reader: a DataVec RecordReader over the annotation file.
    Map<String, Integer> perSplit = new LinkedHashMap<>();
    CuhkPedesRecordReader reader = new CuhkPedesRecordReader(ReadOptions.defaults());
    reader.initialize(root.resolve("reid_raw.json"));
    while (reader.hasNext()) {
      List<Writable> record = reader.next(); // [split, person_id, image_path, entry, ...]
      CaptionRecord r = CaptionRecord.fromWritables(record);
      if (perSplit.isEmpty()) {
        System.out.println("first record: " + record);
      }
      perSplit.merge(r.split().jsonName(), 1, Integer::sum);
    }
    reader.close();
    System.out.println("records per split: " + perSplit);
    reader.problems().forEach(problem -> System.out.println("skipped: " + problem));

    // 2. The dataset: splits, vocabulary (train words seen at least once here; 3 is the default
    //    for real data), class indices 0..C-1 for the training identities.
    PedesDataset dataset = PedesDataset.load(DatasetFormat.CUHK_PEDES, root).requireUsable();
    Vocabulary vocabulary = dataset.vocabulary(1);
    System.out.printf(
        "vocabulary: %d words; %d training identities%n",
        vocabulary.size(), dataset.trainClasses().size());

    // 3. P×K batches: images resized to 64×32 and normalised with the ImageNet mean/std, random
    //    flips and pad-crops, captions cut or padded to 16 tokens; decoded on one worker thread.
    ImageLoader images = new ImageLoader(ImageSettings.imagenet(64, 32));
    PkTrainingIterator.Config config =
        new PkTrainingIterator.Config(
            p, k, 16, Augmentation.standard(images.settings()), /* seed */ 42, 1, 2);
    long[] imageShape = null;
    long[] tokenShape = null;
    List<int[]> labels = new ArrayList<>();
    try (PkTrainingIterator it = new PkTrainingIterator(dataset, vocabulary, images, config)) {
      for (int b = 0; b < batches; b++) {
        if (!it.hasNext()) {
          it.reset(); // next epoch
        }
        TrainingBatch batch = it.next();
        imageShape = batch.images().shape();
        tokenShape = batch.tokens().shape();
        int[] y = batch.labels().toIntVector();
        labels.add(y);
        System.out.printf(
            "batch %d: images %s, tokens %s, classes %s%n",
            b, Arrays.toString(imageShape), Arrays.toString(tokenShape), Arrays.toString(y));
      }
    }
    return new Result(
        perSplit, reader.problems().size(), vocabulary.size(), imageShape, tokenShape, labels);
  }

  /**
   * Reads a dataset and prints a few batches.
   *
   * @param args optional dataset root (default: 30 generated synthetic people)
   * @throws IOException when the dataset cannot be read
   */
  public static void main(String[] args) throws IOException {
    run(ExampleData.rootFrom(args, 30), 4, 2, 3);
  }
}
