package org.tbps4j.train.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tbps4j.data.image.ImageSettings;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.train.ModelFactory;

/**
 * The image size and the token length have one source: the model preset, overridden by the data
 * section only where it gives them; the network and its image preprocessing follow.
 */
class PresetSizesTest {

  /**
   * What every shipped config resolved to before the sizes moved to the preset (computed on main at
   * the start of this change, by loading each file and reading its data section): {@code H, W, L}.
   */
  static final Map<String, int[]> SHIPPED = new LinkedHashMap<>();

  static {
    SHIPPED.put("configs/dual-path.yaml", new int[] {384, 128, 56});
    SHIPPED.put("configs/esa-asm.yaml", new int[] {384, 128, 56});
    SHIPPED.put("configs/mam-psw.yaml", new int[] {384, 128, 56});
    SHIPPED.put("configs/quickstart.yaml", new int[] {64, 32, 32});
    SHIPPED.put("configs/sdm-baseline.yaml", new int[] {384, 128, 56});
    SHIPPED.put("configs/sn.yaml", new int[] {384, 128, 56});
    SHIPPED.put("configs/sweeps/synthetic-base.yaml", new int[] {64, 32, 32});
    SHIPPED.put("bench/recipes/quickstart-v1.yaml", new int[] {64, 32, 32});
    SHIPPED.put("bench/recipes/shares-new-network-old-recipe.yaml", new int[] {64, 32, 32});
    SHIPPED.put("bench/recipes/shares-old-network-new-recipe.yaml", new int[] {64, 32, 32});
  }

  @Test
  void everyShippedConfigTrainsAtTheSizesItTrainedAtBefore() throws Exception {
    // every training config shipped in configs/ is in the table (a new one must be added to it)
    for (Path f : ShippedConfigsTest.configs()) {
      assertTrue(SHIPPED.containsKey("configs/" + f.getFileName()), f + " is missing from SHIPPED");
    }
    for (Map.Entry<String, int[]> e : SHIPPED.entrySet()) {
      TrainConfig c = ConfigLoader.load(Path.of("..").resolve(e.getKey()), List.of());
      int[] want = e.getValue();
      assertEquals(want[0], c.imageHeight(), e.getKey());
      assertEquals(want[1], c.imageWidth(), e.getKey());
      assertEquals(want[2], c.maxLength(), e.getKey());
      ModelConfig mc = ModelFactory.modelConfig(c, 100, 500);
      assertEquals(want[0], mc.imageHeight(), e.getKey());
      assertEquals(want[1], mc.imageWidth(), e.getKey());
      assertEquals(want[2], mc.maxLength(), e.getKey());
      assertEquals(
          ImageSettings.imagenet(want[0], want[1]), ModelFactory.imageSettings(mc), e.getKey());
    }
  }

  private static TrainConfig config(String data, String preset, List<String> overrides) {
    TrainConfig c =
        ConfigLoader.parse(
            "data: {root: x"
                + data
                + "}\nmodel: {preset: "
                + preset
                + "}\nloss: [{name: cmpm}]\nstages: [{epochs: 1}]\n",
            "sizes.yaml");
    return overrides.isEmpty() ? c : ConfigLoader.override(c, overrides);
  }

  @Test
  void aConfigWithoutSizesTrainsAtItsPresetsSizes() {
    for (ModelConfig.Preset p : ModelConfig.Preset.values()) {
      TrainConfig c = config("", p.json(), List.of());
      ModelConfig preset = p.config(1, 2);
      assertEquals(preset.imageHeight(), c.imageHeight(), p.json());
      assertEquals(preset.imageWidth(), c.imageWidth(), p.json());
      assertEquals(preset.maxLength(), c.maxLength(), p.json());
      ModelConfig mc = ModelFactory.modelConfig(c, 10, 50);
      assertEquals(preset.imageHeight(), mc.imageHeight(), p.json());
      assertEquals(preset.maxLength(), mc.maxLength(), p.json());
    }
    // the case: tiny without image_height is 64×32 with 32 tokens, not 384×128 / 56
    TrainConfig tiny = config("", "tiny", List.of());
    assertEquals(
        List.of(64, 32, 32), List.of(tiny.imageHeight(), tiny.imageWidth(), tiny.maxLength()));
  }

  @Test
  void theDataSectionOverridesOnlyWhatItGives() {
    TrainConfig c = config(", image_height: 96", "tiny", List.of());
    assertEquals(96, c.imageHeight());
    assertEquals(32, c.imageWidth());
    assertEquals(32, c.maxLength());
    TrainConfig d = config(", max_length: 20", "resnet18", List.of());
    assertEquals(List.of(384, 128, 20), List.of(d.imageHeight(), d.imageWidth(), d.maxLength()));
    // what the config left out is not written into it, so the resolved config read back (a
    // run's config.yaml) still follows its preset
    assertNull(c.data().imageWidth());
    String yaml = ConfigLoader.toYaml(c);
    assertTrue(yaml.contains("image_height: 96"), yaml);
    assertFalse(yaml.contains("image_width"), yaml);
    assertFalse(yaml.contains("max_length: 32"), yaml);
    assertEquals(c, ConfigLoader.parse(yaml, "written"));
  }

  @Test
  void aPresetChangedLaterBringsItsOwnSizes() {
    // by --set on a loaded file, and by an override of a loaded config (sweeps, the quickstart's
    // --set): the same result
    TrainConfig micro = config("", "tiny", List.of("model.preset=micro"));
    assertEquals(
        List.of(16, 8, 8), List.of(micro.imageHeight(), micro.imageWidth(), micro.maxLength()));
    TrainConfig given =
        config(", image_height: 32, image_width: 16", "tiny", List.of("model.preset=micro"));
    assertEquals(
        List.of(32, 16, 8), List.of(given.imageHeight(), given.imageWidth(), given.maxLength()));
  }

  @Test
  void sizeLimitsApplyToThePresetsSizesToo() {
    // 65536 × 3 × 384 × 128 floats per embedding batch is above one Java array: refused with the
    // preset's sizes, which the data section does not give (with tiny's 64 × 32 it fits)
    String yaml =
        "data: {root: x}\nmodel: {preset: %s}\neval: {batch_size: 65536}\n"
            + "loss: [{name: cmpm}]\nstages: [{epochs: 1}]\n";
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> ConfigLoader.parse(yaml.formatted("resnet50"), "limits.yaml"));
    assertTrue(
        e.getMessage().contains("eval.batch_size × 3 × data.image_height × data.image_width"),
        e.getMessage());
    assertEquals(64, ConfigLoader.parse(yaml.formatted("tiny"), "limits.yaml").imageHeight());
  }
}
