package org.tbps4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.search.ModelBundle;
import org.tbps4j.train.config.ConfigLoader;
import org.tbps4j.train.config.TrainConfig;

/**
 * The trainer's {@code model.zip} opened as a user opens it (the model bundle of tbps-search): what
 * the bundle reads back equals what the run trained with.
 */
class ModelBundleRoundTripTest {
  @TempDir Path dir;

  @Test
  void aTrainedModelOpensWithTheVocabularyImageSettingsAndConfigItWasTrainedWith()
      throws Exception {
    Path data = TinyRuns.dataset(dir);
    String oneEpoch =
        """
        loss:
          - {name: cmpm, weight: 1}
        stages:
          - {name: joint, epochs: 1}
        """;
    TrainConfig c = TinyRuns.config(data, oneEpoch, List.of());
    Trainer.Result r =
        new Trainer(c, dir.resolve("run"), Trainer.Options.defaults().withEvaluateTest(false))
            .run();
    assertTrue(r.finished());
    TrainingData trained = TrainingData.load(c);

    try (ModelBundle b = ModelBundle.open(r.model())) {
      assertEquals(r.model(), b.file());
      assertEquals(trained.vocabulary(), b.vocabulary());
      assertEquals(trained.vocabulary().size(), b.vocabulary().size());
      assertEquals(trained.images(), b.images());
      assertEquals(12, b.maxLength());
      assertEquals(b.model().config().embeddingDim(), b.dim());
      TrainConfig back =
          ConfigLoader.parse(b.configText().orElseThrow(), b.file() + "!config.yaml");
      assertEquals(c.name(), back.name());
      assertEquals(c.data().format(), back.data().format());
      String sha =
          HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(r.model())));
      assertEquals(sha, b.contentHash());
    }
  }
}
