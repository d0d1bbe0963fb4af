package org.tbps4j.ui;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The local addresses of the TCP sockets listening on a port, read from the kernel's tables ({@code
 * /proc/net/tcp} and {@code /proc/net/tcp6}) — no traffic is sent anywhere.
 */
final class ListeningSockets {
  private static final String LISTEN = "0A";

  private ListeningSockets() {}

  /**
   * Addresses listening on {@code port} (IPv4-mapped IPv6 addresses are returned as IPv4).
   *
   * @param port the TCP port
   * @return local addresses of listening sockets on that port
   * @throws IOException when the tables cannot be read
   */
  static List<InetAddress> on(int port) throws IOException {
    List<InetAddress> out = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path p = Path.of(table);
      if (!Files.isReadable(p)) {
        continue;
      }
      List<String> lines = Files.readAllLines(p);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        String[] local = f[1].split(":");
        if (f[3].equals(LISTEN) && Integer.parseInt(local[1], 16) == port) {
          out.add(decode(local[0]));
        }
      }
    }
    return out;
  }

  /**
   * Decodes a kernel address: 8 (IPv4) or 32 (IPv6) hex digits, each 32-bit word in host (little
   * endian) byte order.
   *
   * @param hex the address field
   * @return the address
   */
  static InetAddress decode(String hex) throws UnknownHostException {
    byte[] b = new byte[hex.length() / 2];
    for (int word = 0; word < b.length / 4; word++) {
      for (int i = 0; i < 4; i++) {
        int at = word * 8 + (3 - i) * 2;
        b[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
      }
    }
    return InetAddress.getByAddress(b); // maps ::ffff:a.b.c.d to an Inet4Address
  }
}
