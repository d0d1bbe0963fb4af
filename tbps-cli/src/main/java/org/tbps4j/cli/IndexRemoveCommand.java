package org.tbps4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.tbps4j.search.IndexBuilder;
import org.tbps4j.search.SafeImages;
import org.tbps4j.search.index.IndexInfo;
import org.tbps4j.search.index.VectorIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tbps index remove}: drop images from an index by their stored path. */
@Command(
    name = "remove",
    mixinStandardHelpOptions = true,
    description = {
      "Remove images from an index by their stored path (relative to the image root, as `tbps"
          + " index query` prints it), or every image whose file is gone (--missing)."
    })
public final class IndexRemoveCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--index", paramLabel = "INDEX", description = "The index directory.")
  Path index;

  @Mixin IndexLocation location;

  @Option(names = "--missing", description = "Also remove every image whose file no longer exists.")
  boolean missing;

  @Parameters(paramLabel = "PATH", arity = "0..*", description = "Stored paths to remove.")
  List<String> paths = List.of();

  @Override
  public Integer call() throws Exception {
    if (paths.isEmpty() && !missing) {
      throw new IllegalArgumentException("give the paths to remove, or --missing");
    }
    for (String p : paths) {
      String why = SafeImages.badStoredPath(p);
      if (why != null) {
        throw new IllegalArgumentException("path \"" + SafeImages.printable(p) + "\" " + why);
      }
    }
    long n;
    try (VectorIndex idx = location.open(index, true)) {
      IndexInfo info =
          idx.info()
              .orElseThrow(() -> new IllegalArgumentException(idx.describe() + ": no index here"));
      List<String> drop = new ArrayList<>(paths);
      if (missing) {
        Path root = Path.of(info.imageRoot());
        for (String p : idx.paths()) {
          if (!Files.exists(root.resolve(p))) {
            drop.add(p);
          }
        }
      }
      n = IndexBuilder.remove(idx, drop);
      spec.commandLine()
          .getOut()
          .printf("index %s: removed %d images, %d left%n", idx.describe(), n, idx.size());
    }
    spec.commandLine().getOut().flush();
    return CliErrors.EXIT_OK;
  }
}
