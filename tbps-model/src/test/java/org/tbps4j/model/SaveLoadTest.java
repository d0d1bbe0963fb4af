package org.tbps4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.tbps4j.model.search.Embedder;
import org.tbps4j.model.search.Embeddings;

class SaveLoadTest {
  @TempDir Path dir;

  @AfterEach
  void gc() {
    System.gc();
  }

  private static ModelConfig config() {
    return ModelConfig.preset("micro", 3, 12).toBuilder()
        .optEsa(new ModelConfig.EsaConfig(true, 2, 0.5))
        .optDropFraction(0.3)
        .build();
  }

  @Test
  void roundTripGivesIdenticalEmbeddingsConfigAndAttachments() throws IOException {
    ModelConfig c = config();
    TbpsModel model = TbpsModel.create(c);
    INDArray images = TestData.images(c, 3, 1, DataType.FLOAT);
    INDArray tokens = TestData.tokens(c, 3, 2);
    BatchNormStatistics.recalibrate(
        model, List.of(model.inputs(images, tokens, TestData.labels(3, 3))));
    model.putAttachment("vocabulary.json", "{\"a\":2}");
    model.putAttachment("blob.bin", new byte[] {0, 1, 2, (byte) 255});
    Embeddings img = new Embedder(model, 2).embedImagesWithSets(images);
    Embeddings txt = new Embedder(model, 2).embedTextsWithSets(tokens);
    Path file = dir.resolve("sub/model.zip");
    model.save(file, false);
    try (var files = Files.list(file.getParent())) {
      assertEquals(List.of(file), files.toList(), "no temporary file left behind");
    }
    TbpsModel back = TbpsModel.load(file);
    assertEquals(c, back.config());
    assertEquals(List.of("vocabulary.json", "blob.bin"), List.copyOf(back.attachmentNames()));
    assertEquals("{\"a\":2}", back.attachmentText("vocabulary.json").orElseThrow());
    assertArrayEquals(new byte[] {0, 1, 2, (byte) 255}, back.attachment("blob.bin").orElseThrow());
    Embeddings img2 = new Embedder(back, 3).embedImagesWithSets(images);
    Embeddings txt2 = new Embedder(back, 3).embedTextsWithSets(tokens);
    assertEquals(img.global(), img2.global());
    assertEquals(img.sets(), img2.sets());
    assertEquals(txt.global(), txt2.global());
    assertEquals(txt.sets(), txt2.sets());
  }

  private static MultiDataSet batch(TbpsModel m, int seed) {
    ModelConfig c = m.config();
    return m.trainingBatch(
        TestData.images(c, 4, seed, DataType.FLOAT),
        TestData.tokens(c, 4, seed + 100),
        TestData.labels(4, c.numClasses()));
  }

  private static void fit(TbpsModel m, int from, int steps) {
    for (int s = from; s < from + steps; s++) {
      Nd4j.getRandom().setSeed(1000 + s);
      m.sameDiff().fit(batch(m, s));
    }
  }

  @Test
  void continuedTrainingFromALoadedModelIsIdentical() throws IOException {
    TbpsModel model = TbpsModel.create(config());
    MatchingLoss.define(model);
    TestData.train(model, 1e-2);
    fit(model, 0, 2);
    Path file = dir.resolve("resume.zip");
    model.save(file, true);
    TbpsModel loaded = TbpsModel.load(file);
    fit(model, 2, 3);
    fit(loaded, 2, 3);
    int compared = 0;
    for (String v : model.trainableVariables()) {
      INDArray a = model.sameDiff().getArrForVarName(v);
      INDArray b = loaded.sameDiff().getArrForVarName(v);
      assertEquals(a, b, "variable " + v + " differs after continued training");
      compared++;
    }
    assertEquals(loaded.trainableVariables().size(), compared);
    // without the updater state the file is smaller and training restarts the optimiser
    Path release = dir.resolve("release.zip");
    model.save(release, false);
    assertTrue(Files.size(release) < Files.size(file), "updater state dropped");
  }

  @Test
  void frozenStateSurvivesSaveAndLoad() throws IOException {
    TbpsModel model = TbpsModel.create(config());
    model.freezeImageBackbone();
    Path file = dir.resolve("frozen.zip");
    model.save(file, false);
    TbpsModel back = TbpsModel.load(file);
    assertTrue(back.isImageBackboneFrozen());
    assertEquals(model.parameterCount(), back.parameterCount());
    back.unfreezeImageBackbone();
    assertFalse(back.isImageBackboneFrozen());
  }

  @Test
  void badFilesAreRejectedWithTheirNameAndTheProblem() throws IOException {
    Path missing = dir.resolve("nope.zip");
    assertThrows(NoSuchFileException.class, () -> TbpsModel.load(missing));
    Path text = dir.resolve("text.zip");
    Files.writeString(text, "hello");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TbpsModel.load(text));
    assertTrue(e.getMessage().startsWith(text + ": not a TBPS4J model file"), e.getMessage());
    Path empty = dir.resolve("empty.zip");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(empty))) {
      z.putNextEntry(new ZipEntry("other.txt"));
      z.write(1);
      z.closeEntry();
    }
    e = assertThrows(IllegalArgumentException.class, () -> TbpsModel.load(empty));
    assertEquals(empty + ": missing entry 'manifest.json'", e.getMessage());
    TbpsModel m = TbpsModel.create(config());
    e = assertThrows(IllegalArgumentException.class, () -> m.putAttachment("../evil", new byte[0]));
    assertEquals("attachment name '../evil' must match [A-Za-z0-9][A-Za-z0-9._-]*", e.getMessage());
  }

  @Test
  void freezingKeepsTheBackboneFixedAndTheOptimiserStateIntact() {
    TbpsModel model = TbpsModel.create(config());
    MatchingLoss.define(model);
    TestData.train(model, 1e-2);
    fit(model, 0, 2);
    List<String> backbone =
        model.trainableVariables().stream()
            .filter(v -> v.startsWith(GraphNames.IMAGE_BACKBONE_PREFIX))
            .toList();
    List<String> others =
        model.trainableVariables().stream()
            .filter(v -> !v.startsWith(GraphNames.IMAGE_BACKBONE_PREFIX))
            .toList();
    assertFalse(backbone.isEmpty());
    Map<String, INDArray> stateBefore = updaterState(model, model.trainableVariables());
    model.freezeImageBackbone();
    assertTrue(model.isImageBackboneFrozen());
    assertEquals(others, model.trainableVariables());
    // the optimiser state of the variables that stay trainable is untouched by the switch
    Map<String, INDArray> stateOthers = updaterState(model, others);
    stateOthers.forEach((k, v) -> assertEquals(stateBefore.get(k), v, k));
    Map<String, INDArray> frozenValues = TestData.values(model, backbone);
    Map<String, INDArray> otherValues = TestData.values(model, others);
    fit(model, 2, 2);
    frozenValues.forEach(
        (k, v) -> assertEquals(v, model.sameDiff().getArrForVarName(k), "frozen " + k + " moved"));
    long moved =
        otherValues.entrySet().stream()
            .filter(en -> !en.getValue().equals(model.sameDiff().getArrForVarName(en.getKey())))
            .count();
    assertEquals(others.size(), moved, "every trainable variable should move");
    model.unfreezeImageBackbone();
    assertFalse(model.isImageBackboneFrozen());
    // the backbone gets back the optimiser state it had when frozen
    Map<String, INDArray> restored = updaterState(model, backbone);
    restored.forEach((k, v) -> assertEquals(stateBefore.get(k), v, k));
    fit(model, 4, 1);
    backbone.forEach(
        k ->
            assertFalse(
                frozenValues.get(k).equals(model.sameDiff().getArrForVarName(k)),
                "unfrozen " + k + " did not move"));
  }

  private static Map<String, INDArray> updaterState(TbpsModel model, List<String> names) {
    Map<String, INDArray> out = new java.util.LinkedHashMap<>();
    for (String n : names) {
      org.nd4j.linalg.learning.GradientUpdater<?> u = model.sameDiff().getUpdaterMap().get(n);
      assertTrue(u != null && u.getState() != null, "no updater state for " + n);
      for (Map.Entry<String, INDArray> en : u.getState().entrySet()) {
        out.put(n + "#" + en.getKey(), en.getValue().dup());
      }
    }
    return out;
  }
}
