package org.tbps4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tbps4j.data.CaptionRecord;
import org.tbps4j.data.DatasetFormat;
import org.tbps4j.data.PedesDataset;
import org.tbps4j.data.Split;
import org.tbps4j.model.ModelAttachments;
import org.tbps4j.model.search.Embeddings;
import org.tbps4j.model.search.Progress;
import org.tbps4j.search.ModelBundle;
import org.tbps4j.search.Searcher;
import org.tbps4j.train.SplitEvaluator;
import org.tbps4j.train.config.ConfigLoader;
import org.tbps4j.train.report.HtmlReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tbps eval}: metrics of a saved model on a split, and an HTML report. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate a saved model on a split: R@1/5/10, mAP, mINP, and an HTML report.",
      "Every caption of the split is a query, every image of the split is in the gallery.",
      "The report shows sampled queries with their top-10",
      "images, failures by attribute on synthetic data, and the training curves of the model's run."
    })
public final class EvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin SavedModelOption model;

  @Mixin DatasetReadOption read;

  @Option(names = "--data", required = true, paramLabel = "DIR", description = "Dataset root.")
  Path data;

  @Option(
      names = "--split",
      defaultValue = "test",
      description = "Split to evaluate: train, val or test. Default: ${DEFAULT-VALUE}.")
  String split;

  @Option(
      names = "--format",
      description = "Dataset format (default: the one the model was trained on, else cuhk-pedes).")
  String format;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description = "HTML report path (default: report.html next to the model).")
  Path report;

  @Option(names = "--no-report", description = "Do not write the HTML report.")
  boolean noReport;

  @Option(names = "--samples", defaultValue = "12", description = "Queries shown in the report.")
  int samples;

  @Option(names = "--batch", defaultValue = "128", description = "Embedding batch size.")
  int batch;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Split s = Split.fromName(split);
    ModelBundle run = model.load();
    PedesDataset ds = dataset(run, format, data, read, spec.commandLine().getErr(), "tbps eval");
    SplitEvaluator.Outcome o = evaluate(run, ds, s, batch);
    var out = spec.commandLine().getOut();
    Path reportFile = null;
    if (!noReport) {
      reportFile =
          report != null
              ? report
              : model.path().toAbsolutePath().getParent().resolve("report.html");
      writeReport(run, o, data, reportFile, samples, Map.of());
    }
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>(o.metrics().asPercentMap());
      m.put("split", s.jsonName());
      m.put("seconds", o.seconds());
      if (reportFile != null) {
        m.put("report", reportFile.toString());
      }
      out.println(Json.write(m));
    } else {
      out.print(o.metrics().toTable());
      if (reportFile != null) {
        out.println("report: " + reportFile);
      }
    }
    out.flush();
    return CliErrors.EXIT_OK;
  }

  static SplitEvaluator.Outcome evaluate(ModelBundle run, PedesDataset ds, Split s, int batch) {
    // inference through tbps-search (the one image loop, the caption loop); SplitEvaluator (shared
    // with the trainer's validation) only ranks and scores
    long t0 = System.nanoTime();
    Embeddings gallery;
    try {
      gallery = Searcher.embedSplit(run, ds, s, batch, decodeWorkers(), Progress.NONE);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    List<CaptionRecord> queries = SplitEvaluator.queries(ds, s, 0);
    Embeddings q =
        Searcher.embedCaptions(run, queries.stream().map(CaptionRecord::caption).toList(), batch);
    return SplitEvaluator.score(
        ds, s, gallery, queries, q, run.model().config().esa().lambda(), 1024, t0);
  }

  /**
   * Reads the dataset a saved model is evaluated on, refusing it when it has errors (the rules of
   * {@code train} and {@code data validate}).
   *
   * @param run the saved model
   * @param format the dataset format, or null for the one the model was trained on (else
   *     cuhk-pedes)
   * @param data the dataset root
   * @param read the {@code --lenient} / {@code --skip-bad-images} options
   * @param err where skip counts are printed
   * @param command the command, for messages
   * @return the usable dataset
   * @throws java.io.IOException if the annotation file cannot be read
   * @throws IllegalArgumentException listing the errors when the dataset is not usable
   */
  static PedesDataset dataset(
      ModelBundle run,
      String format,
      Path data,
      DatasetReadOption read,
      java.io.PrintWriter err,
      String command)
      throws java.io.IOException {
    String fmt =
        format != null
            ? format
            : run.configText()
                .map(
                    t ->
                        ConfigLoader.parse(t, run.file() + "!" + ModelAttachments.CONFIG)
                            .data()
                            .format()
                            .cliName())
                .orElse("cuhk-pedes");
    return read.load(DatasetFormat.fromName(fmt), data, err, command);
  }

  /**
   * Image decoding threads of the evaluation commands: one per core.
   *
   * @return at least 1
   */
  static int decodeWorkers() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  static void writeReport(
      ModelBundle run,
      SplitEvaluator.Outcome o,
      Path data,
      Path file,
      int samples,
      Map<String, String> extra)
      throws java.io.IOException {
    writeReport(
        run,
        o,
        data,
        file,
        samples,
        extra,
        run.file().toAbsolutePath().getParent().resolve("metrics.json"));
  }

  /**
   * Writes the HTML report with the training curves of a given run history.
   *
   * @param history the run's {@code metrics.json} (loss terms, validations); left out of the report
   *     when the file does not exist
   */
  static void writeReport(
      ModelBundle run,
      SplitEvaluator.Outcome o,
      Path data,
      Path file,
      int samples,
      Map<String, String> extra,
      Path history)
      throws java.io.IOException {
    Map<String, String> header = new LinkedHashMap<>();
    header.put("model", run.file().toAbsolutePath().toString());
    header.put("dataset", data.toAbsolutePath().toString());
    header.putAll(extra);
    HtmlReport.write(
        new HtmlReport.Input(
            "TBPS4J evaluation",
            o,
            data,
            Files.isRegularFile(history) ? history : null,
            samples,
            header),
        file);
  }
}
