package org.tbps4j.cli;

import java.io.Console;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tbps4j.data.DatasetFormat;
import org.tbps4j.data.PedesDataset;
import org.tbps4j.data.ReadOptions;
import org.tbps4j.data.Split;
import org.tbps4j.model.search.Progress;
import org.tbps4j.search.ImageItem;
import org.tbps4j.search.ImageSources;
import org.tbps4j.search.IndexBuilder;
import org.tbps4j.search.ModelBundle;
import org.tbps4j.search.index.IndexInfo;
import org.tbps4j.search.index.VectorIndex;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tbps index build}: embed a folder or a dataset split into a new (or resumed) index. */
@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    description = {
      "Embed a folder of images (--images) or a dataset split (--data, --split) into an index.",
      "Resumable: run the same command again after a kill and it continues where it stopped.",
      "The index remembers the model (its content hash); other models are refused."
    })
public final class IndexBuildCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(IndexBuildCommand.class);

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "M", description = "A model.zip.")
  Path model;

  static final class Source {
    @Option(
        names = "--images",
        paramLabel = "DIR",
        description = "A folder of images (jpg, jpeg, png, bmp; recursive; identities unknown).")
    Path images;

    @Option(
        names = "--data",
        paramLabel = "ROOT",
        description = "A dataset root (the gallery of --split, with person ids).")
    Path data;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  @Option(names = "--split", defaultValue = "test", description = "With --data. Default: test.")
  String split;

  @Option(
      names = "--format",
      defaultValue = "cuhk-pedes",
      description = "With --data: cuhk-pedes, icfg-pedes or rstpreid. Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(names = "--out", paramLabel = "INDEX", description = "The index directory.")
  Path out;

  @Mixin IndexLocation location;

  @Option(names = "--batch", defaultValue = "64", description = "Images per forward pass.")
  int batch;

  @Option(
      names = "--workers",
      defaultValue = "2",
      description = "Image decoding threads. Default: ${DEFAULT-VALUE}.")
  int workers;

  @Option(
      names = "--commit-every",
      defaultValue = "2048",
      description = "Images between commits (what a kill can lose). Default: ${DEFAULT-VALUE}.")
  int commitEvery;

  @Option(
      names = "--hnsw-m",
      defaultValue = "" + IndexInfo.DEFAULT_M,
      description = "HNSW graph degree. Default: ${DEFAULT-VALUE}.")
  int hnswM;

  @Option(
      names = "--hnsw-beam",
      defaultValue = "" + IndexInfo.DEFAULT_BEAM_WIDTH,
      description = "HNSW construction beam width. Default: ${DEFAULT-VALUE}.")
  int hnswBeam;

  @Option(
      names = "--hnsw-ef",
      defaultValue = "" + IndexInfo.DEFAULT_EF_SEARCH,
      description =
          "HNSW candidates a query explores, recorded in the index as the default of `tbps index"
              + " query` and `tbps serve` (their --ef overrides it). Default: ${DEFAULT-VALUE}.")
  int hnswEf;

  @Option(
      names = "--no-merge",
      description =
          "Do not merge the Lucene index into one segment at the end (faster build,"
              + " slower queries).")
  boolean noMerge;

  @Override
  public Integer call() throws Exception {
    if (!location.isSolr() && out == null) {
      throw new IllegalArgumentException("give --out INDEX (or --solr URL --collection NAME)");
    }
    ModelBundle bundle = ModelBundle.open(model);
    Path root;
    String src;
    List<ImageItem> items;
    if (source.images != null) {
      root = source.images;
      src = "images:" + root.toAbsolutePath().normalize();
      items = ImageSources.folder(root, LOG::warn);
    } else {
      Split s = Split.fromName(split);
      PedesDataset ds =
          PedesDataset.load(
                  DatasetFormat.fromName(format), source.data, null, ReadOptions.defaults())
              .requireUsable();
      root = ds.root();
      src = "data:" + root.toAbsolutePath().normalize() + ":" + s.jsonName();
      items = ImageSources.split(ds, s);
    }
    IndexBuilder builder =
        new IndexBuilder(
            bundle,
            new IndexBuilder.Options(
                batch, workers, commitEvery, hnswM, hnswBeam, !noMerge, hnswEf),
            progress(),
            LOG::warn);
    IndexBuilder.Report r;
    try (VectorIndex index = location.open(out, true, hnswM, hnswBeam)) {
      r = builder.build(index, root, src, items);
    }
    var o = spec.commandLine().getOut();
    o.printf(
        Locale.ROOT,
        "index %s: %d images (%d embedded now, %d already there, %d skipped) in %.1f s%n",
        out != null ? out : location.collection,
        r.size(),
        r.embedded(),
        r.alreadyIndexed(),
        r.skipped(),
        r.seconds());
    o.flush();
    return CliErrors.EXIT_OK;
  }

  /**
   * The progress bar of the index commands: redrawn in place on a terminal, a line every few
   * seconds otherwise.
   *
   * @return the progress reporter
   */
  static Progress progress() {
    Console c = System.console();
    return Progress.bar(System.err, c != null);
  }
}
