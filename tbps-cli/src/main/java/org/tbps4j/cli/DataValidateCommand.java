package org.tbps4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tbps4j.data.DatasetFormat;
import org.tbps4j.data.ImageCheck;
import org.tbps4j.data.PedesDataset;
import org.tbps4j.data.PedesDataset.SplitStats;
import org.tbps4j.data.Problem;
import org.tbps4j.data.ReadOptions;
import org.tbps4j.data.Severity;
import org.tbps4j.data.Split;
import org.tbps4j.data.SplitRule;
import org.tbps4j.data.text.Vocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tbps data validate}: reads a dataset the way training would and reports per-split counts,
 * the vocabulary size and every problem. Exit 0 when usable, 2 when not.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Check a CUHK-PEDES / ICFG-PEDES / RSTPReid dataset the way a training run reads it: per-split"
          + " ids, images and captions, the vocabulary size (train captions, min count 3), and every"
          + " problem (kind, entry index, file, message).",
      "Exit code 0 when a training run can use the dataset with these options, 2 when it cannot."
    })
public final class DataValidateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--format",
      required = true,
      paramLabel = "FORMAT",
      description = "cuhk-pedes, icfg-pedes or rstpreid.")
  String format;

  @Option(
      names = "--root",
      required = true,
      paramLabel = "DIR",
      description = "Dataset root (annotation file and imgs/).")
  Path root;

  @Option(
      names = "--annotations",
      paramLabel = "FILE",
      description =
          "Annotation file (default: the format's usual name under the root: reid_raw.json,"
              + " ICFG-PEDES.json, data_captions.json).")
  Path annotations;

  @Option(
      names = "--image-dir",
      defaultValue = ReadOptions.DEFAULT_IMAGE_DIR,
      paramLabel = "DIR",
      description =
          "Directory under the root that image paths are relative to (\"\" for the root itself)."
              + " Default: ${DEFAULT-VALUE}.")
  String imageDir;

  @Option(names = "--json", description = "Print the report as one JSON object.")
  boolean json;

  @Option(
      names = "--lenient",
      description =
          "Skip entries with a missing field, wrong type or bad value (counted) instead of"
              + " refusing the dataset. Unsafe image paths are refused regardless.")
  boolean lenient;

  @Option(
      names = "--skip-bad-images",
      description = "Skip missing or unreadable images (counted) instead of refusing the dataset.")
  boolean skipBadImages;

  @Option(
      names = "--split-rule",
      paramLabel = "TRAIN,VAL,TEST",
      description =
          "Assign splits by entry position (for files without a split field, e.g. CUHK-PEDES's"
              + " caption_all.json): entry counts, or cuhk-pedes for 34054,3078,3074.")
  String splitRule;

  @Option(
      names = "--val-ids",
      paramLabel = "N",
      description =
          "Train identities moved to a new val split when the data has none (ICFG-PEDES default:"
              + " 10%% of train identities).")
  Integer valIds;

  @Option(
      names = "--val-seed",
      defaultValue = "0",
      description = "Seed of the identity shuffle that picks the val identities. Default: 0.")
  long valSeed;

  @Option(
      names = "--image-check",
      defaultValue = "decode",
      paramLabel = "LEVEL",
      description = "none, exists, header or decode (every image). Default: ${DEFAULT-VALUE}.")
  ImageCheck imageCheck;

  @Option(
      names = "--min-count",
      defaultValue = "3",
      description = "Vocabulary minimum count. Default: ${DEFAULT-VALUE}.")
  int minCount;

  @Override
  public Integer call() throws Exception {
    DatasetFormat f = DatasetFormat.fromName(format);
    ReadOptions options =
        ReadOptions.defaults()
            .withLenient(lenient)
            .withSkipBadImages(skipBadImages)
            .withSplitRule(splitRule == null ? null : SplitRule.parse(splitRule))
            .withValIds(valIds == null ? ReadOptions.FORMAT_DEFAULT : valIds, valSeed)
            .withImageCheck(imageCheck)
            .withImageDir(imageDir);
    PedesDataset ds = PedesDataset.load(f, root, annotations, options);
    Vocabulary vocab = ds.vocabulary(minCount);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.write(report(ds, vocab)));
    } else {
      printTable(out, ds, vocab);
    }
    out.flush();
    if (!ds.usable()) {
      long errors = ds.problems().stream().filter(p -> p.severity() == Severity.ERROR).count();
      spec.commandLine()
          .getErr()
          .println(
              spec.qualifiedName()
                  + ": the dataset is not usable with these options ("
                  + errors
                  + (errors == 1 ? " error" : " errors")
                  + ")");
      return CliErrors.EXIT_BAD_INPUT;
    }
    return CliErrors.EXIT_OK;
  }

  /** The JSON report. */
  static Map<String, Object> report(PedesDataset ds, Vocabulary vocab) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", ds.format().cliName());
    m.put("root", ds.root().toString());
    m.put("annotations", ds.annotationFile().toString());
    m.put("usable", ds.usable());
    Map<String, Object> splits = new LinkedHashMap<>();
    for (Split s : Split.values()) {
      splits.put(s.jsonName(), statsMap(ds.stats(s)));
    }
    m.put("splits", splits);
    m.put("carved_val_ids", ds.carvedValIds());
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("min_count", vocab.minCount());
    v.put("size", vocab.size());
    m.put("vocabulary", v);
    Map<String, Object> sk = new LinkedHashMap<>();
    sk.put("entries", ds.skipped().entries());
    sk.put("blank_captions", ds.skipped().captions());
    sk.put("duplicate_images", ds.skipped().duplicates());
    sk.put("bad_images", ds.skipped().badImages());
    m.put("skipped", sk);
    List<Map<String, Object>> problems = new ArrayList<>();
    for (Problem p : ds.problems()) {
      Map<String, Object> pm = new LinkedHashMap<>();
      pm.put("kind", p.kind().jsonName());
      pm.put("severity", p.severity().jsonName());
      pm.put("entry", p.entry() < 0 ? null : p.entry());
      pm.put("file", p.file());
      pm.put("line", p.line() < 0 ? null : p.line());
      pm.put("column", p.column() < 0 ? null : p.column());
      pm.put("message", p.describe());
      problems.add(pm);
    }
    m.put("problems", problems);
    return m;
  }

  static Map<String, Object> statsMap(SplitStats s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ids", s.ids());
    m.put("images", s.images());
    m.put("captions", s.captions());
    return m;
  }

  private static void printTable(PrintWriter out, PedesDataset ds, Vocabulary vocab) {
    out.printf("%s dataset at %s%n", ds.format().cliName(), ds.root());
    out.printf("annotations: %s%n", ds.annotationFile());
    out.printf("%-6s %8s %8s %9s%n", "split", "ids", "images", "captions");
    for (Split s : Split.values()) {
      SplitStats st = ds.stats(s);
      out.printf("%-6s %8d %8d %9d%n", s.jsonName(), st.ids(), st.images(), st.captions());
    }
    if (ds.carvedValIds() > 0) {
      out.printf("(val: %d identities carved out of train, --val-ids)%n", ds.carvedValIds());
    }
    out.printf(
        "vocabulary (train captions, min count %d): %d ids including <pad> and <unk>%n",
        vocab.minCount(), vocab.size());
    PedesDataset.Skipped sk = ds.skipped();
    out.printf(
        "skipped: %d entries, %d blank captions, %d duplicate images, %d bad images%n",
        sk.entries(), sk.captions(), sk.duplicates(), sk.badImages());
    long errors = ds.problems().stream().filter(p -> p.severity() == Severity.ERROR).count();
    long warnings = ds.problems().stream().filter(p -> p.severity() == Severity.WARNING).count();
    long notes = ds.problems().size() - errors - warnings;
    out.printf(
        "problems: %d (errors %d, warnings %d, notes %d)%n",
        ds.problems().size(), errors, warnings, notes);
    for (Problem p : ds.problems()) {
      out.printf("  %-7s %-22s %s%n", p.severity().jsonName(), p.kind().jsonName(), p.describe());
    }
    out.printf("usable: %s%n", ds.usable() ? "yes" : "no");
  }
}
