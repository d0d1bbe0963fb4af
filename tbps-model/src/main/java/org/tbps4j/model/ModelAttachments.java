package org.tbps4j.model;

/**
 * The names of the attachments the trainer stores inside a saved model ({@link
 * TbpsModel#putAttachment}) and inference reads back (the model bundle in tbps-search): the one
 * place these names are spelled (see docs/models.md, "saved-model format").
 */
public final class ModelAttachments {
  /** The vocabulary (JSON, {@code Vocabulary.toJson}); inference needs it. */
  public static final String VOCABULARY = "vocabulary.json";

  /** The training class mapping (train person ids to class indices). */
  public static final String CLASSES = "classes.json";

  /** The image preprocessing (JSON, {@code ImageSettings.toJson}); inference needs it. */
  public static final String PREPROCESSING = "preprocessing.json";

  /** The run record (versions, seeds, dataset hash). */
  public static final String RUN = "run.json";

  /** The resolved training config (YAML). */
  public static final String CONFIG = "config.yaml";

  /** Where the image backbone started from ({@code model.image.pretrained}), when set. */
  public static final String BACKBONE = "image-backbone.json";

  private ModelAttachments() {}
}
