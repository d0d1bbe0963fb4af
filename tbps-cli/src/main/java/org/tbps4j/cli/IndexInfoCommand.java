package org.tbps4j.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tbps4j.search.index.LuceneIndex;
import org.tbps4j.search.index.VectorIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tbps index info}: what an index holds. */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description = "Print an index's metadata and size as JSON.")
public final class IndexInfoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--index", paramLabel = "INDEX", description = "The index directory.")
  Path index;

  @Mixin IndexLocation location;

  @Override
  public Integer call() throws Exception {
    try (VectorIndex idx = location.open(index, false)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("index", idx.describe());
      m.put("size", idx.size());
      if (idx instanceof LuceneIndex l) {
        m.put("segments", l.segments());
      }
      idx.info().ifPresent(i -> m.putAll(i.toMap()));
      spec.commandLine().getOut().println(Json.write(m));
    }
    spec.commandLine().getOut().flush();
    return CliErrors.EXIT_OK;
  }
}
