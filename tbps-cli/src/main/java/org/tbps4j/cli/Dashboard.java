package org.tbps4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Optional;
import org.tbps4j.train.listeners.TrainingListener;
import org.tbps4j.ui.DashboardListener;
import org.tbps4j.ui.DashboardServer;
import org.tbps4j.ui.RunDashboard;

/**
 * The dashboard of one {@code tbps train} process: nothing, the recorded files ({@code
 * --ui-stats}), or the files and a live server ({@code --ui}). The server stops when training ends.
 */
final class Dashboard implements AutoCloseable {
  private final RunDashboard files;
  private final DashboardServer server;

  private Dashboard(RunDashboard files, DashboardServer server) {
    this.files = files;
    this.server = server;
  }

  /**
   * Opens what was asked for.
   *
   * @param record write the run's dashboard files
   * @param serve also serve them (implies record)
   * @param runDir the run directory
   * @param options listener options
   * @param host server address, null for loopback
   * @param port server port, null for the default
   * @return the dashboard (close it)
   * @throws IOException when the files cannot be opened
   * @throws IllegalArgumentException when the port is in use or the files are held by another run
   */
  static Dashboard open(
      boolean record,
      boolean serve,
      Path runDir,
      DashboardListener.Options options,
      String host,
      Integer port)
      throws IOException {
    if (!record && !serve) {
      return new Dashboard(null, null);
    }
    RunDashboard files = RunDashboard.open(runDir, options);
    DashboardServer server = null;
    if (serve) {
      try {
        server =
            DashboardServer.start(
                host == null ? DashboardServer.LOOPBACK : host,
                port == null ? DashboardServer.DEFAULT_PORT : port);
        server.attach(files.storage());
      } catch (RuntimeException e) {
        files.close();
        throw e;
      }
    }
    return new Dashboard(files, server);
  }

  Optional<TrainingListener> listener() {
    return files == null ? Optional.empty() : Optional.of(files.listener());
  }

  /** Tells the user where the dashboard is. */
  void announce(PrintWriter out, PrintWriter err) {
    if (server != null) {
      out.println(
          "dashboard:     "
              + server.url()
              + " (while training; afterwards: tbps ui --stats "
              + files.runDir()
              + ")");
    } else if (files != null) {
      out.println("dashboard files: view them with tbps ui --stats " + files.runDir());
    }
    out.flush();
    err.flush();
  }

  /**
   * The dashboard has no login, so it only listens on loopback: anything else is bad input with the
   * way to reach it from another machine (docs/security.md).
   *
   * @param host the requested address
   * @param flag the option that named it
   * @param port the requested port (for the advice), null for the default
   * @throws IllegalArgumentException for an address that is not loopback
   */
  static void requireLoopback(String host, String flag, Integer port) {
    if (host != null && !isLoopback(host)) {
      int p = port == null || port == 0 ? DashboardServer.DEFAULT_PORT : port;
      throw new IllegalArgumentException(
          flag
              + " "
              + host
              + ": the dashboard has no login, so it listens on loopback only (127.0.0.1, ::1,"
              + " localhost); to watch it from another machine forward the port, e.g. ssh -L "
              + p
              + ":localhost:"
              + p
              + " THIS_MACHINE");
    }
  }

  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  @Override
  public void close() {
    try {
      if (files != null) {
        files.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }
}
