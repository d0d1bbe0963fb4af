package org.tbps4j.model;

/**
 * Every graph variable name that crosses a module border: placeholders fed by the trainer and the
 * embedder, the training outputs consumed by the losses (batch statistics, dropout), the inference
 * outputs used for embedding (running statistics, no dropout), the shared classifier and the ESA
 * outputs. Code outside tbps-model refers to these constants, never to string literals.
 *
 * <p>Shapes use {@code N} = batch size, {@code L} = max token length, {@code D} = embedding size,
 * {@code C} = number of classes (person ids), {@code M} = ESA sets per sample.
 */
public final class GraphNames {
  private GraphNames() {}

  /** Placeholder: normalised images, FLOAT (DOUBLE in float64 graphs) {@code [N, 3, H, W]}. */
  public static final String IMAGES = "images";

  /** Placeholder: token ids, INT {@code [N, L]}; 0 = PAD, 1 = UNK. */
  public static final String TOKENS = "tokens";

  /**
   * Placeholder of the two-step lookup only: the batch's distinct token ids padded with 0, INT
   * {@code [U]} with {@code U = ModelConfig.uniqueTokenCapacity()}.
   */
  public static final String TOKEN_UNIQUE = "tokens/unique";

  /**
   * Placeholder of the two-step lookup only: for every token of {@link #TOKENS}, its slot in {@link
   * #TOKEN_UNIQUE}, INT {@code [N, L]}. When this variant is built, {@link #TOKENS} is not a
   * placeholder of the graph.
   */
  public static final String TOKEN_SLOTS = "tokens/slots";

  /** Placeholder for the losses: class index (person id) per sample, INT {@code [N]}. */
  public static final String LABELS = "labels";

  /** Training output: raw image embedding (after the head's dropout), {@code [N, D]}. */
  public static final String IMAGE_EMBEDDING = "embedding/image";

  /** Training output: raw text embedding (after the head's dropout), {@code [N, D]}. */
  public static final String TEXT_EMBEDDING = "embedding/text";

  /** Training output: L2-normalised image embedding, {@code [N, D]}. */
  public static final String IMAGE_EMBEDDING_NORMALIZED = "embedding/image/normalized";

  /** Training output: L2-normalised text embedding, {@code [N, D]}. */
  public static final String TEXT_EMBEDDING_NORMALIZED = "embedding/text/normalized";

  /** Trainable variable: the classifier shared by both paths, {@code [D, C]}. */
  public static final String CLASSIFIER_W = "classifier/W";

  /** Trainable variable: the shared classifier's bias, {@code [C]}. */
  public static final String CLASSIFIER_B = "classifier/b";

  /**
   * Inference output: L2-normalised image embedding with the batch-norm running statistics and no
   * dropout, {@code [N, D]}; a sample's value never depends on the rest of its batch.
   */
  public static final String IMAGE_EMBEDDING_INFERENCE = "inference/embedding/image";

  /**
   * Inference output: L2-normalised text embedding (running statistics, no dropout), {@code [N,
   * D]}.
   */
  public static final String TEXT_EMBEDDING_INFERENCE = "inference/embedding/text";

  /** Inference output when ESA is enabled: L2-normalised image sets, {@code [N, M, D]}. */
  public static final String ESA_IMAGE_SETS_INFERENCE = "inference/esa/image/sets";

  /** Inference output when ESA is enabled: L2-normalised text sets, {@code [N, M, D]}. */
  public static final String ESA_TEXT_SETS_INFERENCE = "inference/esa/text/sets";

  /** Training output when ESA is enabled: L2-normalised image sets, {@code [N, M, D]}. */
  public static final String ESA_IMAGE_SETS = "esa/image/sets";

  /** Training output when ESA is enabled: L2-normalised text sets, {@code [N, M, D]}. */
  public static final String ESA_TEXT_SETS = "esa/text/sets";

  /**
   * Training output when ESA is enabled: set similarity {@code S_set[i, j]} of image {@code i} and
   * text {@code j} of the batch, {@code [N, N]} (see {@link
   * org.tbps4j.model.search.SetSimilarity}).
   */
  public static final String ESA_SIMILARITY = "esa/similarity";

  /**
   * Inference output: the image backbone's globally average-pooled last feature map (running
   * statistics), {@code [N, C_feat]} (512 for resnet18, 2048 for resnet50): what torchvision's
   * ResNet feeds its classifier.
   */
  public static final String IMAGE_FEATURES_INFERENCE = "inference/image/features";

  /** Prefix of every variable of the image backbone (frozen in stage I). */
  public static final String IMAGE_BACKBONE_PREFIX = "image/backbone/";

  /** Prefix of every variable of the image embedding head. */
  public static final String IMAGE_HEAD_PREFIX = "image/head/";

  /** Prefix of every variable of the text path (lookup table, CNN and head). */
  public static final String TEXT_PREFIX = "text/";

  /**
   * The text path's position mask {@code [N, 1, 1, L_out]}: 1 where a position of its last feature
   * map sees a real token, 0 where it sees only PAD (depends on the tokens only).
   */
  public static final String TEXT_POSITION_MASK = "text/positionMask";

  /** Name of the text embedding table variable, {@code [V, E]}. */
  public static final String TEXT_TABLE = "text/embedding/table";

  /** Suffix of a batch-norm layer's running-mean constant ({@code <layer>/runningMean}). */
  public static final String BN_RUNNING_MEAN = "/runningMean";

  /** Suffix of a batch-norm layer's running-variance constant. */
  public static final String BN_RUNNING_VAR = "/runningVar";

  /** Suffix of a batch-norm layer's batch mean (an activation of the training pass). */
  public static final String BN_BATCH_MEAN = "/batchMean";

  /** Suffix of a batch-norm layer's batch variance (an activation of the training pass). */
  public static final String BN_BATCH_VAR = "/batchVar";
}
