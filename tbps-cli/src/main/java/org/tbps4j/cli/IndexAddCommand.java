package org.tbps4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tbps4j.search.ImageItem;
import org.tbps4j.search.ImageSources;
import org.tbps4j.search.IndexBuilder;
import org.tbps4j.search.ModelBundle;
import org.tbps4j.search.index.IndexInfo;
import org.tbps4j.search.index.VectorIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tbps index add}: embed new images into an existing index. */
@Command(
    name = "add",
    mixinStandardHelpOptions = true,
    description = {
      "Add images to an index: the files or folders given (default: the whole image root), all"
          + " inside the index's image root; images already in the index are left as they are."
    })
public final class IndexAddCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(IndexAddCommand.class);

  @Spec CommandSpec spec;

  @Option(names = "--index", paramLabel = "INDEX", description = "The index directory.")
  Path index;

  @Mixin IndexLocation location;

  @Option(
      names = "--model",
      paramLabel = "M",
      description = "The model that built the index (default: the file recorded in the index).")
  Path model;

  @Option(names = "--batch", defaultValue = "64", description = "Images per forward pass.")
  int batch;

  @Option(names = "--workers", defaultValue = "2", description = "Image decoding threads.")
  int workers;

  @Parameters(paramLabel = "FILE_OR_DIR", arity = "0..*", description = "What to add.")
  List<Path> files = List.of();

  @Override
  public Integer call() throws Exception {
    try (VectorIndex idx = location.open(index, true)) {
      IndexInfo info =
          idx.info()
              .orElseThrow(() -> new IllegalArgumentException(idx.describe() + ": no index here"));
      ModelBundle bundle = ModelBundle.open(model != null ? model : Path.of(info.modelFile()));
      Path root = Path.of(info.imageRoot());
      List<ImageItem> items =
          files.isEmpty()
              ? ImageSources.folder(root, LOG::warn)
              : ImageSources.files(root, files, LOG::warn);
      IndexBuilder b =
          new IndexBuilder(
              bundle,
              new IndexBuilder.Options(
                  batch, workers, 2048, info.hnswM(), info.hnswBeamWidth(), false),
              IndexBuildCommand.progress(),
              LOG::warn);
      IndexBuilder.Report r = b.add(idx, items);
      spec.commandLine()
          .getOut()
          .printf(
              Locale.ROOT,
              "index %s: %d images (%d added, %d already there, %d skipped)%n",
              idx.describe(),
              r.size(),
              r.embedded(),
              r.alreadyIndexed(),
              r.skipped());
    }
    spec.commandLine().getOut().flush();
    return CliErrors.EXIT_OK;
  }
}
