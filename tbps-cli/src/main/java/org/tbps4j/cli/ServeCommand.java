package org.tbps4j.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tbps4j.search.ModelBundle;
import org.tbps4j.search.Searcher;
import org.tbps4j.search.index.IndexInfo;
import org.tbps4j.search.index.VectorIndex;
import org.tbps4j.search.serve.SearchServer;
import org.tbps4j.search.serve.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tbps serve}: the search API and page over HTTP. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve an index over HTTP: a search page at /, the JSON API under /v1/ (POST /v1/search,"
          + " GET /v1/images/{path}, /v1/info, /v1/health, /v1/openapi.json).",
      "Listens on 127.0.0.1 unless --bind says otherwise; beyond loopback --token-file is"
          + " required (clients send Authorization: Bearer TOKEN). SIGTERM or Ctrl-C stop it after"
          + " the requests in flight."
    })
public final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Spec CommandSpec spec;

  @Mixin IndexReadOptions source;

  @Option(names = "--port", defaultValue = "8080", description = "Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(
      names = "--bind",
      defaultValue = "127.0.0.1",
      description = "Address to listen on. Default: ${DEFAULT-VALUE} (this machine only).")
  String bind;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "A file holding the bearer token (at least 16 characters); required beyond"
              + " loopback.")
  Path tokenFile;

  @Option(
      names = "--workers",
      description =
          "Request threads (default: 64, or 4 per core beyond 16 cores, at most 256). Most of a request's time"
              + " is spent waiting for the query encoder's next batch, so this bounds the batch"
              + " size more than the CPU use.")
  Integer workers;

  @Option(
      names = "--grace",
      defaultValue = "10",
      description = "Seconds a shutdown waits for requests in flight. Default: ${DEFAULT-VALUE}.")
  int grace;

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port must be in 0..65535, got " + port);
    }
    InetAddress address = InetAddress.getByName(bind);
    String token = tokenFile == null ? null : readToken(tokenFile);
    PrintWriter out = spec.commandLine().getOut();
    VectorIndex idx = source.open();
    SearchServer server;
    try {
      IndexInfo info = IndexReadOptions.info(idx);
      ModelBundle bundle = source.openModel(info);
      Searcher searcher = Searcher.forServing(bundle, idx);
      ServerConfig d =
          ServerConfig.defaults(
              new InetSocketAddress(address, port), token, source.imageRoot(info));
      ServerConfig cfg =
          new ServerConfig(
              d.bind(),
              d.token(),
              d.imageRoot(),
              workers != null ? workers : d.workers(),
              d.queue(),
              d.maxBodyBytes(),
              d.maxQueryChars(),
              d.maxK(),
              Duration.ofSeconds(Math.max(1, grace)));
      if (!ServerConfig.isLoopback(address)) {
        LOG.warn(
            "listening on {} (beyond loopback): anyone who can reach this port and has the token"
                + " can search the gallery and see its images; traffic is not encrypted (put TLS"
                + " in front of it)",
            address.getHostAddress());
      }
      server = SearchServer.start(searcher, cfg);
    } catch (Exception e) {
      idx.close();
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              LOG.info("stopping: finishing the requests in flight");
              server.stop();
              try {
                idx.close();
              } catch (java.io.IOException e) {
                LOG.warn("closing the index: {}", e.getMessage());
              }
              stopped.countDown();
            },
            "tbps-serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println("serving " + idx.describe() + " at " + server.url() + "/  (Ctrl-C to stop)");
    out.flush();
    stopped.await();
    return CliErrors.EXIT_OK;
  }

  /** Reads a token file: trimmed, at least 16 characters; warns when others may read it. */
  static String readToken(Path file) throws java.io.IOException {
    String t = Files.readString(file, StandardCharsets.UTF_8).trim();
    if (t.length() < 16) {
      throw new IllegalArgumentException(
          file + ": the token must have at least 16 characters (e.g. `openssl rand -hex 32`)");
    }
    if (t.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      throw new IllegalArgumentException(
          file + ": the token must be printable ASCII without spaces");
    }
    try {
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
      if (p.contains(PosixFilePermission.OTHERS_READ)
          || p.contains(PosixFilePermission.GROUP_READ)) {
        LOG.warn("{} can be read by other users (chmod 600 it)", file);
      }
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system
    }
    return t;
  }
}
