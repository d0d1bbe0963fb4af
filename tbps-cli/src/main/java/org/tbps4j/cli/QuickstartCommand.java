package org.tbps4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tbps4j.data.synth.SynthConfig;
import org.tbps4j.data.synth.SyntheticDataset;
import org.tbps4j.data.synth.World;
import org.tbps4j.model.AtomicFiles;
import org.tbps4j.search.ModelBundle;
import org.tbps4j.train.Trainer;
import org.tbps4j.train.config.ConfigLoader;
import org.tbps4j.train.config.TrainConfig;
import org.tbps4j.train.run.RunLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tbps quickstart}: the out-of-the-box job. Generates the synthetic dataset, trains the tiny
 * dual-path model with the MAM + PSW mix ({@code configs/quickstart.yaml}), evaluates on the test
 * split and writes the metrics (with the generator's oracle), the report and the model.
 */
@Command(
    name = "quickstart",
    mixinStandardHelpOptions = true,
    description = {
      "Synthetic data -> train the tiny model (configs/quickstart.yaml) -> test metrics and report.",
      "Writes DIR/metrics.json (R@1, R@5, R@10, mAP, mINP and the oracle's R@1), DIR/report.html,",
      "DIR/model.zip, and keeps the data (DIR/data) and the run (DIR/run)."
    })
public final class QuickstartCommand implements Callable<Integer> {
  /** Classpath location of the packaged quickstart config (copied from configs/). */
  static final String CONFIG_RESOURCE = "/configs/quickstart.yaml";

  @Spec CommandSpec spec;

  @Option(
      names = "--out",
      defaultValue = "quickstart-out",
      paramLabel = "DIR",
      description = "Output folder. Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(
      names = "--minutes",
      defaultValue = "5",
      paramLabel = "M",
      description =
          "Wall-time budget for the whole job; training stops early to keep it. Default: ${DEFAULT-VALUE}.")
  double minutes;

  @Option(
      names = "--ids",
      defaultValue = "1000",
      description = "Synthetic identities. Default: ${DEFAULT-VALUE}.")
  int ids;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed of data and training. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--world",
      defaultValue = "studio",
      paramLabel = "NAME",
      description =
          "Synthetic world of the generated data (tbps synth --world). Default: ${DEFAULT-VALUE}.")
  String world;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Use this config instead of the packaged quickstart.yaml.")
  Path config;

  @Option(names = "--set", paramLabel = "PATH=VALUE", description = "Override a config value.")
  List<String> overrides = new java.util.ArrayList<>();

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    if (minutes <= 0) {
      throw new IllegalArgumentException("--minutes must be > 0, got " + minutes);
    }
    World dataWorld = World.parse(world);
    try (RunLock lock = RunLock.acquire(out)) { // one quickstart per --out, data and run included
      return quickstart(t0, dataWorld);
    }
  }

  private int quickstart(long t0, World dataWorld) throws Exception {
    var o = spec.commandLine().getOut();
    TrainConfig base;
    if (config != null) {
      base = ConfigLoader.load(config, List.of());
    } else {
      try (InputStream in = QuickstartCommand.class.getResourceAsStream(CONFIG_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("the packaged quickstart config is missing from the jar");
        }
        base =
            ConfigLoader.parse(
                new String(in.readAllBytes(), StandardCharsets.UTF_8), "quickstart.yaml");
      }
    }
    Path dataDir = out.resolve("data");
    // the folder and the seed are set on the record, never through --set text: a folder named
    // "try #2" or "a: b" is a path, not YAML; --set overrides still come after them
    TrainConfig cfg =
        ConfigLoader.override(base.withDataRoot(dataDir.toString()).withSeed(seed), overrides);

    // 1. data
    if (!Files.isRegularFile(dataDir.resolve("reid_raw.json"))) {
      o.println("generating " + ids + " synthetic identities in " + dataDir + " ...");
      o.flush();
      SyntheticDataset.generate(
          new SynthConfig(
              ids,
              2,
              5,
              seed,
              cfg.imageHeight(),
              cfg.imageWidth(),
              Runtime.getRuntime().availableProcessors(),
              dataWorld),
          dataDir);
    } else {
      o.println("using the synthetic data already in " + dataDir);
    }
    double dataSeconds = (System.nanoTime() - t0) / 1e9;

    // 2. train (+ validation, best-model selection, test)
    Path runDir = out.resolve("run");
    if (Files.isDirectory(runDir.resolve("checkpoints"))) {
      throw new IllegalArgumentException(
          runDir + " already holds a run: remove " + out + " or choose another --out");
    }
    double reserve = 25; // final evaluation, report
    double budget = Math.max(30, minutes * 60 - dataSeconds - reserve);
    o.println("training (budget " + Math.round(budget) + " s) in " + runDir + " ...");
    o.flush();
    TrainCommand train = new TrainCommand();
    train.spec = spec;
    train.maxMinutes = budget / 60;
    int code = train.run(cfg, runDir, false);
    if (code != CliErrors.EXIT_OK) {
      return code;
    }

    // 3. outputs
    Path model = out.resolve("model.zip");
    Files.copy(
        runDir.resolve(Trainer.MODEL_ZIP),
        model,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    JsonNode runMetrics = Json.MAPPER.readTree(runDir.resolve(Trainer.METRICS_JSON).toFile());
    JsonNode test = runMetrics.get("test");
    JsonNode oracle = Json.MAPPER.readTree(dataDir.resolve("oracle.json").toFile());
    Map<String, Object> m = new LinkedHashMap<>();
    for (String k : new String[] {"R@1", "R@5", "R@10", "mAP", "mINP"}) {
      m.put(k, test.get(k).asDouble());
    }
    double oracleR1 = oracle.get("R@1").asDouble();
    m.put("oracle_R@1", oracleR1);
    m.put("oracle_R@5", oracle.get("R@5").asDouble());
    m.put("oracle_mAP", oracle.get("mAP").asDouble());
    m.put("R@1_fraction_of_oracle", test.get("R@1").asDouble() / oracleR1);
    m.put("queries", test.get("queries").asInt());
    m.put("identities", ids);
    m.put("seed", seed);
    ModelBundle saved = ModelBundle.open(model);
    var ds =
        DatasetReadOption.load(
            cfg.data().format(),
            dataDir,
            cfg.data().lenient(),
            cfg.data().skipBadImages(),
            spec.commandLine().getErr(),
            "tbps quickstart (test evaluation)");
    var outcome =
        EvalCommand.evaluate(saved, ds, org.tbps4j.data.Split.TEST, cfg.eval().batchSize());
    Path report = out.resolve("report.html");
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put(
        "oracle R@1 (perfect attribute matcher)",
        String.format(java.util.Locale.ROOT, "%.2f", oracleR1));
    // the training curves (loss terms, validation R@1) come from the run's history
    EvalCommand.writeReport(
        saved, outcome, dataDir, report, 12, extra, runDir.resolve(Trainer.METRICS_JSON));
    double total = (System.nanoTime() - t0) / 1e9;
    m.put("seconds_total", Math.round(total * 10) / 10.0);
    m.put("seconds_data", Math.round(dataSeconds * 10) / 10.0);
    AtomicFiles.writeString(out.resolve("metrics.json"), Json.write(m));
    o.printf(
        java.util.Locale.ROOT,
        "%nquickstart done in %.0f s: test R@1 %.2f (%.0f%% of the oracle's %.2f), mAP %.2f%n",
        total,
        test.get("R@1").asDouble(),
        100 * test.get("R@1").asDouble() / oracleR1,
        oracleR1,
        test.get("mAP").asDouble());
    o.println("metrics: " + out.resolve("metrics.json"));
    o.println("report:  " + report);
    o.println("model:   " + model);
    o.flush();
    return CliErrors.EXIT_OK;
  }
}
