package org.tbps4j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tbps index}: build, update and query a persistent gallery index. */
@Command(
    name = "index",
    mixinStandardHelpOptions = true,
    description = {
      "A persistent gallery index: embed the images once, then ask many questions fast.",
      "A directory (Lucene HNSW) by default; a SolrCloud collection with --solr URL --collection"
          + " NAME."
    },
    subcommands = {
      IndexBuildCommand.class,
      IndexAddCommand.class,
      IndexRemoveCommand.class,
      IndexQueryCommand.class,
      IndexInfoCommand.class
    })
public final class IndexCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
