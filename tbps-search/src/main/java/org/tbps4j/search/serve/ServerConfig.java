package org.tbps4j.search.serve;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How {@link SearchServer} listens and what it accepts.
 *
 * @param bind address and port ({@code 127.0.0.1:8080}; port 0 picks a free one)
 * @param token the bearer token clients must send, or null (allowed on loopback only)
 * @param imageRoot the folder the index's paths are relative to
 * @param workers request threads (the bounded worker pool)
 * @param queue requests waiting for a worker; beyond them a request is answered 503 {@code
 *     overloaded} at once
 * @param maxBodyBytes largest request body
 * @param maxQueryChars longest query text
 * @param maxK largest {@code k}
 * @param grace how long a shutdown waits for requests in flight
 */
public record ServerConfig(
    InetSocketAddress bind,
    byte[] token,
    Path imageRoot,
    int workers,
    int queue,
    int maxBodyBytes,
    int maxQueryChars,
    int maxK,
    Duration grace) {

  /** Default largest request body: 16 KiB. */
  public static final int DEFAULT_MAX_BODY = 16 << 10;

  /** Default longest query: 1,000 characters. */
  public static final int DEFAULT_MAX_QUERY = 1000;

  /** Largest {@code k}: 1,000. */
  public static final int DEFAULT_MAX_K = 1000;

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException when a value is out of range, or the address is not loopback
   *     and there is no token
   */
  public ServerConfig {
    if (workers < 1 || workers > 256) {
      throw new IllegalArgumentException("--workers must be in 1..256, got " + workers);
    }
    if (queue < 1 || maxBodyBytes < 64 || maxQueryChars < 1 || maxK < 1) {
      throw new IllegalArgumentException("server limits must be positive");
    }
    if (token != null && token.length < 16) {
      throw new IllegalArgumentException(
          "the token must have at least 16 characters, got " + token.length);
    }
    if (token == null && !isLoopback(bind.getAddress())) {
      throw new IllegalArgumentException(
          "binding to "
              + bind.getAddress().getHostAddress()
              + " (beyond loopback) needs --token-file: anyone who reaches the port could search"
              + " the gallery and fetch its images");
    }
  }

  /**
   * Default request threads: 64, or 4 per core on larger machines (at most 256). A search request
   * spends most of its time waiting for the query encoder, whose forward passes serve every query
   * waiting at once ({@code BatchingQueryEncoder}); a batch can only be as large as the number of
   * requests in flight, so the pool is sized for the concurrency to absorb, not for the cores.
   * (With 4 threads on 2 cores, 32 clients got batches of 2 on average and each query paid a whole
   * forward pass.)
   */
  public static final int DEFAULT_WORKERS =
      Math.min(256, Math.max(64, 4 * Runtime.getRuntime().availableProcessors()));

  /** Default requests waiting for a thread before new ones are refused with 503: 1,024. */
  public static final int DEFAULT_QUEUE = 1024;

  /**
   * Defaults for a bind address: {@link #DEFAULT_WORKERS} request threads, a queue of {@link
   * #DEFAULT_QUEUE} and the default limits, 10 s grace.
   *
   * @param bind the address
   * @param token the token or null
   * @param imageRoot the image root
   * @return the config
   */
  public static ServerConfig defaults(InetSocketAddress bind, String token, Path imageRoot) {
    return new ServerConfig(
        bind,
        token == null ? null : token.getBytes(StandardCharsets.UTF_8),
        imageRoot,
        DEFAULT_WORKERS,
        DEFAULT_QUEUE,
        DEFAULT_MAX_BODY,
        DEFAULT_MAX_QUERY,
        DEFAULT_MAX_K,
        Duration.ofSeconds(10));
  }

  /**
   * Whether an address is a loopback address (or null, meaning loopback here).
   *
   * @param a the address
   * @return true for 127.0.0.0/8 and ::1
   */
  public static boolean isLoopback(InetAddress a) {
    return a != null && a.isLoopbackAddress();
  }

  /**
   * Whether clients must authenticate.
   *
   * @return true when a token is set
   */
  public boolean requiresToken() {
    return token != null;
  }
}
