package org.tbps4j.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.tbps4j.data.ClassMapping;
import org.tbps4j.data.DatasetFormat;
import org.tbps4j.data.ImageCheck;
import org.tbps4j.data.PedesDataset;
import org.tbps4j.data.ReadOptions;
import org.tbps4j.data.Split;
import org.tbps4j.data.image.Augmentation;
import org.tbps4j.data.image.ImageLoader;
import org.tbps4j.data.image.ImageSettings;
import org.tbps4j.data.iter.DecodeFailures;
import org.tbps4j.data.iter.PkTrainingIterator;
import org.tbps4j.data.text.CaptionEncoder;
import org.tbps4j.data.text.CaptionEncoderProvider;
import org.tbps4j.data.text.TokenShift;
import org.tbps4j.data.text.Vocabulary;
import org.tbps4j.train.config.TrainConfig;

/**
 * The data side of a run: the dataset (checked usable), the train-split vocabulary, the class
 * mapping, the image loader, and the iterators built from them.
 *
 * @param config the data section, with the run's image size and token length set ({@link
 *     TrainConfig.Data#withSizes})
 * @param dataset the loaded dataset
 * @param vocabulary train-split vocabulary
 * @param classes train person id → class index
 * @param images image settings (size, normalisation), derived from the run's model config ({@link
 *     ModelFactory#imageSettings})
 * @param loader image decoding
 */
public record TrainingData(
    TrainConfig.Data config,
    PedesDataset dataset,
    Vocabulary vocabulary,
    ClassMapping classes,
    ImageSettings images,
    ImageLoader loader) {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TrainingData.class);

  /**
   * Loads and checks the dataset of a config.
   *
   * @param config the run config (its data section, and its model for the image size)
   * @return the data, usable for training
   * @throws IllegalArgumentException when the dataset has problems that stop training (the message
   *     lists them)
   * @throws IOException on read failures
   */
  public static TrainingData load(TrainConfig config) throws IOException {
    TrainConfig.Data c =
        config.data().withSizes(config.imageHeight(), config.imageWidth(), config.maxLength());
    ReadOptions options =
        ReadOptions.defaults()
            .withLenient(c.lenient())
            .withSkipBadImages(c.skipBadImages())
            .withImageCheck(ImageCheck.valueOf(c.imageCheck().toUpperCase(Locale.ROOT)));
    DatasetFormat format = c.format();
    Path root = Path.of(c.root());
    Path annotations = c.annotations() == null ? null : root.resolve(c.annotations());
    PedesDataset ds = PedesDataset.load(format, root, annotations, options).requireUsable();
    Vocabulary vocab = ds.vocabulary(c.minWordCount());
    ImageSettings settings =
        ModelFactory.imageSettings(
            ModelFactory.modelConfig(config, ds.trainClasses().size(), vocab.size()));
    return new TrainingData(c, ds, vocab, ds.trainClasses(), settings, new ImageLoader(settings));
  }

  /**
   * The caption encoder of a run: the word path, or the tower of {@code model.text} with its
   * feature cache under the dataset root filled for every caption of the dataset before the first
   * step (progress in the log).
   *
   * @param config the run config
   * @return the encoder (close it)
   * @throws IOException when the feature cache cannot be written
   */
  public CaptionEncoder openCaptionEncoder(TrainConfig config) throws IOException {
    TrainConfig.Text t = config.model().text();
    if (!t.tower()) {
      return CaptionEncoder.words(vocabulary, config.maxLength());
    }
    CaptionEncoder enc =
        CaptionEncoderProvider.openTower(
            new CaptionEncoderProvider.Spec(
                t.encoder(),
                t.maxLength(),
                t.onnx() == null ? null : Path.of(t.onnx()),
                t.tokenizer() == null ? null : Path.of(t.tokenizer()),
                null,
                null,
                dataset.root(),
                t.threads()));
    try {
      java.util.Set<String> all = new java.util.LinkedHashSet<>();
      for (Split sp : Split.values()) {
        dataset.captions(sp).forEach(c -> all.add(c.caption()));
      }
      long[] lastLog = {System.nanoTime()};
      int computed =
          enc.prepare(
              all,
              (done, total, seconds) -> {
                long now = System.nanoTime();
                if (done == total || now - lastLog[0] > 10_000_000_000L) {
                  lastLog[0] = now;
                  LOG.info(
                      "text features ({}): {}/{} captions, {} s",
                      t.encoder(),
                      done,
                      total,
                      String.format(java.util.Locale.ROOT, "%.1f", seconds));
                }
              });
      LOG.info(
          "text features ({}): {} captions ready ({} computed now, the rest cached)",
          t.encoder(),
          all.size(),
          computed);
      return enc;
    } catch (IOException | RuntimeException e) {
      enc.close();
      throw e;
    }
  }

  /**
   * The P×K training iterator (augmented, prefetching).
   *
   * @param seed the sampler/augmentation seed
   * @return a new iterator at epoch 0, batch 0
   */
  public PkTrainingIterator trainIterator(long seed) {
    return trainIterator(seed, null);
  }

  /**
   * The P×K training iterator, skipping (and recording) images that cannot be decoded.
   *
   * @param seed the sampler/augmentation seed
   * @param failures where undecodable images are recorded; null to fail on them
   * @return a new iterator at epoch 0, batch 0
   */
  public PkTrainingIterator trainIterator(long seed, DecodeFailures failures) {
    return trainIterator(seed, failures, null);
  }

  /**
   * The P×K training iterator with a caption encoder (a tower's packed token features as the text
   * input, see {@link CaptionEncoder}), without text shift.
   *
   * @param seed the sampler/augmentation seed
   * @param failures where undecodable images are recorded; null to fail on them
   * @param captions the caption encoder, or null for the vocabulary's token ids
   * @return a new iterator at epoch 0, batch 0
   */
  public PkTrainingIterator trainIterator(
      long seed, DecodeFailures failures, CaptionEncoder captions) {
    return trainIterator(seed, failures, captions, TokenShift.NONE);
  }

  /**
   * The P×K training iterator of a run: the data section's image augmentation and the given text
   * augmentation, both applied by the iterator.
   *
   * @param seed the sampler/augmentation seed
   * @param failures where undecodable images are recorded; null to fail on them
   * @param captions the caption encoder, or null for the vocabulary's token ids
   * @param shift the text shift ({@link TokenShift#NONE} for none; never with a caption encoder)
   * @return a new iterator at epoch 0, batch 0
   */
  public PkTrainingIterator trainIterator(
      long seed, DecodeFailures failures, CaptionEncoder captions, TokenShift shift) {
    int workers = config.workers();
    return iterator(
        new Augmentation(config.flip(), config.padCrop()),
        shift,
        seed,
        workers,
        Math.max(2, 2 * workers),
        config.similarIdentities(),
        failures,
        captions);
  }

  /**
   * A P×K iterator without augmentation (image or text), for batch-norm recalibration (its own
   * seed, so it never disturbs the training order).
   *
   * @param seed its seed
   * @return a new iterator
   */
  public PkTrainingIterator calibrationIterator(long seed) {
    return calibrationIterator(seed, null);
  }

  /**
   * A calibration iterator that skips (and records) images that cannot be decoded.
   *
   * @param seed its seed
   * @param failures where undecodable images are recorded; null to fail on them
   * @return a new iterator
   */
  public PkTrainingIterator calibrationIterator(long seed, DecodeFailures failures) {
    return calibrationIterator(seed, failures, null);
  }

  /**
   * A calibration iterator with a caption encoder.
   *
   * @param seed its seed
   * @param failures where undecodable images are recorded; null to fail on them
   * @param captions the caption encoder, or null for the vocabulary's token ids
   * @return a new iterator
   */
  public PkTrainingIterator calibrationIterator(
      long seed, DecodeFailures failures, CaptionEncoder captions) {
    return iterator(
        Augmentation.NONE, TokenShift.NONE, seed, config.workers(), 2, 0, failures, captions);
  }

  private PkTrainingIterator iterator(
      Augmentation aug,
      TokenShift shift,
      long seed,
      int workers,
      int prefetch,
      int similarIdentities,
      DecodeFailures failures,
      CaptionEncoder captions) {
    return new PkTrainingIterator(
        dataset,
        vocabulary,
        loader,
        new PkTrainingIterator.Config(
            config.p(),
            config.k(),
            config.maxLength(),
            aug,
            seed,
            workers,
            prefetch,
            similarIdentities,
            shift),
        failures,
        captions);
  }

  /**
   * Split sizes for provenance.
   *
   * @param split the split
   * @return ids / images / captions
   */
  public PedesDataset.SplitStats stats(Split split) {
    return dataset.stats(split);
  }
}
