package org.tbps4j.search;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.tbps4j.data.image.ImageSettings;
import org.tbps4j.data.text.Vocabulary;
import org.tbps4j.model.ModelAttachments;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.TbpsModel;

/**
 * An untrained micro model saved with the attachments the trainer writes (what a bundle needs).
 * Enough for tests about the plumbing: its embeddings are deterministic, not meaningful.
 */
final class MicroBundle {
  private MicroBundle() {}

  static Path save(Path file, long seed) throws IOException {
    Vocabulary vocab =
        Vocabulary.fromCaptions(List.of("a man in a red coat", "a woman in a blue skirt"), 1);
    TbpsModel m =
        TbpsModel.create(
            ModelConfig.preset("micro", 4, vocab.size()).toBuilder()
                .optImageSize(32, 16)
                .optMaxLength(8)
                .optSeed(seed)
                .build());
    m.putAttachment(ModelAttachments.VOCABULARY, vocab.toJson());
    m.putAttachment(ModelAttachments.PREPROCESSING, ImageSettings.imagenet(32, 16).toJson());
    m.save(file, false);
    return file;
  }
}
