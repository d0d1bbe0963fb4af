package org.tbps4j.data.iter;

import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tbps4j.data.CaptionRecord;
import org.tbps4j.data.ClassMapping;
import org.tbps4j.data.PedesDataset;
import org.tbps4j.data.Split;
import org.tbps4j.data.image.Augmentation;
import org.tbps4j.data.image.DecodedImages;
import org.tbps4j.data.image.ImageDecodeException;
import org.tbps4j.data.image.ImageLoader;
import org.tbps4j.data.sample.CaptionNeighbours;
import org.tbps4j.data.sample.PkSampler;
import org.tbps4j.data.sample.Seeds;
import org.tbps4j.data.text.CaptionEncoder;
import org.tbps4j.data.text.TokenShift;
import org.tbps4j.data.text.Vocabulary;

/**
 * The training iterator: P×K batches ({@link PkSampler}) of the train split's image–caption pairs,
 * decoded, augmented and tokenized ahead of time on worker threads.
 *
 * <p>Each batch is a {@link TrainingBatch}: {@code images} FLOAT {@code [N, 3, H, W]}, normalised
 * RGB ({@link ImageLoader}); {@code tokens} INT32 {@code [N, L]}, padded with {@link
 * Vocabulary#PAD} (or, with a {@link CaptionEncoder}, what it gives for the batch's captions);
 * {@code labels} class indices ({@link PedesDataset#trainClasses()}) INT32 {@code [N]}; with {@code
 * N = P·K}, the P identities in groups of K consecutive rows.
 *
 * <p><b>Augmentation.</b> Both kinds happen here, on the worker threads: the image's flip and
 * pad-crop ({@link Augmentation}) and the text shift ({@link TokenShift}, token ids only).
 *
 * <p><b>Flip.</b> An image whose caption names a side (a token starting with "left" or "right") is
 * never mirrored: the flip drawn for its row is dropped (the draw still happens, so the other rows'
 * augmentation does not depend on which captions name a side).
 *
 * <p><b>Determinism.</b> Batch {@code b} of epoch {@code e} is a pure function of (seed, e, b): the
 * sampler's epoch plan depends only on (seed, e) and each sample's augmentation draws from its own
 * {@code Random(Seeds.mix(seed, e, b, row))}; the text shift of the batch draws from its own
 * generator seeded by the batch's step (its position counted from the first batch of epoch 0, see
 * {@link TokenShift}). Worker count and thread timing never change a batch, and {@link
 * #resetTo(int, int)} restarts anywhere (resume after a crash gives the same batches as an
 * uninterrupted run).
 *
 * <p><b>Epochs.</b> An epoch is one pass of the sampler's plan ({@link #batchesInEpoch()}). {@link
 * #reset()} moves to the start of the next epoch once the current one has handed out a batch (it is
 * a no-op on an untouched epoch); {@link #resetTo} sets the position explicitly.
 *
 * <p>Not thread-safe (one consumer); {@link #close()} stops the workers (they are daemon threads,
 * so a forgotten close never keeps the JVM alive). A sample whose image cannot be decoded fails
 * {@link #next()} with an {@link IllegalArgumentException} naming the file, unless the iterator was
 * given a {@link DecodeFailures} collector: then the sample keeps its caption and label and takes
 * the image of the first row of its identity group that decodes (a blank, mean-colour image when
 * none does), the file is recorded, and the batch stays a pure function of (seed, epoch, batch).
 * Load the dataset with {@code ImageCheck.DECODE} and skip bad images to rule failures out.
 */
public final class PkTrainingIterator implements Iterator<TrainingBatch>, AutoCloseable {
  /** Stream tag for augmentation seeds. */
  private static final long AUGMENT = 0x4155_4755L;

  private final PedesDataset dataset;
  private final ImageLoader loader;
  private final Config config;
  private final List<CaptionRecord> samples;
  private final int[] labels;
  private final int[][] tokens;

  /** Per sample: its caption says left or right, so its image is never mirrored. */
  private final boolean[] sided;

  private final ClassMapping classes;
  private final PkSampler sampler;
  private final Prefetcher<TrainingBatch> prefetcher;
  private final DecodedImages decoded = DecodedImages.forThisJvm();
  private final DecodeFailures failures;
  private final CaptionEncoder captionEncoder;
  private int epoch;
  private List<int[]> plan;

  /** Batches per epoch, known so far (for the steps of the text shift); -1 = not computed. */
  private int[] epochSizes = new int[0];

  /**
   * Settings of the training iterator.
   *
   * @param p identities per batch (≥ 2)
   * @param k samples per identity (≥ 1)
   * @param maxLength token length L (≥ 1)
   * @param augmentation flip / pad-crop ({@link Augmentation#NONE} for none)
   * @param seed master seed of sampling and image augmentation
   * @param workers decoding threads (0 = decode on the caller's thread)
   * @param prefetch batches built ahead (≥ 1)
   * @param similarIdentities 0: the P identities of a batch are random; N &gt; 0: similar-identity
   *     batches ({@link PkSampler#similarIdentities}), each batch's anchor taking its companions
   *     from its N most similar identities by caption TF-IDF ({@link CaptionNeighbours})
   * @param textShift the text augmentation ({@link TokenShift#NONE} for none; token ids only, not a
   *     caption encoder's features), seeded by its own seed and the batch's step
   */
  public record Config(
      int p,
      int k,
      int maxLength,
      Augmentation augmentation,
      long seed,
      int workers,
      int prefetch,
      int similarIdentities,
      TokenShift textShift) {
    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException on out-of-range values, naming the field
     */
    public Config {
      if (maxLength < 1) {
        throw new IllegalArgumentException("maxLength must be >= 1, got " + maxLength);
      }
      if (workers < 0) {
        throw new IllegalArgumentException("workers must be >= 0, got " + workers);
      }
      if (prefetch < 1) {
        throw new IllegalArgumentException("prefetch must be >= 1, got " + prefetch);
      }
      if (augmentation == null) {
        throw new IllegalArgumentException("augmentation must not be null (use NONE)");
      }
      if (textShift == null) {
        throw new IllegalArgumentException("textShift must not be null (use TokenShift.NONE)");
      }
      if (similarIdentities < 0) {
        throw new IllegalArgumentException(
            "similarIdentities must be >= 0, got " + similarIdentities);
      }
    }

    /**
     * Settings without text shift.
     *
     * @param p identities per batch
     * @param k samples per identity
     * @param maxLength token length L
     * @param augmentation image augmentation
     * @param seed master seed
     * @param workers decoding threads
     * @param prefetch batches built ahead
     * @param similarIdentities 0 for random batches, N for similar-identity batches
     */
    public Config(
        int p,
        int k,
        int maxLength,
        Augmentation augmentation,
        long seed,
        int workers,
        int prefetch,
        int similarIdentities) {
      this(
          p,
          k,
          maxLength,
          augmentation,
          seed,
          workers,
          prefetch,
          similarIdentities,
          TokenShift.NONE);
    }

    /**
     * Settings with random batches (no similar-identity grouping) and no text shift.
     *
     * @param p identities per batch
     * @param k samples per identity
     * @param maxLength token length L
     * @param augmentation augmentation
     * @param seed master seed
     * @param workers decoding threads
     * @param prefetch batches built ahead
     */
    public Config(
        int p,
        int k,
        int maxLength,
        Augmentation augmentation,
        long seed,
        int workers,
        int prefetch) {
      this(p, k, maxLength, augmentation, seed, workers, prefetch, 0, TokenShift.NONE);
    }

    /**
     * A copy with a text augmentation.
     *
     * @param shift the text shift ({@link TokenShift#NONE} for none)
     * @return the settings with it
     */
    public Config withTextShift(TokenShift shift) {
      return new Config(
          p, k, maxLength, augmentation, seed, workers, prefetch, similarIdentities, shift);
    }

    /**
     * Settings with one worker per available core and a prefetch of twice that.
     *
     * @param p identities per batch
     * @param k samples per identity
     * @param maxLength token length L
     * @param augmentation augmentation
     * @param seed master seed
     * @return the settings
     */
    public static Config of(int p, int k, int maxLength, Augmentation augmentation, long seed) {
      int cores = Runtime.getRuntime().availableProcessors();
      return new Config(p, k, maxLength, augmentation, seed, cores, 2 * cores);
    }
  }

  /**
   * Creates the iterator, positioned at epoch 0, batch 0.
   *
   * @param dataset the dataset (its train split is used; call {@link PedesDataset#requireUsable()}
   *     first)
   * @param vocabulary the vocabulary captions are encoded with
   * @param loader image decoding and normalisation (its settings give H and W)
   * @param config sampling, length, augmentation, seed and threads
   * @throws IllegalArgumentException if the train split has no captions or P/K are impossible
   */
  public PkTrainingIterator(
      PedesDataset dataset, Vocabulary vocabulary, ImageLoader loader, Config config) {
    this(dataset, vocabulary, loader, config, null);
  }

  /**
   * Creates the iterator, positioned at epoch 0, batch 0, skipping images that cannot be decoded.
   *
   * @param dataset the dataset (its train split is used)
   * @param vocabulary the vocabulary captions are encoded with
   * @param loader image decoding and normalisation
   * @param config sampling, length, augmentation, seed and threads
   * @param failures where undecodable images are recorded (they are then replaced, see the class
   *     comment); null to fail on them
   */
  public PkTrainingIterator(
      PedesDataset dataset,
      Vocabulary vocabulary,
      ImageLoader loader,
      Config config,
      DecodeFailures failures) {
    this(dataset, vocabulary, loader, config, failures, null);
  }

  /**
   * Creates the iterator with a caption encoder: a batch's {@code tokens} are then what the encoder
   * gives for the batch's captions (a tower's packed token features, see {@link CaptionEncoder})
   * instead of the vocabulary's ids. The vocabulary still drives similar-identity sampling.
   *
   * @param dataset the dataset (its train split is sampled)
   * @param vocabulary the training vocabulary
   * @param loader image decoding and normalisation
   * @param config sampling settings
   * @param failures where undecodable images are recorded, or null to fail on them
   * @param captionEncoder the text input of a batch, or null for the vocabulary's ids
   * @throws IllegalArgumentException also when a text shift is asked for with a caption encoder
   */
  public PkTrainingIterator(
      PedesDataset dataset,
      Vocabulary vocabulary,
      ImageLoader loader,
      Config config,
      DecodeFailures failures,
      CaptionEncoder captionEncoder) {
    if (captionEncoder != null && config.textShift().on()) {
      throw new IllegalArgumentException(
          "the text shift moves token ids; it does not apply to a caption encoder's features"
              + " (use TokenShift.NONE)");
    }
    this.captionEncoder = captionEncoder;
    this.failures = failures;
    this.dataset = dataset;
    this.loader = loader;
    this.config = config;
    this.samples = dataset.captions(Split.TRAIN);
    if (samples.isEmpty()) {
      throw new IllegalArgumentException(
          "the train split of " + dataset.root() + " has no image-caption pairs");
    }
    this.classes = dataset.trainClasses();
    this.labels = new int[samples.size()];
    this.tokens = new int[samples.size()][];
    this.sided = new boolean[samples.size()];
    for (int i = 0; i < samples.size(); i++) {
      CaptionRecord c = samples.get(i);
      labels[i] = classes.classOf(c.personId());
      tokens[i] = vocabulary.encode(c.tokens(), config.maxLength());
      sided[i] = mentionsASide(c.tokens());
    }
    PkSampler pk = new PkSampler(labels, config.p(), config.k(), Seeds.mix(config.seed(), 1));
    this.sampler =
        config.similarIdentities() == 0
            ? pk
            : pk.similarIdentities(
                CaptionNeighbours.of(
                    labels, tokens, Vocabulary.UNK + 1, config.similarIdentities()));
    this.prefetcher = new Prefetcher<>(config.workers(), config.prefetch(), "tbps-train-data");
    resetTo(0, 0);
  }

  /**
   * Moves to a position: the next batch handed out is batch {@code batchIndex} of epoch {@code
   * epoch}, exactly as in an uninterrupted run.
   *
   * @param epoch the epoch (≥ 0)
   * @param batchIndex the batch within it, in {@code [0, batchesInEpoch(epoch)]} (the end means the
   *     epoch is exhausted)
   * @throws IllegalArgumentException if out of range
   */
  public void resetTo(int epoch, int batchIndex) {
    List<int[]> p = sampler.epoch(epoch);
    if (batchIndex < 0 || batchIndex > p.size()) {
      throw new IllegalArgumentException(
          "batch index " + batchIndex + " out of range [0, " + p.size() + "] for epoch " + epoch);
    }
    this.epoch = epoch;
    this.plan = p;
    long firstStep = config.textShift().on() ? firstStep(epoch, p.size()) : 0;
    prefetcher.restart(b -> build(epoch, firstStep, p, b), batchIndex, p.size());
  }

  /**
   * The training step of an epoch's first batch: the batches of every earlier epoch (their plans
   * are computed once and their sizes kept).
   */
  private long firstStep(int e, int sizeOfE) {
    if (epochSizes.length <= e) {
      int old = epochSizes.length;
      epochSizes = Arrays.copyOf(epochSizes, e + 1);
      Arrays.fill(epochSizes, old, e + 1, -1);
    }
    epochSizes[e] = sizeOfE;
    long step = 0;
    for (int i = 0; i < e; i++) {
      if (epochSizes[i] < 0) {
        epochSizes[i] = sampler.epoch(i).size();
      }
      step += epochSizes[i];
    }
    return step;
  }

  /**
   * The epoch of the next batch.
   *
   * @return the epoch
   */
  public int epoch() {
    return epoch;
  }

  /**
   * Index within the epoch of the next batch {@link #next()} returns (= batches handed out in this
   * epoch).
   *
   * @return the batch index
   */
  public int batchIndex() {
    return prefetcher.nextPosition();
  }

  /**
   * Number of batches of the current epoch.
   *
   * @return the count
   */
  public int batchesInEpoch() {
    return plan.size();
  }

  /**
   * Number of batches of any epoch (computes its plan).
   *
   * @param epoch the epoch
   * @return the count
   */
  public int batchesInEpoch(int epoch) {
    if (epoch == this.epoch) {
      return plan.size();
    }
    if (epoch < epochSizes.length && epochSizes[epoch] >= 0) {
      return epochSizes[epoch];
    }
    return sampler.epoch(epoch).size();
  }

  /**
   * The sample indices of a batch (rows of the batch), into {@link #samples()}.
   *
   * @param epoch the epoch
   * @param batchIndex the batch
   * @return {@code P·K} sample indices
   */
  public int[] batchSamples(int epoch, int batchIndex) {
    List<int[]> p = epoch == this.epoch ? plan : sampler.epoch(epoch);
    return p.get(batchIndex).clone();
  }

  /**
   * The training samples: the train split's image–caption pairs, in file order.
   *
   * @return the samples (index = sample index)
   */
  public List<CaptionRecord> samples() {
    return samples;
  }

  /**
   * The class mapping the labels use.
   *
   * @return train person id → class index
   */
  public ClassMapping classes() {
    return classes;
  }

  /**
   * The settings.
   *
   * @return the config
   */
  public Config config() {
    return config;
  }

  @Override
  public boolean hasNext() {
    return prefetcher.hasNext();
  }

  /**
   * The next batch of the epoch.
   *
   * @return the batch
   * @throws java.util.NoSuchElementException at the end of the epoch
   * @throws IllegalArgumentException when an image cannot be decoded and no {@link DecodeFailures}
   *     collector was given, naming the file
   * @throws java.io.UncheckedIOException when an image file cannot be read (its cause names it)
   */
  @Override
  public TrainingBatch next() {
    return prefetcher.next();
  }

  /** Moves to the next epoch once this one has started; a no-op on an untouched epoch. */
  public void reset() {
    if (batchIndex() > 0) {
      resetTo(epoch + 1, 0);
    } else {
      resetTo(epoch, 0);
    }
  }

  /** Stops the worker threads. */
  @Override
  public void close() {
    prefetcher.close();
  }

  private TrainingBatch build(int e, long firstStep, List<int[]> epochPlan, int batchIndex)
      throws IOException {
    int[] rows = epochPlan.get(batchIndex);
    int n = rows.length;
    int h = loader.settings().height();
    int w = loader.settings().width();
    int per = loader.settings().floatsPerImage();
    int len = config.maxLength();
    float[] img = new float[n * per];
    int[] tok = new int[n * len];
    int[] lab = new int[n];
    byte[][] rgb = new byte[n][];
    for (int r = 0; r < n; r++) {
      rgb[r] = decode(samples.get(rows[r]).imagePath());
    }
    for (int r = 0; r < n; r++) {
      int s = rows[r];
      Random rnd = new Random(Seeds.mix(config.seed(), AUGMENT, e, batchIndex, r));
      Augmentation.Params aug = config.augmentation().sample(rnd);
      if (aug.flip() && sided[s]) { // a mirrored "bag in her left hand" would contradict it
        aug = new Augmentation.Params(false, aug.dy(), aug.dx());
      }
      byte[] pixels = rgb[r] != null ? rgb[r] : substitute(rows, rgb, r);
      loader.normalise(pixels, aug, img, r * per);
      System.arraycopy(tokens[s], 0, tok, r * len, len);
      lab[r] = labels[s];
    }
    INDArray images = Nd4j.create(img, new long[] {n, 3, h, w}, DataType.FLOAT);
    INDArray tokenArray;
    if (captionEncoder == null) {
      config.textShift().apply(tok, len, firstStep + batchIndex);
      tokenArray = Nd4j.createFromArray(tok).reshape(n, len);
    } else {
      List<String> texts = new java.util.ArrayList<>(n);
      for (int r = 0; r < n; r++) {
        texts.add(samples.get(rows[r]).caption());
      }
      tokenArray = captionEncoder.encode(texts);
    }
    return new TrainingBatch(images, tokenArray, Nd4j.createFromArray(lab));
  }

  /**
   * Whether a tokenized caption names a side ("left", "right", "leftmost", ...): mirroring its
   * image would make the caption wrong (docs/data.md, "Augmentation").
   *
   * @param words the caption's tokens (lower case)
   * @return true when a token starts with "left" or "right"
   */
  static boolean mentionsASide(List<String> words) {
    for (String w : words) {
      String t = w.toLowerCase(java.util.Locale.ROOT);
      if (t.startsWith("left") || t.startsWith("right")) {
        return true;
      }
    }
    return false;
  }

  /** The decoded image, or null when it cannot be decoded and failures are being collected. */
  private byte[] decode(String imagePath) throws IOException {
    try {
      return decoded.get(imagePath, () -> loader.decodeRgb(dataset.imageFile(imagePath)));
    } catch (ImageDecodeException ex) {
      if (failures == null) {
        throw ex;
      }
      failures.record(imagePath, ex.getMessage());
      return null;
    }
  }

  /** The pixels of the first decodable row of the same identity, or a mean-colour image. */
  private byte[] substitute(int[] rows, byte[][] rgb, int r) {
    for (int o = 0; o < rows.length; o++) {
      if (o != r && rgb[o] != null && labels[rows[o]] == labels[rows[r]]) {
        return rgb[o];
      }
    }
    return meanImage();
  }

  /** 8-bit RGB that normalises to 0 in every channel (the dataset mean colour). */
  private byte[] meanImage() {
    int hw = loader.settings().height() * loader.settings().width();
    byte[] out = new byte[hw * 3];
    for (int c = 0; c < 3; c++) {
      int v = loader.settings().denormalise(c, 0f);
      for (int i = 0; i < hw; i++) {
        out[3 * i + c] = (byte) v;
      }
    }
    return out;
  }
}
