package org.tbps4j.ui;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.BindException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.core.storage.StatsStorageEvent;
import org.deeplearning4j.core.storage.StatsStorageListener;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.ui.VertxUIServer;
import org.deeplearning4j.ui.api.Route;
import org.deeplearning4j.ui.api.UIModule;
import org.deeplearning4j.ui.model.storage.impl.QueueStatsStorageListener;
import org.deeplearning4j.ui.module.train.TrainModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Deeplearning4j training UI on an HTTP server bound to one address — {@value #LOOPBACK} unless
 * the caller asks for another.
 *
 * <p>The stock {@code VertxUIServer} listens on every interface and has no address setting. This
 * server is a {@code VertxUIServer} (DL4J's train module looks the running server up through {@link
 * VertxUIServer#getInstance()}, and {@code UIServer.getInstance()} then returns this server instead
 * of starting the stock one) that does its own start-up: a vert.x HTTP server bound to the given
 * host, DL4J's {@link TrainModule} routes ({@code /train/overview}, {@code /train/overview/data},
 * {@code /train/model}, {@code /train/system}, …), the DL4J SameDiff graph page ({@code
 * /samediff}), the project's loss-terms page ({@code /tbps/losses}), an index page ({@code /}), and
 * the static assets, served from the class path only. It registers neither DL4J's remote receiver
 * (which accepts stats POSTed by anyone who can reach the port) nor the t-SNE upload page.
 *
 * <p>Against web pages in the user's browser (see docs/security.md): a request whose {@code Host}
 * header is not an address of this server is refused (DNS rebinding), every response carries a
 * content type and {@code X-Content-Type-Options: nosniff}, the routes that change state (session,
 * worker, language) answer POST only, and a POST from another origin is refused.
 *
 * <p>One server per JVM (the DL4J modules find it through a static field). Use {@link #start} and
 * {@link #close}.
 */
public final class DashboardServer extends VertxUIServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);

  /** The default address: the IPv4 loopback interface. */
  public static final String LOOPBACK = "127.0.0.1";

  /** The default port, as DL4J's. */
  public static final int DEFAULT_PORT = 9000;

  private static final long START_TIMEOUT_SECONDS = 60;

  private final String host;
  private final int requestedPort;
  private final Vertx engine;
  private final List<UIModule> modules = new CopyOnWriteArrayList<>();
  private final List<StatsStorage> storages = new CopyOnWriteArrayList<>();
  private final List<StatsStorageListener> storageListeners = new CopyOnWriteArrayList<>();
  private final BlockingQueue<StatsStorageEvent> events = new LinkedBlockingQueue<>();
  private volatile HttpServer http;
  private volatile boolean stopped;
  private Thread eventRouter;

  private DashboardServer(String host, int port, Vertx vertx) {
    super(); // registers this object as DL4J's UI server instance
    this.host = host;
    this.requestedPort = port;
    this.engine = vertx;
  }

  /**
   * Starts the dashboard and waits until it listens.
   *
   * @param host the address to bind: {@value #LOOPBACK} (default), {@code ::1}, {@code 0.0.0.0} for
   *     every interface, or one interface's address
   * @param port the port, 0 for any free one
   * @return the running server
   * @throws IllegalArgumentException when the port is out of range, already in use, or the address
   *     cannot be bound
   * @throws IllegalStateException when a DL4J UI server is already running in this JVM
   */
  public static synchronized DashboardServer start(String host, int port) {
    if (port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException(
          "port must be in 0..65535 (0 = any free port), got " + port);
    }
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must be an address such as " + LOOPBACK);
    }
    VertxUIServer running = VertxUIServer.getInstance();
    if (running != null && !running.isStopped()) {
      throw new IllegalStateException(
          "a DL4J UI server is already running in this process at " + running.getAddress());
    }
    // classpath resolving off: vert.x would otherwise unpack resources into ./.vertx; this
    // server reads every asset from the class path itself
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setFileSystemOptions(
                    new FileSystemOptions()
                        .setClassPathResolvingEnabled(false)
                        .setFileCachingEnabled(false)));
    DashboardServer server = new DashboardServer(host, port, vertx);
    CompletableFuture<String> deployed = new CompletableFuture<>();
    vertx.deployVerticle(
        server,
        ar -> {
          if (ar.succeeded()) {
            deployed.complete(ar.result());
          } else {
            deployed.completeExceptionally(ar.cause());
          }
        });
    try {
      deployed.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      server.close();
      throw startFailure(host, port, e.getCause());
    } catch (TimeoutException e) {
      server.close();
      throw new IllegalStateException("the dashboard did not start within 60 s", e);
    } catch (InterruptedException e) {
      server.close();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the dashboard", e);
    }
    LOG.info("dashboard listening on {}", server.url());
    return server;
  }

  private static RuntimeException startFailure(String host, int port, Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof BindException) {
        String msg = String.valueOf(t.getMessage());
        if (msg.contains("in use")) {
          return new IllegalArgumentException(
              "port "
                  + port
                  + " on "
                  + host
                  + " is already in use: choose another port, or 0 for any free one",
              cause);
        }
        return new IllegalArgumentException(
            "cannot listen on " + host + ":" + port + " (" + msg + ")", cause);
      }
      if (t instanceof java.net.UnknownHostException) {
        return new IllegalArgumentException("unknown host " + host, cause);
      }
    }
    return new IllegalStateException(
        "the dashboard could not start on " + host + ":" + port + ": " + cause, cause);
  }

  // ------------------------------------------------------------------------ verticle start-up

  @Override
  public void start(Promise<Void> startPromise) {
    List<UIModule> list = new ArrayList<>();
    list.add(new IndexModule());
    list.add(new TrainModule());
    list.add(new LossTermsModule());
    modules.addAll(list);

    Router router = Router.router(vertx);
    router.route().handler(this::guard); // every request: Host check, nosniff, content type
    ClasspathAssets assets = new ClasspathAssets();
    router.get("/assets/*").handler(assets::handle);
    router.post("/setlang/:to").handler(IndexModule::setLanguage);
    router.get("/setlang/:to").handler(DashboardServer::postOnly);
    for (UIModule m : modules) {
      for (Route route : m.getRoutes()) {
        if (route.getHttpMethod() != org.deeplearning4j.ui.api.HttpMethod.GET) {
          throw new IllegalStateException(
              "the dashboard serves GET routes only, not "
                  + route.getHttpMethod()
                  + " "
                  + route.getRoute());
        }
        io.vertx.ext.web.Route r;
        if (STATE_CHANGING.contains(route.getRoute())) {
          // DL4J registers these as GET; a GET that changes state can be triggered by any page
          r = router.post(route.getRoute());
          router.get(route.getRoute()).handler(DashboardServer::postOnly);
        } else {
          r = router.get(route.getRoute());
        }
        boolean page = HTML_PAGES.contains(route.getRoute());
        r.handler(
            rc -> {
              if (page) { // DL4J renders these pages without a content type; with nosniff a
                // browser would show text/plain and run none of their scripts
                rc.response().putHeader("content-type", "text/html; charset=utf-8");
              }
              route.getConsumer().accept(pathParameters(route.getRoute(), rc), rc);
            });
      }
    }

    eventRouter = new Thread(this::routeEvents, "tbps-dashboard-events");
    eventRouter.setDaemon(true);
    eventRouter.start();

    vertx
        .createHttpServer(new HttpServerOptions().setHost(host).setPort(requestedPort))
        .requestHandler(router)
        .listen(
            ar -> {
              if (ar.succeeded()) {
                http = ar.result();
                startPromise.complete();
              } else {
                startPromise.fail(ar.cause());
              }
            });
  }

  /** DL4J routes that change the server's state: served for POST only. */
  static final java.util.Set<String> STATE_CHANGING =
      java.util.Set.of("/train/sessions/set/:to", "/train/workers/setByIdx/:to", "/setlang/:to");

  private static final String TEXT = "text/plain; charset=utf-8";

  /** DL4J's HTML pages (its handlers set no content type for them). */
  static final java.util.Set<String> HTML_PAGES =
      java.util.Set.of(
          "/train",
          "/train/overview",
          "/train/model",
          "/train/system",
          "/train/:sessionId",
          "/train/:sessionId/overview",
          "/train/:sessionId/model",
          "/train/:sessionId/system",
          "/samediff",
          "/tsne");

  /**
   * Runs first on every request: refuses a {@code Host} that is not an address of this server (a
   * page of another site that rebinds its name to this machine), refuses a state-changing request
   * from another origin, sends {@code X-Content-Type-Options: nosniff} and makes sure every
   * response declares a content type.
   */
  private void guard(RoutingContext rc) {
    var response = rc.response();
    response.putHeader("X-Content-Type-Options", "nosniff");
    rc.addHeadersEndHandler(
        v -> {
          if (!response.headers().contains("content-type")) {
            response.putHeader("content-type", TEXT);
          }
        });
    String hostHeader = rc.request().host(); // the Host header, or HTTP/2's :authority
    if (!hostAllowed(hostHeader)) {
      response
          .setStatusCode(HttpResponseStatus.FORBIDDEN.code())
          .putHeader("content-type", TEXT)
          .end(
              "403: this dashboard answers requests for its own address only, not for host '"
                  + hostHeader
                  + "'\n");
      return;
    }
    io.vertx.core.http.HttpMethod method = rc.request().method();
    if (method != io.vertx.core.http.HttpMethod.GET
        && method != io.vertx.core.http.HttpMethod.HEAD) {
      String origin = rc.request().getHeader("Origin");
      if (origin != null && !origin.equalsIgnoreCase("http://" + hostHeader)) {
        response
            .setStatusCode(HttpResponseStatus.FORBIDDEN.code())
            .putHeader("content-type", TEXT)
            .end(
                "403: a request from another site (" + origin + ") may not change the dashboard\n");
        return;
      }
    }
    rc.next();
  }

  private static void postOnly(RoutingContext rc) {
    rc.response()
        .setStatusCode(HttpResponseStatus.METHOD_NOT_ALLOWED.code())
        .putHeader("Allow", "POST")
        .putHeader("content-type", TEXT)
        .end("405: this changes the dashboard's state: POST only\n");
  }

  /**
   * Whether a {@code Host} header names this server: for a loopback server {@code localhost} or a
   * loopback address; for a server on another address (or every interface) also any IP address
   * literal and this machine's own name. A DNS name of someone else's is never accepted.
   */
  boolean hostAllowed(String hostHeader) {
    if (hostHeader == null || hostHeader.isBlank()) {
      return false;
    }
    String h = hostHeader.trim().toLowerCase(java.util.Locale.ROOT);
    String name;
    if (h.startsWith("[")) {
      int close = h.indexOf(']');
      if (close < 0) {
        return false;
      }
      name = h.substring(1, close);
    } else {
      int colon = h.indexOf(':');
      name = colon >= 0 ? h.substring(0, colon) : h;
    }
    boolean ipv4 = name.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    boolean ipv6 = h.startsWith("[") && name.matches("[0-9a-f:.%]+");
    boolean loopbackName =
        name.equals("localhost")
            || (ipv4 && name.startsWith("127."))
            || (ipv6 && (name.equals("::1") || name.equals("0:0:0:0:0:0:0:1")));
    if (isLoopbackHost(host)) {
      return loopbackName;
    }
    return loopbackName || ipv4 || ipv6 || localNames().contains(name);
  }

  private static boolean isLoopbackHost(String bound) {
    String b = bound.toLowerCase(java.util.Locale.ROOT);
    return b.equals("localhost") || b.startsWith("127.") || b.equals("::1") || b.equals("[::1]");
  }

  private static java.util.Set<String> localNames() {
    java.util.Set<String> names = new java.util.HashSet<>();
    try {
      java.net.InetAddress local = java.net.InetAddress.getLocalHost();
      names.add(local.getHostName().toLowerCase(java.util.Locale.ROOT));
      names.add(local.getCanonicalHostName().toLowerCase(java.util.Locale.ROOT));
    } catch (java.io.IOException e) {
      // no name: addresses only
    }
    return names;
  }

  /** The values of a route's {@code :name} segments, in path order (as DL4J's modules expect). */
  private static List<String> pathParameters(String route, RoutingContext rc) {
    if (!route.contains(":")) {
      return Collections.emptyList();
    }
    List<String> out = new ArrayList<>();
    for (String segment : route.split("/")) {
      if (segment.startsWith(":")) {
        out.add(rc.request().getParam(segment.substring(1)));
      }
    }
    return out;
  }

  /** Hands storage events to the modules that asked for their type, in batches. */
  private void routeEvents() {
    try {
      while (!stopped) {
        List<StatsStorageEvent> batch = new ArrayList<>();
        batch.add(events.take());
        events.drainTo(batch);
        for (UIModule m : modules) {
          List<String> types = m.getCallbackTypeIDs();
          List<StatsStorageEvent> forModule = new ArrayList<>();
          for (StatsStorageEvent e : batch) {
            if (types.contains(e.getTypeID()) && storages.contains(e.getStatsStorage())) {
              forModule.add(e);
            }
          }
          if (!forModule.isEmpty()) {
            m.reportStorageEvents(forModule);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // stopping
    }
  }

  // ------------------------------------------------------------------------ public API

  /**
   * The address the server is bound to.
   *
   * @return host as given to {@link #start}
   */
  public String host() {
    return host;
  }

  /**
   * The port the server listens on (the actual one when started with port 0).
   *
   * @return port
   */
  @Override
  public int getPort() {
    return http.actualPort();
  }

  /**
   * The base URL, e.g. {@code http://127.0.0.1:9000/}.
   *
   * @return URL of the index page
   */
  public String url() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return "http://" + h + ":" + getPort() + "/";
  }

  @Override
  public String getAddress() {
    String u = url();
    return u.substring(0, u.length() - 1);
  }

  /**
   * Shows a stats storage's sessions in the dashboard; new records appear as they are stored.
   *
   * @param statsStorage the storage (a run's {@code FileStatsStorage}, or an in-memory one)
   */
  @Override
  public void attach(StatsStorage statsStorage) {
    if (statsStorage == null) {
      throw new IllegalArgumentException("statsStorage must not be null");
    }
    if (storages.contains(statsStorage)) {
      return;
    }
    StatsStorageListener l = new QueueStatsStorageListener(events);
    statsStorage.registerStatsStorageListener(l);
    storageListeners.add(l);
    storages.add(statsStorage);
    for (UIModule m : modules) {
      m.onAttach(statsStorage);
    }
  }

  @Override
  public void detach(StatsStorage statsStorage) {
    int i = storages.indexOf(statsStorage);
    if (i < 0) {
      return;
    }
    statsStorage.deregisterStatsStorageListener(storageListeners.remove(i));
    storages.remove(i);
    for (UIModule m : modules) {
      m.onDetach(statsStorage);
    }
  }

  @Override
  public boolean isAttached(StatsStorage statsStorage) {
    return storages.contains(statsStorage);
  }

  @Override
  public List<StatsStorage> getStatsStorageInstances() {
    return new ArrayList<>(storages);
  }

  @Override
  public boolean isMultiSession() {
    return false;
  }

  @Override
  public boolean isStopped() {
    return stopped;
  }

  /** Not supported: the dashboard accepts no stats over HTTP. */
  @Override
  public void enableRemoteListener() {
    throw new UnsupportedOperationException("the dashboard does not accept remote stats");
  }

  /**
   * Not supported: the dashboard accepts no stats over HTTP.
   *
   * @param statsStorage ignored
   * @param attach ignored
   */
  @Override
  public void enableRemoteListener(StatsStorageRouter statsStorage, boolean attach) {
    throw new UnsupportedOperationException("the dashboard does not accept remote stats");
  }

  @Override
  public void disableRemoteListener() {}

  @Override
  public boolean isRemoteListenerEnabled() {
    return false;
  }

  @Override
  public void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    if (eventRouter != null) {
      eventRouter.interrupt();
    }
    for (StatsStorage s : new ArrayList<>(storages)) {
      detach(s);
    }
    CompletableFuture<Void> closed = new CompletableFuture<>();
    engine.close(ar -> closed.complete(null));
    try {
      closed.get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("the dashboard's HTTP server did not close cleanly: {}", e.toString());
    }
  }

  /** Stops the server and frees DL4J's UI server slot of this JVM. Idempotent. */
  @Override
  public void close() {
    try {
      if (VertxUIServer.getInstance() == this) {
        VertxUIServer.stopInstance(); // calls stop() and clears DL4J's static instance
      } else {
        stop();
      }
    } catch (Exception e) {
      stop();
    }
  }
}
