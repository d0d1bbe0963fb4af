package org.tbps4j.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.deeplearning4j.ui.VertxUIServer;
import org.deeplearning4j.ui.api.UIServer;
import org.junit.jupiter.api.Test;

/** Where the server listens, port errors, and the one-server-per-JVM rule. */
class DashboardServerTest {

  static int get(DashboardServer s, String path) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(s.url() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    return r.statusCode();
  }

  @Test
  void theDefaultAddressIsLoopbackAndAllInterfacesOnlyWhenAsked() throws Exception {
    try (DashboardServer s = DashboardServer.start(DashboardServer.LOOPBACK, 0)) {
      List<InetAddress> a = ListeningSockets.on(s.getPort());
      assertEquals(1, a.size(), a.toString());
      assertTrue(a.get(0).isLoopbackAddress(), a.toString());
      assertEquals(200, get(s, ""));
    }
    try (DashboardServer s = DashboardServer.start("0.0.0.0", 0)) {
      List<InetAddress> a = ListeningSockets.on(s.getPort());
      assertEquals(1, a.size(), a.toString());
      assertTrue(a.get(0).isAnyLocalAddress(), "bound to every interface: " + a);
      assertEquals("http://0.0.0.0:" + s.getPort() + "/", s.url());
    }
  }

  @Test
  void servesThePagesAndRefusesWhatItShouldNot() throws Exception {
    try (DashboardServer s = DashboardServer.start(DashboardServer.LOOPBACK, 0)) {
      assertEquals(200, get(s, "train/overview"));
      assertEquals(200, get(s, "tbps/losses"));
      assertEquals(200, get(s, "samediff"));
      assertEquals(200, get(s, "assets/webjars/webcola/3.3.8/WebCola/cola.js"));
      assertEquals(404, get(s, "assets/../pom.xml"));
      assertEquals(400, get(s, "tbps/losses/data?max_points=1"));
      // no remote receiver: stats cannot be posted over HTTP
      HttpResponse<String> post =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(s.url() + "remoteReceive"))
                      .POST(HttpRequest.BodyPublishers.ofString("x"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(404, post.statusCode());
      assertThrows(UnsupportedOperationException.class, s::enableRemoteListener);
    }
  }

  @Test
  void aBusyPortIsABadArgumentThatNamesThePort() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> DashboardServer.start(DashboardServer.LOOPBACK, port));
      assertTrue(
          e.getMessage().contains("port " + port + " on 127.0.0.1 is already in use"),
          e.getMessage());
    }
    IllegalArgumentException range =
        assertThrows(
            IllegalArgumentException.class,
            () -> DashboardServer.start(DashboardServer.LOOPBACK, 70000));
    assertTrue(range.getMessage().contains("0..65535"), range.getMessage());
    // after a failed start the slot is free again
    try (DashboardServer s = DashboardServer.start(DashboardServer.LOOPBACK, 0)) {
      assertTrue(s.getPort() > 0);
    }
  }

  @Test
  void oneServerPerProcessAndDl4jFindsIt() {
    try (DashboardServer s = DashboardServer.start(DashboardServer.LOOPBACK, 0)) {
      // DL4J's own look-up returns this server instead of starting the all-interfaces one
      assertSame(s, UIServer.getInstance());
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> DashboardServer.start(DashboardServer.LOOPBACK, 0));
      assertTrue(e.getMessage().contains("already running"), e.getMessage());
    }
    assertNull(VertxUIServer.getInstance(), "closing frees DL4J's UI server slot of the JVM");
  }
}
