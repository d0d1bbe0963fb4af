package org.tbps4j.train.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  static final String BASE =
      """
      name: t
      seed: 7
      data:
        root: data/x
        image_height: 64
        image_width: 32
        p: 4
        k: 2
      model:
        preset: tiny
        drop_fraction: 0.2
      loss:
        - {name: cmpm, weight: 1}
        - {name: mam, weight: 0.2, params: {m: 4}}
      optimizer: {type: adam, lr: 0.001}
      schedule: {type: cosine, warmup_epochs: 1}
      stages:
        - {name: joint, epochs: 3}
      """;

  private Path write(String text) throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void loadsAndFillsDefaults() throws Exception {
    TrainConfig c = ConfigLoader.load(write(BASE), List.of());
    assertEquals(7L, c.seed());
    assertEquals(64, c.data().imageHeight());
    assertEquals(8, c.data().batchSize());
    assertEquals("cuhk-pedes", c.data().format().cliName());
    assertEquals(3, c.data().minWordCount());
    assertEquals(0.2, c.model().dropFraction());
    assertEquals(null, c.model().embeddingDim());
    assertEquals(2, c.loss().size());
    assertEquals(4, ((Number) c.loss().get(1).params().get("m")).intValue());
    assertEquals(3, c.totalEpochs());
    assertEquals(c.loss(), c.lossOf(c.stages().get(0)));
    assertEquals(1e-3, c.optimizer().lr());
    assertEquals(1.0, c.eval().intervalEpochs());
    assertEquals(0, c.data().similarIdentities());
  }

  @Test
  void roundTripsThroughYaml() throws Exception {
    TrainConfig c = ConfigLoader.load(write(BASE), List.of());
    assertEquals(c, ConfigLoader.parse(ConfigLoader.toYaml(c), "round trip"));
  }

  @Test
  void unknownKeyNamesLineAndValidKeys() throws Exception {
    Path f = write(BASE.replace("  image_width: 32", "  image_widht: 32"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(f, List.of()));
    assertTrue(e.getMessage().contains("c.yaml:6:3:"), e.getMessage());
    assertTrue(e.getMessage().contains("unknown key 'image_widht' in data"), e.getMessage());
    assertTrue(e.getMessage().contains("image_width"), e.getMessage());
  }

  @Test
  void invalidValueNamesTheField() throws Exception {
    Path f = write(BASE.replace("  p: 4", "  p: 1"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(f, List.of()));
    assertTrue(e.getMessage().contains("data.p must be >= 2"), e.getMessage());
    Path g = write(BASE.replace("preset: tiny", "preset: huge"));
    e = assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(g, List.of()));
    assertTrue(
        e.getMessage()
            .contains(
                "model.preset: unknown value 'huge' (valid: micro, tiny, resnet18, resnet50)"),
        e.getMessage());
    Path s = write(BASE.replace("  p: 4", "  p: 4\n  similar_identities: -1"));
    e = assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(s, List.of()));
    assertTrue(e.getMessage().contains("data.similar_identities"), e.getMessage());
    Path h = write(BASE.replace("lr: 0.001", "lr: fast"));
    e = assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(h, List.of()));
    assertTrue(e.getMessage().contains("optimizer.lr"), e.getMessage());
    assertTrue(e.getMessage().contains("'fast'"), e.getMessage());
  }

  @Test
  void missingStagesAndMalformedYamlAreReported() throws Exception {
    Path f = write(BASE.substring(0, BASE.indexOf("stages:")));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(f, List.of()));
    assertTrue(e.getMessage().contains("stages: at least one stage is required"), e.getMessage());
    Path g = write("data: {root: x\nstages: [");
    e = assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(g, List.of()));
    assertTrue(e.getMessage().contains("malformed YAML/JSON"), e.getMessage());
    assertThrows(
        NoSuchFileException.class, () -> ConfigLoader.load(dir.resolve("none.yaml"), List.of()));
  }

  @Test
  void overridesByPathIndexAndName() throws Exception {
    TrainConfig c =
        ConfigLoader.load(
            write(BASE),
            List.of(
                "optimizer.lr=3e-4",
                "loss.mam.params.m=2",
                "loss[0].weight=0.5",
                "stages.joint.epochs=5",
                "model.esa=true",
                "schedule.milestones=[2, 4]"));
    assertEquals(3e-4, c.optimizer().lr());
    assertEquals(2, ((Number) c.loss().get(1).params().get("m")).intValue());
    assertEquals(0.5, c.loss().get(0).weight());
    assertEquals(5, c.stages().get(0).epochs());
    assertTrue(c.model().esa());
    assertEquals(List.of(2.0, 4.0), c.schedule().milestones());
  }

  @Test
  void badOverridesAreReported() throws Exception {
    Path f = write(BASE);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConfigLoader.load(f, List.of("loss.sn.weight=1")));
    assertTrue(
        e.getMessage().contains("no entry named 'sn' in 'loss' (entries: cmpm, mam)"),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> ConfigLoader.load(f, List.of("optimizer")));
    assertTrue(e.getMessage().contains("expected path=value"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> ConfigLoader.load(f, List.of("optimizer.foo=1")));
    assertTrue(e.getMessage().contains("unknown key 'foo' in optimizer"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> ConfigLoader.load(f, List.of("data.k=0")));
    assertTrue(e.getMessage().contains("data.k must be >= 1, got 0"), e.getMessage());
  }

  @Test
  void overrideOfAConfigObject() throws Exception {
    TrainConfig c = ConfigLoader.load(write(BASE), List.of());
    TrainConfig d = ConfigLoader.override(c, List.of("loss.cmpm.weight=2"));
    assertEquals(2.0, d.loss().get(0).weight());
    assertEquals(1.0, c.loss().get(0).weight());
  }

  /** The message of loading a file with this text, with the temporary folder removed. */
  private String refusal(String text, List<String> overrides) throws Exception {
    Path f = write(text);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(f, overrides));
    return e.getMessage().replace(dir.toString(), "DIR");
  }

  @Test
  void unknownNamesOfEveryChoiceNameTheFileTheLineOfTheValueAndTheValidNames() throws Exception {
    assertEquals(
        "DIR/c.yaml:4:11: data.format: unknown value 'cuhk' (valid: cuhk-pedes, icfg-pedes,"
            + " rstpreid)",
        refusal(BASE.replace("  root: data/x", "  format: cuhk\n  root: data/x"), List.of()));
    assertEquals(
        "DIR/c.yaml:10:11: model.preset: unknown value 'huge' (valid: micro, tiny, resnet18,"
            + " resnet50)",
        refusal(BASE.replace("preset: tiny", "preset: huge"), List.of()));
    assertEquals(
        "DIR/c.yaml:15:19: optimizer.type: unknown value 'adm' (valid: adam, sgd)",
        refusal(BASE.replace("type: adam", "type: adm"), List.of()));
    assertEquals(
        "DIR/c.yaml:16:18: schedule.type: unknown value 'cosin' (valid: cosine, step, constant)",
        refusal(BASE.replace("type: cosine", "type: cosin"), List.of()));
    // names are matched exactly, as documented; a number is a name that is not valid either
    assertEquals(
        "DIR/c.yaml:4:11: data.format: unknown value 'CUHK-PEDES' (valid: cuhk-pedes, icfg-pedes,"
            + " rstpreid)",
        refusal(BASE.replace("  root: data/x", "  format: CUHK-PEDES\n  root: data/x"), List.of()));
    assertEquals(
        "DIR/c.yaml:10:11: model.preset: unknown value '3' (valid: micro, tiny, resnet18,"
            + " resnet50)",
        refusal(BASE.replace("preset: tiny", "preset: 3"), List.of()));
    // a list where a name belongs is the wrong type, at the list
    String list = refusal(BASE.replace("type: adam", "type: [adam]"), List.of());
    assertTrue(list.startsWith("DIR/c.yaml:15:19: optimizer.type: wrong type ("), list);
    // --set overrides name the file and the setting (the value has no line of its own)
    assertEquals(
        "DIR/c.yaml (after --set overrides): schedule.type: unknown value 'linear' (valid: cosine,"
            + " step, constant)",
        refusal(BASE, List.of("schedule.type=linear")));
    assertEquals(
        "DIR/c.yaml (after --set overrides): optimizer.type: unknown value 'lamb' (valid: adam,"
            + " sgd)",
        refusal(BASE, List.of("optimizer.type=lamb")));
    assertEquals(
        "DIR/c.yaml (after --set overrides): data.format: unknown value 'icfg' (valid: cuhk-pedes,"
            + " icfg-pedes, rstpreid)",
        refusal(BASE, List.of("data.format=icfg")));
    TrainConfig c = ConfigLoader.load(write(BASE), List.of());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConfigLoader.override(c, List.of("model.preset=resnet34")));
    assertEquals(
        "overrides [model.preset=resnet34]: model.preset: unknown value 'resnet34' (valid: micro,"
            + " tiny, resnet18, resnet50)",
        e.getMessage());
  }

  @Test
  void choicesAreTypedHaveDefaultsAndAreWrittenBackByName() throws Exception {
    TrainConfig c = ConfigLoader.load(write(BASE), List.of());
    assertEquals(org.tbps4j.data.DatasetFormat.CUHK_PEDES, c.data().format());
    assertEquals(org.tbps4j.model.ModelConfig.Preset.TINY, c.model().preset());
    assertEquals(TrainConfig.Optimizer.Type.ADAM, c.optimizer().type());
    assertEquals(org.tbps4j.train.schedule.WarmupSchedule.Kind.COSINE, c.schedule().type());
    TrainConfig d =
        ConfigLoader.load(
            write(BASE),
            List.of(
                "data.format=rstpreid",
                "model.preset=micro",
                "optimizer.type=sgd",
                "schedule.type=step"));
    assertEquals(org.tbps4j.data.DatasetFormat.RSTPREID, d.data().format());
    assertEquals(org.tbps4j.model.ModelConfig.Preset.MICRO, d.model().preset());
    assertEquals(TrainConfig.Optimizer.Type.SGD, d.optimizer().type());
    assertEquals(org.tbps4j.train.schedule.WarmupSchedule.Kind.STEP, d.schedule().type());
    String yaml = ConfigLoader.toYaml(d);
    for (String line : List.of("format: rstpreid", "preset: micro", "type: sgd", "type: step")) {
      assertTrue(yaml.contains(line), yaml);
    }
    assertEquals(d, ConfigLoader.parse(yaml, "written"));
    assertEquals("micro", ConfigLoader.valueAt(d, "model.preset").asText());
    // left out: the documented defaults
    TrainConfig e =
        ConfigLoader.parse(
            "data: {root: x}\nloss: [{name: cmpm}]\nstages: [{epochs: 1}]\n", "minimal");
    assertEquals(org.tbps4j.data.DatasetFormat.CUHK_PEDES, e.data().format());
    assertEquals(org.tbps4j.model.ModelConfig.Preset.TINY, e.model().preset());
    assertEquals(TrainConfig.Optimizer.Type.ADAM, e.optimizer().type());
    assertEquals(org.tbps4j.train.schedule.WarmupSchedule.Kind.COSINE, e.schedule().type());
  }
}
