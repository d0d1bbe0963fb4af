package org.tbps4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tbps4j.data.PedesDataset.SplitStats;
import org.tbps4j.data.Split;
import org.tbps4j.data.image.ImageSettings;
import org.tbps4j.data.synth.ContactSheet;
import org.tbps4j.data.synth.Oracle;
import org.tbps4j.data.synth.SynthConfig;
import org.tbps4j.data.synth.SyntheticDataset;
import org.tbps4j.data.synth.World;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tbps synth}: writes a synthetic pedestrian dataset in CUHK-PEDES layout, in one of the
 * worlds (docs/synthetic-data.md).
 */
@Command(
    name = "synth",
    mixinStandardHelpOptions = true,
    description = {
      "Generate a synthetic pedestrian dataset in CUHK-PEDES layout: DIR/reid_raw.json,"
          + " DIR/imgs/synth/* (jpg in the studio world, png in the street world),"
          + " DIR/attributes.json and DIR/oracle.json (R@1/5/10, mAP of a perfect attribute"
          + " matcher on the test split).",
      "Byte-identical output for the same seed and settings. DIR appears only when complete.",
      "Worlds: studio (default; plain backdrops, 80/10/10 split), street (cluttered scenes, varied"
          + " scale and position, occlusion, lighting, another caption grammar, 70/15/15 split)."
    })
public final class SynthCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Output directory (new or empty).")
  Path out;

  @Option(
      names = "--ids",
      defaultValue = "1000",
      description =
          "Number of identities (split by identity: 80/10/10 %% train/val/test in the studio,"
              + " 70/15/15 %% in the street). Default: ${DEFAULT-VALUE}.")
  int ids;

  @Option(
      names = "--world",
      defaultValue = "studio",
      paramLabel = "NAME",
      description = "The world drawn: studio or street. Default: ${DEFAULT-VALUE}.")
  String world;

  @Option(
      names = "--images-per-id",
      defaultValue = "2..5",
      paramLabel = "a..b",
      description = "Images per identity, uniform in a..b. Default: ${DEFAULT-VALUE}.")
  String imagesPerId;

  @Option(names = "--seed", defaultValue = "42", description = "Seed. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--size",
      defaultValue = "128x64",
      paramLabel = "HxW",
      description = "Image height x width in pixels. Default: ${DEFAULT-VALUE}.")
  String size;

  @Option(
      names = "--threads",
      description = "Image-writing threads (output does not depend on it). Default: cores.")
  Integer threads;

  @Option(
      names = "--contact-sheet",
      paramLabel = "FILE.png",
      description = "Also write a contact sheet of generated people (PNG).")
  Path contactSheet;

  @Option(
      names = "--contact-sheet-people",
      defaultValue = "6",
      description = "Rows (people) of the contact sheet. Default: ${DEFAULT-VALUE}.")
  int sheetPeople;

  @Option(names = "--json", description = "Print a JSON summary instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    int[] range = SynthConfig.parseRange(imagesPerId);
    int[] hw = ImageSettings.parseHeightWidth(size);
    SynthConfig config =
        new SynthConfig(
            ids,
            range[0],
            range[1],
            seed,
            hw[0],
            hw[1],
            threads != null ? threads : Runtime.getRuntime().availableProcessors(),
            World.parse(world));
    long t0 = System.nanoTime();
    SyntheticDataset.Summary s = SyntheticDataset.generate(config, out);
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (contactSheet != null) {
      ContactSheet.write(out, contactSheet, sheetPeople, 3);
    }
    PrintWriter w = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("out", out.toString());
      m.put("world", config.world().id());
      m.put("seconds", Math.round(seconds * 100) / 100.0);
      Map<String, Object> splits = new LinkedHashMap<>();
      s.splits().forEach((k, v) -> splits.put(k.jsonName(), DataValidateCommand.statsMap(v)));
      m.put("splits", splits);
      m.put("oracle", s.oracle().asMap());
      w.println(Json.write(m));
    } else {
      w.printf("wrote %s (world %s) in %.1f s%n", out, config.world().id(), seconds);
      w.printf("%-6s %8s %8s %9s%n", "split", "ids", "images", "captions");
      for (Split sp : Split.values()) {
        SplitStats st = s.splits().get(sp);
        w.printf("%-6s %8d %8d %9d%n", sp.jsonName(), st.ids(), st.images(), st.captions());
      }
      Oracle.Result o = s.oracle();
      w.printf(
          "oracle (test, perfect attribute matcher): R@1 %.2f  R@5 %.2f  R@10 %.2f  mAP %.2f%n",
          100 * o.metrics().recallAt1(),
          100 * o.metrics().recallAt5(),
          100 * o.metrics().recallAt10(),
          100 * o.metrics().meanAveragePrecision());
      if (contactSheet != null) {
        w.println("contact sheet: " + contactSheet);
      }
    }
    w.flush();
    return CliErrors.EXIT_OK;
  }
}
