package org.tbps4j.train.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.tbps4j.loss.LossMix;
import org.tbps4j.model.ModelConfig;
import org.tbps4j.train.ModelFactory;

/** Every ready config in configs/ loads, builds its loss mixes and a valid network config. */
class ShippedConfigsTest {
  static final Path CONFIGS = Path.of("..", "configs");

  static List<Path> configs() throws Exception {
    try (Stream<Path> s = Files.list(CONFIGS)) {
      return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  @Test
  void allConfigsAreValid() throws Exception {
    List<Path> files = configs();
    List<String> names = files.stream().map(p -> p.getFileName().toString()).toList();
    assertTrue(
        names.containsAll(
            List.of(
                "quickstart.yaml",
                "dual-path.yaml",
                "mam-psw.yaml",
                "sn.yaml",
                "esa-asm.yaml",
                "sdm-baseline.yaml")),
        names.toString());
    for (Path f : files) {
      TrainConfig c = ConfigLoader.load(f, List.of());
      String text = Files.readString(f);
      assertTrue(text.startsWith("#"), f + " documents its source at the top");
      for (TrainConfig.Stage s : c.stages()) {
        LossMix mix = ModelFactory.lossMix(c.lossOf(s));
        assertFalse(mix.terms().isEmpty(), f.toString());
      }
      ModelConfig mc = ModelFactory.modelConfig(c, 100, 500);
      assertEquals(c.imageHeight(), mc.imageHeight(), f.toString());
      assertEquals(c.maxLength(), mc.maxLength(), f.toString());
    }
  }

  @Test
  void theRecipesHaveTheirPapersMixes() throws Exception {
    TrainConfig mam = ConfigLoader.load(CONFIGS.resolve("mam-psw.yaml"), List.of());
    assertEquals(
        List.of("cmpm:1.0", "cmpc:0.8", "mam:0.2", "psw:1.0"),
        mam.loss().stream().map(t -> t.name() + ":" + t.weight()).toList());
    TrainConfig dp = ConfigLoader.load(CONFIGS.resolve("dual-path.yaml"), List.of());
    assertEquals(2, dp.stages().size());
    assertTrue(dp.stages().get(0).freezeImage());
    assertEquals(
        List.of("ranking:2.0", "instance:1.0"),
        dp.lossOf(dp.stages().get(1)).stream().map(t -> t.name() + ":" + t.weight()).toList());
    assertEquals(
        0.5,
        ((Number) dp.lossOf(dp.stages().get(1)).get(1).params().get("text_weight")).doubleValue());
    TrainConfig quick = ConfigLoader.load(CONFIGS.resolve("quickstart.yaml"), List.of());
    assertEquals(
        List.of("cmpm", "cmpc", "mam", "psw"),
        quick.loss().stream().map(TrainConfig.LossTerm::name).toList());
    assertTrue(ConfigLoader.load(CONFIGS.resolve("esa-asm.yaml"), List.of()).model().esa());
  }
}
