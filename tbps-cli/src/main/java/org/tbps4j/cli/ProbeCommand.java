package org.tbps4j.cli;

import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tbps4j.data.CaptionRecord;
import org.tbps4j.data.PedesDataset;
import org.tbps4j.data.Split;
import org.tbps4j.data.synth.Attribute;
import org.tbps4j.data.synth.SynthAttributes;
import org.tbps4j.data.text.CaptionEncoder;
import org.tbps4j.eval.LinearProbe;
import org.tbps4j.model.search.Progress;
import org.tbps4j.search.ModelBundle;
import org.tbps4j.search.Searcher;
import org.tbps4j.train.report.AttributeProbe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tbps probe}: which synthetic attributes a model's image and caption embeddings encode. */
@Command(
    name = "probe",
    mixinStandardHelpOptions = true,
    description = {
      "Linear probes of a saved model's embeddings on a synthetic dataset: for each attribute,",
      "a ridge classifier fitted on one split's image (caption) embeddings predicts the person's",
      "(mentioned) value on another split. Accuracy far above the majority baseline means the",
      "embedding encodes the attribute; at the baseline, that side of the network ignores it."
    })
public final class ProbeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin SavedModelOption model;

  @Mixin DatasetReadOption read;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description = "A synthetic dataset root (tbps synth), with attributes.json.")
  Path data;

  @Option(
      names = "--fit",
      defaultValue = "train",
      description = "Split the probes are fitted on. Default: ${DEFAULT-VALUE}.")
  String fit;

  @Option(
      names = "--split",
      defaultValue = "val",
      description = "Split the probes are evaluated on. Default: ${DEFAULT-VALUE}.")
  String split;

  @Option(
      names = "--ridge",
      defaultValue = "0.1",
      description = "Ridge λ of the least-squares probe. Default: ${DEFAULT-VALUE}.")
  double ridge;

  @Option(names = "--batch", defaultValue = "128", description = "Embedding batch size.")
  int batch;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Split fitSplit = Split.fromName(fit);
    Split evalSplit = Split.fromName(split);
    if (fitSplit == evalSplit) {
      throw new IllegalArgumentException(
          "--fit and --split are both '" + fit + "': fit the probes on another split");
    }
    SynthAttributes attrs;
    try {
      attrs = SynthAttributes.load(data);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(
          data.resolve(SynthAttributes.FILE)
              + " not found: tbps probe needs a synthetic dataset (tbps synth writes the attribute"
              + " table it reads)");
    }
    ModelBundle run = model.load();
    PrintWriter err = spec.commandLine().getErr();
    PedesDataset ds = EvalCommand.dataset(run, null, data, read, err, "tbps probe");
    int workers = EvalCommand.decodeWorkers();
    AttributeProbe.Embedded[] e = new AttributeProbe.Embedded[2];
    Split[] splits = {fitSplit, evalSplit};
    try (CaptionEncoder captions = run.captionEncoder()) {
      for (int i = 0; i < 2; i++) {
        err.println(
            "probe: embedding the "
                + splits[i].jsonName()
                + " split ("
                + ds.images(splits[i]).size()
                + " images, "
                + ds.captions(splits[i]).size()
                + " captions)");
        err.flush();
        // inference through tbps-search (the one image loop, the caption loop); the probe only
        // fits linear models on the result
        INDArray images =
            Searcher.embedSplit(run, ds, splits[i], batch, workers, Progress.NONE).global();
        List<String> texts = ds.captions(splits[i]).stream().map(CaptionRecord::caption).toList();
        if (texts.isEmpty()) {
          throw new IllegalArgumentException("the " + splits[i] + " split has no captions");
        }
        INDArray captionRows = Searcher.embedCaptions(run, captions, texts, batch).global();
        e[i] = AttributeProbe.of(ds, splits[i], images, captionRows);
      }
    }
    List<AttributeProbe.Row> rows = AttributeProbe.probe(attrs, e[0], e[1], ridge);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.write(toJson(rows, fitSplit, evalSplit)));
    } else {
      out.print(table(rows, fitSplit, evalSplit));
    }
    out.flush();
    return CliErrors.EXIT_OK;
  }

  private Map<String, Object> toJson(List<AttributeProbe.Row> rows, Split f, Split s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", model.path().toAbsolutePath().toString());
    m.put("fit", f.jsonName());
    m.put("split", s.jsonName());
    m.put("ridge", ridge);
    List<Map<String, Object>> list = new ArrayList<>();
    for (Attribute a : Attribute.values()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("attribute", a.jsonName());
      entry.put("values", a.options().size());
      for (AttributeProbe.Row r : rows) {
        if (r.attribute() == a) {
          LinearProbe.Result x = r.result();
          Map<String, Object> v = new LinkedHashMap<>();
          v.put("accuracy", 100 * x.accuracy());
          v.put("majority", 100 * x.majority());
          v.put("fitted", x.fitted());
          v.put("evaluated", x.evaluated());
          entry.put(r.side() == AttributeProbe.Side.IMAGE ? "image" : "text", v);
        }
      }
      if (entry.size() > 2) {
        list.add(entry);
      }
    }
    m.put("attributes", list);
    return m;
  }

  static String table(List<AttributeProbe.Row> rows, Split f, Split s) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            "linear probes fitted on %s, evaluated on %s (accuracy %% / majority baseline %%)%n",
            f.jsonName(), s.jsonName()));
    b.append(
        String.format(
            "%-14s %6s   %18s %6s   %18s %6s%n",
            "attribute", "values", "image", "n", "caption", "n"));
    for (Attribute a : Attribute.values()) {
      String img = cell(rows, a, AttributeProbe.Side.IMAGE);
      String txt = cell(rows, a, AttributeProbe.Side.TEXT);
      if (img == null && txt == null) {
        continue;
      }
      b.append(
          String.format(
              "%-14s %6d   %s   %s%n",
              a.jsonName(),
              a.options().size(),
              img == null ? String.format("%18s %6s", "-", "-") : img,
              txt == null ? String.format("%18s %6s", "-", "-") : txt));
    }
    return b.toString();
  }

  private static String cell(List<AttributeProbe.Row> rows, Attribute a, AttributeProbe.Side side) {
    for (AttributeProbe.Row r : rows) {
      if (r.attribute() == a && r.side() == side) {
        LinearProbe.Result x = r.result();
        return String.format(
            "%8.1f / %7.1f %6d", 100 * x.accuracy(), 100 * x.majority(), x.evaluated());
      }
    }
    return null;
  }
}
