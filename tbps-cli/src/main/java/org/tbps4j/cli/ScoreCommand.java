package org.tbps4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tbps4j.eval.Retrieval;
import org.tbps4j.eval.RetrievalMetrics;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tbps score}: the standard metrics from an external similarity matrix. */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description = {
      "Compute R@1/5/10, mAP and mINP (docs/metrics.md protocol) from a similarity matrix.",
      "Rows are queries, columns gallery items; a gallery item is relevant when its id equals the"
          + " query's id. Ties are ranked by gallery index. Queries without a relevant item are left"
          + " out and counted."
    })
public final class ScoreCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  static final class Source {
    @Option(
        names = "--input",
        paramLabel = "FILE",
        description =
            "JSON {\"similarity\": [[...]], \"query_ids\": [...], \"gallery_ids\": [...]}.")
    Path input;

    @ArgGroup(exclusive = false)
    Npy npy;
  }

  static final class Npy {
    @Option(
        names = "--similarity",
        required = true,
        paramLabel = "S.npy",
        description = "Similarity matrix [queries, gallery] as float32/float64 .npy.")
    Path similarity;

    @Option(
        names = "--query-ids",
        required = true,
        paramLabel = "Q.json",
        description = "JSON array of query person ids.")
    Path queryIds;

    @Option(
        names = "--gallery-ids",
        required = true,
        paramLabel = "G.json",
        description = "JSON array of gallery person ids.")
    Path galleryIds;
  }

  @Option(names = "--json", description = "Print one JSON object (percentages) instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    ScoreInput.Data d =
        source.input != null
            ? ScoreInput.readJson(source.input)
            : ScoreInput.readNpy(source.npy.similarity, source.npy.queryIds, source.npy.galleryIds);
    RetrievalMetrics m =
        d.rows() != null
            ? Retrieval.evaluate(d.rows(), d.queryIds(), d.galleryIds())
            : Retrieval.evaluate(d.matrix(), d.queryIds(), d.galleryIds());
    var out = spec.commandLine().getOut();
    out.print(json ? Json.write(m.asPercentMap()) + System.lineSeparator() : m.toTable());
    out.flush();
    return CliErrors.EXIT_OK;
  }
}
