package org.tbps4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.tbps4j.data.CaptionRecord;
import org.tbps4j.data.Split;
import org.tbps4j.data.iter.PkTrainingIterator;
import org.tbps4j.data.iter.TrainingBatch;
import org.tbps4j.data.text.CaptionEncoder;
import org.tbps4j.loss.LossNames;
import org.tbps4j.model.GraphNames;
import org.tbps4j.model.ModelAttachments;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.model.Quiet;
import org.tbps4j.model.TbpsModel;
import org.tbps4j.model.layers.TokenFeatureHead;
import org.tbps4j.model.search.Embedder;
import org.tbps4j.model.search.Embeddings;
import org.tbps4j.model.search.Gallery;
import org.tbps4j.search.ModelBundle;
import org.tbps4j.train.config.TrainConfig;
import org.tbps4j.train.listeners.IterationReport;
import org.tbps4j.train.listeners.LossTermsListener;
import org.tbps4j.train.listeners.TrainingListener;

/**
 * Training, saving and searching with the frozen all-MiniLM-L6-v2 tower ({@code model.text.encoder:
 * minilm-l6}) on the tiny synthetic set (docs/text-encoder.md).
 */
class TowerTrainingTest {
  @TempDir static Path shared;
  @TempDir Path dir;
  static Path data;

  static final String TOWER =
      "model: {preset: micro, drop_fraction: 0.2, text: {encoder: minilm-l6, channels: 16,"
          + " blocks: 1, max_length: 24}}";

  @BeforeAll
  static void data() throws Exception {
    data = TinyRuns.dataset(shared);
  }

  @AfterEach
  void gc() {
    System.gc(); // native memory of the graphs (docs/samediff-m2.1.md, note 8)
  }

  private static TrainConfig config(String model, String stages) {
    TrainConfig c = TinyRuns.config(data, stages, List.of());
    // the tiny config's model line is replaced by the tower's
    return org.tbps4j.train.config.ConfigLoader.parse(
        org.tbps4j.train.config.ConfigLoader.toYaml(c)
            .replaceAll("(?s)model:.*?\\n(?=[a-z])", model + "\n"),
        "tower config");
  }

  @Test
  void theConfigMapsOntoATowerModel() {
    TrainConfig c = config(TOWER, TinyRuns.MIX);
    assertEquals("minilm-l6", c.model().text().encoder());
    ModelConfig mc = ModelFactory.modelConfig(c, 16, 50);
    assertTrue(mc.text().tower());
    assertEquals(TokenFeatureHead.Variant.CNN_ATTENTION, mc.text().head());
    assertEquals(16, mc.text().channels());
    assertEquals(24, mc.maxLength()); // the tower's length, not data.max_length (12)
    assertFalse(mc.textShift());
    assertEquals(mc, ModelConfig.fromJson(mc.toJson()));
    // a saved word model (no "text" field) reads as the word path
    String old = mc.toBuilder().optText(ModelConfig.TextEncoder.words()).build().toJson();
    String withoutText = old.replaceAll("(?s),\\s*\"text\"\\s*:\\s*\\{[^}]*\\}", "");
    assertFalse(withoutText.contains("\"text\""));
    assertEquals("words", ModelConfig.fromJson(withoutText).text().encoder());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                org.tbps4j.train.config.ConfigLoader.override(
                    c, List.of("model.text.encoder=bert")));
    assertTrue(e.getMessage().contains("model.text.encoder"), e.getMessage());
  }

  @Test
  void twoStepsOnOneBatchLowerTheLossWithCachedTowerFeatures() throws Exception {
    TrainConfig c = config(TOWER, TinyRuns.MIX);
    TrainingData td = TrainingData.load(c);
    try (CaptionEncoder enc = td.openCaptionEncoder(c);
        PkTrainingIterator it = td.trainIterator(7, null, enc)) {
      // every caption of the dataset is in the cache now, and the cache lives with the dataset
      try (Stream<Path> s = Files.list(data.resolve(".tbps-cache"))) {
        assertEquals(1, s.filter(p -> p.getFileName().toString().startsWith("minilm-l6-")).count());
      }
      assertEquals(0, enc.prepare(allCaptions(td), null)); // nothing left to compute
      TrainingBatch raw = it.next();
      INDArray text = raw.tokens();
      assertEquals(List.of(8L, 24L, 385L), List.of(text.size(0), text.size(1), text.size(2)));
      ModelConfig mc = ModelFactory.modelConfig(c, td.classes().size(), td.vocabulary().size());
      try (TbpsModel model = TbpsModel.create(mc)) {
        ModelFactory.attach(model, ModelFactory.lossMix(c.lossOf(c.stages().get(0))));
        model
            .sameDiff()
            .setTrainingConfig(
                ModelFactory.trainingConfig(
                    c, model, new org.nd4j.linalg.schedule.FixedSchedule(0.01), 0));
        LossTermsListener terms =
            new LossTermsListener(
                ModelFactory.termWeights(ModelFactory.lossMix(c.lossOf(c.stages().get(0)))), 1);
        MultiDataSet b = model.trainingBatch(raw.images(), text, raw.labels());
        List<String> before = model.trainableVariables();
        assertTrue(before.contains("text/head/stem/W"), before.toString());
        assertFalse(before.contains(GraphNames.TEXT_TABLE)); // no word table with the tower
        INDArray w0 = model.sameDiff().getArrForVarName("text/head/stem/W").dup();
        double[] loss = new double[3];
        for (int i = 0; i < 3; i++) {
          Quiet.run(() -> model.sameDiff().fit(b, terms));
          loss[i] = terms.lastValues(LossNames.TOTAL).get(LossNames.TOTAL);
          assertTrue(Double.isFinite(loss[i]), "step " + i + ": " + loss[i]);
        }
        // the loss of step i is measured before its update: the two updates lowered it
        assertTrue(loss[1] < loss[0] && loss[2] < loss[1], java.util.Arrays.toString(loss));
        assertFalse(w0.equals(model.sameDiff().getArrForVarName("text/head/stem/W")));
      }
    }
  }

  private static List<String> allCaptions(TrainingData td) {
    List<String> all = new ArrayList<>();
    for (Split s : Split.values()) {
      td.dataset().captions(s).forEach(r -> all.add(r.caption()));
    }
    return all;
  }

  @Test
  void aTowerRunSavesItsTowerAndTheSavedModelFindsThePlantedCaption() throws Exception {
    TrainConfig c = config(TOWER, TinyRuns.MIX);
    List<Double> totals = new ArrayList<>();
    TrainingListener record =
        new TrainingListener() {
          @Override
          public void iterationDone(IterationReport r) {
            totals.add(r.terms().get("loss/total"));
          }
        };
    Path run = dir.resolve("run");
    Trainer.Result r =
        new Trainer(c, run, Trainer.Options.defaults().withListeners(List.of(record))).run();
    assertTrue(r.finished());
    assertTrue(totals.size() >= 2 && totals.stream().allMatch(Double::isFinite), totals.toString());
    assertNotNull(r.test());
    assertTrue(r.test().metrics().queries() > 0);

    ModelBundle saved = ModelBundle.open(run.resolve("model.zip"));
    assertTrue(saved.model().config().text().tower());
    JsonNode text =
        new ObjectMapper().readTree(saved.model().attachment("text.json").orElseThrow());
    assertEquals("minilm-l6", text.get("encoder").asText());
    assertEquals(24, text.get("max_length").asInt());
    assertTrue(text.get("onnx_sha256").asText().matches("[0-9a-f]{64}"));
    assertTrue(saved.model().attachment("tokenizer.json").orElseThrow().length > 100_000);

    // the planted identity: a gallery of the test images plus one entry whose vector is the
    // training-side embedding (float16 cache) of a caption; the saved model, reading the same
    // caption as a query through a fresh tower (float32), must rank that entry first
    List<CaptionRecord> test = loadTestCaptions(c);
    CaptionRecord planted = test.get(test.size() / 2);
    Embedder embedder = new Embedder(saved.model(), 16);
    TrainingData td = TrainingData.load(c);
    INDArray cached;
    try (CaptionEncoder enc = td.openCaptionEncoder(c)) {
      cached = embedder.embedTexts(enc.encode(List.of(planted.caption())));
    }
    Embeddings images =
        SplitEvaluator.embedImages(embedder, td.dataset(), Split.TEST, saved.loader(), 16, 1);
    long[] ids = new long[(int) images.global().size(0) + 1];
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < ids.length - 1; i++) {
      ids[i] = i;
      paths.add("image-" + i);
    }
    ids[ids.length - 1] = 999_999;
    paths.add("planted");
    Gallery g =
        Gallery.of(new Embeddings(Nd4j.concat(0, images.global(), cached), null), ids, paths, 0.0);
    INDArray query;
    try (CaptionEncoder enc = saved.captionEncoder()) {
      query = embedder.embedTexts(enc.encode(List.of(planted.caption())));
    }
    List<Gallery.Hit> hits = g.search(new Embeddings(query, null), 3).get(0);
    assertEquals(999_999, hits.get(0).personId(), hits.toString());
    assertTrue(hits.get(0).score() > 0.999, hits.toString());
    saved.model().close();
  }

  private static List<CaptionRecord> loadTestCaptions(TrainConfig c) throws Exception {
    return TrainingData.load(c).dataset().captions(Split.TEST);
  }

  @Test
  void aSavedTowerModelRefusesAnotherOrAMissingOnnxFileNamingIt() throws Exception {
    TrainConfig c = config(TOWER, TinyRuns.MIX);
    TrainingData td = TrainingData.load(c);
    // the model's input size is the data's, as in a trained model (opening a model whose
    // preprocessing.json and model config disagree on the size is refused)
    ModelConfig mc =
        ModelConfig.preset("micro", 4, 10).toBuilder()
            .optText(ModelConfig.TextEncoder.minilm(TokenFeatureHead.Variant.MEAN_MLP, 8, 0))
            .optMaxLength(24)
            .optImageSize(td.images().height(), td.images().width())
            .build();
    Path file = dir.resolve("model.zip");
    try (TbpsModel m = TbpsModel.create(mc);
        CaptionEncoder enc = td.openCaptionEncoder(c)) {
      m.putAttachment(ModelAttachments.VOCABULARY, td.vocabulary().toJson());
      m.putAttachment(ModelAttachments.PREPROCESSING, td.images().toJson());
      enc.attachments().forEach(m::putAttachment);
      m.save(file, false);
    }
    ModelBundle saved = ModelBundle.open(file);
    Path other = dir.resolve("other.onnx");
    Files.write(other, new byte[] {8, 1, 18, 0});
    Path missing = dir.resolve("nowhere/model.onnx");
    try {
      System.setProperty("tbps.text.onnx", other.toString());
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, saved::captionEncoder);
      assertTrue(e.getMessage().startsWith(other + ": SHA-256 "), e.getMessage());
      assertTrue(e.getMessage().contains("not the ONNX graph this model was trained with"));
      System.setProperty("tbps.text.onnx", missing.toString());
      e = assertThrows(IllegalArgumentException.class, saved::captionEncoder);
      assertEquals(missing + ": file not found", e.getMessage());
    } finally {
      System.clearProperty("tbps.text.onnx");
    }
    try (CaptionEncoder enc = saved.captionEncoder()) { // the bundled file is the recorded one
      INDArray x = enc.encode(List.of("a woman in a red coat", "a man"));
      assertEquals(List.of(2L, 24L, 385L), List.of(x.size(0), x.size(1), x.size(2)));
      // the mask channel: [CLS] a woman in a red coat [SEP] = 8 real tokens, [CLS] a man [SEP] 4
      for (int i = 0; i < 2; i++) {
        INDArray mask = x.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.point(384));
        INDArray features =
            x.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.interval(0, 384));
        int real = i == 0 ? 8 : 4;
        assertEquals(real, mask.sumNumber().doubleValue(), 0);
        assertEquals(real, mask.get(NDArrayIndex.interval(0, real)).sumNumber().doubleValue(), 0);
        // padding rows are zero, real rows are not
        assertEquals(
            0.0,
            features
                .get(NDArrayIndex.interval(real, 24), NDArrayIndex.all())
                .norm1Number()
                .doubleValue(),
            0);
        assertTrue(features.getRow(real - 1).norm1Number().doubleValue() > 1);
      }
    }
    saved.model().close();
  }
}
