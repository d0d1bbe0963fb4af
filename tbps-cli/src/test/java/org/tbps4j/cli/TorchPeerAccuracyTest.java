package org.tbps4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbps4j.data.CaptionRecord;
import org.tbps4j.data.DatasetFormat;
import org.tbps4j.data.ImageRecord;
import org.tbps4j.data.PedesDataset;
import org.tbps4j.data.Split;
import org.tbps4j.data.image.ImageLoader;
import org.tbps4j.data.image.ImageSettings;
import org.tbps4j.data.text.Vocabulary;

/**
 * {@code bench/torch_peer.py} as the train-to-accuracy twin ({@code --mode accuracy}) and its
 * parts: the parameter counts of its architectures, its metric implementation against {@code tbps
 * score}, its data pipeline (tokenizer, vocabulary, splits, image decoding) against ours, the
 * time-budget schedule, a tiny training run, and bad input.
 */
class TorchPeerAccuracyTest {
  static final Path PEER = TrainBenchTest.PEER;

  @TempDir Path dir;

  @BeforeEach
  void needsTorch() throws Exception {
    assumeTrue(
        BenchPython.available(PEER, "torch, numpy, PIL"),
        "needs /usr/bin/python3 with torch, numpy and PIL (Debian python3-torch, python3-pil)");
  }

  @AfterEach
  void gc() {
    System.gc();
  }

  private static JsonNode json(CliRun r) throws Exception {
    assertEquals(0, r.exitCode(), r.err());
    return Json.MAPPER.readTree(r.out());
  }

  /** A synthetic set of {@code ids} identities at 64×32 in {@code dir/synth}. */
  private Path synth(int ids) throws Exception {
    Path data = dir.resolve("synth");
    json(
        CliRun.of(
            "synth",
            "--out",
            data.toString(),
            "--ids",
            String.valueOf(ids),
            "--size",
            "64x32",
            "--json"));
    return data;
  }

  /** A one-thread accuracy run on {@code data} with a budget of {@code steps} steps. */
  private static JsonNode accuracy(Path data, int steps, String... more) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--mode",
                "accuracy",
                "--data",
                data.toString(),
                "--schedule",
                "steps",
                "--steps",
                String.valueOf(steps),
                "--threads",
                "1"));
    args.addAll(List.of(more));
    return json(BenchPython.run(PEER, args.toArray(String[]::new)));
  }

  private static long conv(long cin, long cout, long k) {
    return cin * cout * k;
  }

  private static long bn(long c) {
    return 2 * c;
  }

  /** A basic residual block (two 3×3 convolutions, a 1×1 projection when the shape changes). */
  private static long basic(long cin, long cout, boolean project) {
    return conv(cin, cout, 9)
        + bn(cout)
        + conv(cout, cout, 9)
        + bn(cout)
        + (project ? conv(cin, cout, 1) + bn(cout) : 0);
  }

  /** A text bottleneck: 1×1 to out/4, 1×2, 1×1 to out; a projection when the shape changes. */
  private static long bottleneck(long cin, long cout, boolean project) {
    long mid = cout / 4;
    return conv(cin, mid, 1)
        + bn(mid)
        + conv(mid, mid, 2)
        + bn(mid)
        + conv(mid, cout, 1)
        + bn(cout)
        + (project ? conv(cin, cout, 1) + bn(cout) : 0);
  }

  /**
   * The parameter counts of both architectures, by arithmetic written here from their description
   * (D = 256, E = 128, V = 300, C = 800).
   */
  @Test
  void parameterCountsOfLeanAndOurs() throws Exception {
    long v = 300;
    long c = 800;
    long d = 256;
    long e = 128;
    // lean: conv 3x3/2 32 + BN, stages conv 3x3/2 + BN + basic block (64, 128, 256), Linear
    // 256->D (no bias) + BN1d; text: table V x E, conv1d k3 E->256 (+bias), two conv1d k3 256->256
    // (+bias), Linear 256->D + BN1d; classifier D x C without bias
    long leanImage =
        conv(3, 32, 9)
            + bn(32)
            + conv(32, 64, 9)
            + bn(64)
            + basic(64, 64, false)
            + conv(64, 128, 9)
            + bn(128)
            + basic(128, 128, false)
            + conv(128, 256, 9)
            + bn(256)
            + basic(256, 256, false);
    long leanText = v * e + conv(e, 256, 3) + 256 + 2 * (conv(256, 256, 3) + 256);
    long bnHead = 256 * d + bn(d);
    long lean = leanImage + bnHead + leanText + bnHead + d * c;
    assertEquals(2_806_560, lean); // the arithmetic itself, so that a slip shows here
    // ours (tiny): stem 3x3 32 + BN, basic blocks 32, 64/2, 128/2, 256/2; head dense D (no bias),
    // BN, projection D x D + bias; text: table, embedding BN, 1x1 stem 128 + BN, bottlenecks 128,
    // 256/2, 256/2; classifier D x C + bias
    long oursImage =
        conv(3, 32, 9)
            + bn(32)
            + basic(32, 32, false)
            + basic(32, 64, true)
            + basic(64, 128, true)
            + basic(128, 256, true);
    long oursText =
        v * e
            + bn(e)
            + conv(e, 128, 1)
            + bn(128)
            + bottleneck(128, 128, false)
            + bottleneck(128, 256, true)
            + bottleneck(256, 256, true);
    long projHead = 256 * d + bn(d) + d * d + d;
    long ours = oursImage + projHead + oursText + projHead + d * c + c;
    for (Map.Entry<String, Long> arch : Map.of("lean", lean, "ours", ours).entrySet()) {
      JsonNode out =
          json(
              BenchPython.run(
                  PEER,
                  "--mode",
                  "params",
                  "--arch",
                  arch.getKey(),
                  "--vocab",
                  "300",
                  "--classes",
                  "800",
                  "--threads",
                  "1"));
      assertEquals((long) arch.getValue(), out.path("parameters").asLong(), arch.getKey());
    }
    // the ablation cells compose: ours with lean heads and text = lean with ours' image path
    JsonNode mixed =
        json(
            BenchPython.run(
                PEER,
                "--mode",
                "params",
                "--arch",
                "ours",
                "--head",
                "bn",
                "--text",
                "conv3",
                "--classifier-bias",
                "no",
                "--vocab",
                "300",
                "--classes",
                "800",
                "--threads",
                "1"));
    assertEquals(oursImage + bnHead + leanText + bnHead + d * c, mixed.path("parameters").asLong());
  }

  /**
   * The twin of today's {@code tiny} preset ({@code --arch tiny}: batch-norm heads, kernel-3 text
   * path, classifier with bias) has exactly as many parameters as the Java model built from the
   * preset, at two vocabulary and class counts.
   */
  @Test
  void theTinyTwinHasTheJavaPresetsParameters() throws Exception {
    for (int[] vc : new int[][] {{300, 800}, {5000, 1000}}) {
      org.tbps4j.model.ModelConfig mc = org.tbps4j.model.ModelConfig.preset("tiny", vc[1], vc[0]);
      long java;
      try (org.tbps4j.model.TbpsModel m = org.tbps4j.model.TbpsModel.create(mc)) {
        java = m.parameterCount();
      }
      JsonNode out =
          json(
              BenchPython.run(
                  PEER,
                  "--mode",
                  "params",
                  "--arch",
                  "tiny",
                  "--vocab",
                  Integer.toString(vc[0]),
                  "--classes",
                  Integer.toString(vc[1]),
                  "--threads",
                  "1"));
      assertEquals(java, out.path("parameters").asLong(), "V " + vc[0] + ", C " + vc[1]);
    }
  }

  /**
   * The script's R@K / mAP / mINP equal {@code tbps score} on the hand case (a skipped query) and
   * on a random matrix with many ties (scores on a coarse grid), where the tie rule decides ranks.
   */
  @Test
  void metricsEqualTbpsScore() throws Exception {
    SplittableRandom rnd = new SplittableRandom(11);
    int q = 60;
    int g = 40;
    StringBuilder sb = new StringBuilder("{\"similarity\": [");
    for (int i = 0; i < q; i++) {
      sb.append(i == 0 ? "[" : ", [");
      for (int j = 0; j < g; j++) {
        sb.append(j == 0 ? "" : ", ").append(rnd.nextInt(5) / 4.0 - 0.5);
      }
      sb.append("]");
    }
    sb.append("], \"query_ids\": [");
    for (int i = 0; i < q; i++) {
      sb.append(i == 0 ? "" : ", ").append(rnd.nextInt(12));
    }
    sb.append("], \"gallery_ids\": [");
    for (int j = 0; j < g; j++) {
      sb.append(j == 0 ? "" : ", ").append(rnd.nextInt(10));
    }
    sb.append("]}");
    int n = 0;
    for (String content : List.of(ScoreCommandTest.handCase(), sb.toString())) {
      Path f = dir.resolve("case" + n++ + ".json");
      Files.writeString(f, content);
      JsonNode ours = json(CliRun.of("score", "--input", f.toString(), "--json"));
      JsonNode torch = json(BenchPython.run(PEER, "--mode", "score", "--input", f.toString()));
      for (String k : List.of("R@1", "R@5", "R@10", "mAP", "mINP")) {
        assertEquals(ours.path(k).asDouble(), torch.path(k).asDouble(), 1e-9, k + " of " + f);
      }
      assertEquals(ours.path("queries").asInt(), torch.path("queries").asInt());
      assertEquals(ours.path("skipped_queries").asInt(), torch.path("skipped_queries").asInt());
    }
  }

  /**
   * The script's tokenizer, vocabulary, splits, gallery/query order and token ids equal ours
   * ({@link PedesDataset}, {@link Vocabulary}) on synthetic captions plus awkward ones (case,
   * apostrophes, hyphens, digits, accents, punctuation-only, blank, a duplicate image entry, an
   * entry with tokens only), and its decoder gives our pixels.
   */
  @Test
  void dataPipelineEqualsOurs() throws Exception {
    Path data = synth(30);
    Path ann = data.resolve("reid_raw.json");
    ArrayNode entries = (ArrayNode) Json.MAPPER.readTree(ann.toFile());
    String[] odd = {
      "The MAN'S red T-shirt, blue jeans; and a bag!",
      "she wears a café-coloured coat ’n’ boots`s 2nd size 10.5",
      "Left HAND holds a bag... right?",
      "   ",
      "?!",
      "Ünïcödé words: Straße, ÉCOLE, naïve, Σίσυφος, 東京 x²",
      "tab\tseparated\nlines\u00a0nbsp",
    };
    for (int i = 0; i < entries.size(); i++) {
      ArrayNode caps = (ArrayNode) entries.get(i).path("captions");
      caps.add(odd[i % odd.length]);
      caps.add(odd[(i * 3 + 1) % odd.length]);
    }
    ((ObjectNode) entries.get(5)).remove("captions"); // processed_tokens joined with spaces
    entries.add(entries.get(7).deepCopy()); // a duplicate image: ours ignores the second entry
    Files.writeString(ann, Json.MAPPER.writeValueAsString(entries));

    PedesDataset ds = PedesDataset.load(DatasetFormat.CUHK_PEDES, data).requireUsable();
    Vocabulary vocab = ds.vocabulary(Vocabulary.DEFAULT_MIN_COUNT);
    JsonNode torch =
        json(
            BenchPython.run(
                PEER,
                "--mode",
                "data",
                "--data",
                data.toString(),
                "--length",
                "12",
                "--threads",
                "1"));
    List<String> words = new ArrayList<>();
    torch.path("vocabulary").forEach(w -> words.add(w.asText()));
    assertEquals(vocab.words(), words);
    assertEquals(ds.trainClasses().size(), torch.path("classes").asInt());
    for (Split s : Split.values()) {
      JsonNode split = torch.path("splits").path(s.jsonName());
      List<ImageRecord> images = ds.images(s);
      assertEquals(images.size(), split.path("gallery_ids").size(), s.jsonName());
      for (int i = 0; i < images.size(); i++) {
        assertEquals(images.get(i).personId(), split.path("gallery_ids").get(i).asLong());
        assertEquals(images.get(i).imagePath(), split.path("gallery_paths").get(i).asText());
      }
      List<CaptionRecord> caps = ds.captions(s);
      assertEquals(caps.size(), split.path("tokens").size(), s.jsonName());
      for (int i = 0; i < caps.size(); i++) {
        int[] ids = vocab.encode(caps.get(i).caption(), 12);
        int[] theirs = new int[ids.length];
        for (int t = 0; t < theirs.length; t++) {
          theirs[t] = split.path("tokens").get(i).get(t).asInt();
        }
        assertArrayEquals(ids, theirs, s.jsonName() + " caption " + i + ": " + caps.get(i));
        assertEquals(caps.get(i).personId(), split.path("query_ids").get(i).asLong());
        assertEquals(
            caps.get(i).imagePath(),
            images.get(split.path("query_image").get(i).asInt()).imagePath());
      }
    }

    // decoding: a lossless PNG at an odd size resized up and down (our bilinear rule, exactly),
    // and a synthetic JPEG at its own size (decoders may differ by a level on other builds)
    SplittableRandom rnd = new SplittableRandom(3);
    BufferedImage png = new BufferedImage(23, 37, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 37; y++) {
      for (int x = 0; x < 23; x++) {
        png.setRGB(x, y, rnd.nextInt(1 << 24));
      }
    }
    Path pngFile = dir.resolve("odd.png");
    ImageIO.write(png, "png", pngFile.toFile());
    Path jpg = data.resolve(ds.images(Split.TRAIN).get(0).imagePath());
    for (String size : List.of("48x20", "16x9", "64x32")) {
      int[] hw = ImageSettings.parseHeightWidth(size);
      ImageLoader loader = new ImageLoader(ImageSettings.imagenet(hw[0], hw[1]));
      JsonNode px =
          json(
              BenchPython.run(
                  PEER,
                  "--mode",
                  "data",
                  "--files",
                  pngFile.toString(),
                  jpg.toString(),
                  "--image",
                  size,
                  "--threads",
                  "1"));
      List<Path> files = List.of(pngFile, jpg);
      for (int f = 0; f < files.size(); f++) {
        byte[] ours = loader.decodeRgb(files.get(f));
        JsonNode theirs = px.path("pixels").get(f);
        assertEquals(ours.length, theirs.size());
        int worst = 0;
        for (int i = 0; i < ours.length; i++) {
          worst = Math.max(worst, Math.abs((ours[i] & 0xFF) - theirs.get(i).asInt()));
        }
        int allowed = f == 0 ? 0 : 1;
        assertTrue(worst <= allowed, files.get(f) + " at " + size + ": differs by " + worst);
      }
    }
  }

  /**
   * The budget-following schedule: linear warm-up to the peak at 3 % of the budget, half the peak
   * half-way through the cosine, 0 at the budget's end; in seconds of a time budget and in steps.
   */
  @Test
  void scheduleFollowsTheBudget() throws Exception {
    JsonNode time =
        json(
            BenchPython.run(
                PEER,
                "--mode",
                "schedule",
                "--minutes",
                "5",
                "--lr",
                "0.002",
                "--at",
                "0,4.5,9,154.5,299.999,300,400",
                "--threads",
                "1"));
    double[] want = {0, 0.001, 0.002, 0.001, 0, 0, 0};
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], time.path("values").get(i).asDouble(), 1e-9, "point " + i);
    }
    assertTrue(time.path("values").get(3).asDouble() < time.path("values").get(2).asDouble());
    JsonNode steps =
        json(
            BenchPython.run(
                PEER,
                "--mode",
                "schedule",
                "--schedule",
                "steps",
                "--steps",
                "1000",
                "--lr",
                "0.001",
                "--at",
                "15,30,515,1000",
                "--threads",
                "1"));
    double[] wantSteps = {0.0005, 0.001, 0.0005, 0};
    for (int i = 0; i < wantSteps.length; i++) {
      assertEquals(wantSteps[i], steps.path("values").get(i).asDouble(), 1e-12, "step point " + i);
    }
  }

  /**
   * A tiny run of each architecture (40 identities, 30 steps): it finishes, the loss is finite and
   * falls, the curve point and the final evaluation are there with R@1 in [0, 100] and the share of
   * the oracle.
   */
  @Test
  void tinyAccuracyRunsFinishAndLearn() throws Exception {
    Path data = synth(40);
    double oracle =
        Json.MAPPER.readTree(data.resolve("oracle.json").toFile()).path("R@1").asDouble();
    for (String arch : List.of("lean", "ours")) {
      JsonNode out =
          accuracy(
              data, 30, "--arch", arch, "--curve-steps", "10", "--log-every", "10", "--seed", "1");
      assertEquals(30, out.path("steps").asInt(), arch);
      assertEquals(arch, out.path("config").path("arch").asText());
      assertTrue(out.path("parameters").asLong() > 1_000_000, arch);
      JsonNode history = out.path("loss_history");
      assertEquals(3, history.size(), arch);
      double first = history.get(0).path("loss").asDouble();
      double last = history.get(2).path("loss").asDouble();
      assertTrue(Double.isFinite(first) && Double.isFinite(last), arch + " " + history);
      assertTrue(last < first, arch + ": loss does not fall " + history);
      JsonNode curve = out.path("curve");
      assertEquals(2, curve.size(), arch);
      assertEquals(10, curve.get(0).path("steps").asInt());
      assertEquals("final", curve.get(1).path("at").asText());
      for (JsonNode p : curve) {
        double r1 = p.path("R@1").asDouble();
        assertTrue(r1 >= 0 && r1 <= 100, arch + " " + p);
        assertTrue(p.path("R@10").asDouble() >= r1, arch + " " + p);
        assertEquals(100 * r1 / oracle, p.path("R@1_pct_of_oracle").asDouble(), 0.01);
        assertEquals("test", p.path("split").asText());
      }
      assertEquals(curve.get(1), out.path("final"));
      assertTrue(out.path("steps_per_second").asDouble() > 0);
      assertTrue(out.path("peak_rss_mib").asLong() > 0);
      assertEquals(oracle, out.path("data").path("oracle_R@1").asDouble(), 1e-9);
    }
  }

  /**
   * {@code --select-every 1}: the val split is checked after every epoch and at the end, the kept
   * model is the first with the highest val R@1, and the final evaluation is of that model: its
   * test metrics equal those of the curve point taken at the selected step (every step is a curve
   * point). With seed 3 the val R@1 peaks before the end (and ties a later check), so the restore
   * and the earliest-on-a-tie rule are both exercised.
   */
  @Test
  void selectionKeepsTheFirstBestValidation() throws Exception {
    Path data = synth(40);
    JsonNode out =
        accuracy(
            data,
            24,
            "--arch",
            "tiny",
            "--select-every",
            "1",
            "--curve-steps",
            everyStepBefore(24),
            "--log-every",
            "8",
            "--seed",
            "3");
    JsonNode sel = out.path("selection");
    assertEquals(1, sel.path("every_epochs").asInt());
    assertEquals(1, out.path("config").path("select_every").asInt());
    JsonNode vals = sel.path("validations");
    assertTrue(vals.size() >= 3, "an epoch is a few steps here, so several checks: " + vals);
    assertEquals(24, vals.get(vals.size() - 1).path("steps").asInt(), "the end is checked");
    int first = 0;
    for (int i = 0; i < vals.size(); i++) {
      if (i > 0) {
        assertTrue(vals.get(i).path("steps").asInt() > vals.get(i - 1).path("steps").asInt());
      }
      if (vals.get(i).path("R@1").asDouble() > vals.get(first).path("R@1").asDouble()) {
        first = i;
      }
    }
    assertEquals(vals.get(first).path("steps").asInt(), sel.path("selected").path("steps").asInt());
    assertEquals(
        vals.get(first).path("R@1").asDouble(),
        sel.path("selected").path("val_R@1").asDouble(),
        1e-9);
    assertEquals("test", out.path("final").path("split").asText());
    assertEquals(24, out.path("steps").asInt());
    int selected = sel.path("selected").path("steps").asInt();
    JsonNode last = out.path("curve").get(out.path("curve").size() - 1);
    assertEquals(out.path("final"), last);
    assertTrue(selected < 24, "seed 3 peaks on val before the end: " + vals);
    JsonNode at = out.path("curve").get(selected - 1);
    assertEquals(selected, at.path("steps").asInt());
    for (String metric : List.of("R@1", "R@5", "mAP", "mINP")) {
      assertEquals(at.path(metric).asDouble(), last.path(metric).asDouble(), 1e-9, metric);
    }
    CliRun bad =
        BenchPython.run(
            PEER, "--mode", "accuracy", "--data", data.toString(), "--select-every", "-1");
    assertEquals(2, bad.exitCode(), bad.err());
    assertTrue(bad.err().contains("--select-every must be >= 0, got -1"), bad.err());
  }

  private static String everyStepBefore(int steps) {
    StringBuilder b = new StringBuilder();
    for (int i = 1; i < steps; i++) {
      b.append(i == 1 ? "" : ",").append(i);
    }
    return b.toString();
  }

  /** A missing directory, a directory without reid_raw.json and bad flags: exit 2, named. */
  @Test
  void badInputExitsWithTwoAndNamesTheFileOrFlag() throws Exception {
    Path none = dir.resolve("none");
    CliRun r = BenchPython.run(PEER, "--mode", "accuracy", "--data", none.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains(none + ": not a directory"), r.err());
    r = BenchPython.run(PEER, "--mode", "accuracy", "--data", dir.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains(dir.resolve("reid_raw.json") + ": not found"), r.err());
    Files.writeString(dir.resolve("reid_raw.json"), "[{\"id\": 1, \"split\": \"train\"}]");
    r = BenchPython.run(PEER, "--mode", "accuracy", "--data", dir.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("entry 0: missing field 'captions', 'file_path'"), r.err());
    r =
        BenchPython.run(
            PEER, "--mode", "accuracy", "--data", dir.toString(), "--loss", "cmpm=1,x=2");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("--loss: unknown loss 'x'"), r.err());
    r = BenchPython.run(PEER, "--mode", "accuracy", "--data", dir.toString(), "--arch", "big");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("--arch"), r.err());
    r = BenchPython.run(PEER, "--mode", "accuracy", "--data", dir.toString(), "--steps", "5");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("--steps sets a step budget"), r.err());
    r = BenchPython.run(PEER, "--mode", "accuracy", "--data", dir.toString(), "--image", "64");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("--image: expected HxW"), r.err());
  }
}
