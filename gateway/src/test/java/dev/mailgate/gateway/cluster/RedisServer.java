package dev.mailgate.gateway.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private Redis for tests, Debian's {@code redis-server} started from a configuration written
 * under {@code target/redis-*}: loopback only, a free port, no persistence (the counters are
 * short-lived by design), protected mode on. {@link #stop} and {@link #start} simulate an outage on
 * the same port; {@link #close} stops it and removes the directory, and a JVM shutdown hook stops
 * it if the run is cut short.
 */
public final class RedisServer implements AutoCloseable {
  private static final long READY_TIMEOUT_MS = 20_000;

  private final Path dir;
  private final int port;
  private final Thread hook;
  private volatile Process process;

  private RedisServer(Path dir, int port) {
    this.dir = dir;
    this.port = port;
    this.hook = new Thread(this::stopQuietly, "redis-test-server-stop");
  }

  public static RedisServer start() throws IOException, InterruptedException {
    return start(null);
  }

  /** A server that requires {@code AUTH password} (none when null). */
  public static RedisServer start(String password) throws IOException, InterruptedException {
    Path dir = Files.createDirectories(Path.of("target").toAbsolutePath()
        .resolve("redis-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
    RedisServer s = new RedisServer(dir, freePort());
    Files.writeString(dir.resolve("redis.conf"), String.join("\n",
        "bind 127.0.0.1",
        "port " + s.port,
        "protected-mode yes",
        "save \"\"",
        "appendonly no",
        "dir " + dir,
        "logfile " + dir.resolve("redis.log"),
        "daemonize no",
        "maxmemory 64mb",
        password == null ? "" : "requirepass " + password,
        ""));
    s.startProcess();
    Runtime.getRuntime().addShutdownHook(s.hook);
    return s;
  }

  public int port() {
    return port;
  }

  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts the server again after {@link #stop} (same port, empty: no persistence). */
  public void startProcess() throws IOException, InterruptedException {
    process = new ProcessBuilder("redis-server", dir.resolve("redis.conf").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
    while (!ping()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IOException("redis-server did not start; see " + dir.resolve("redis.log"));
      }
      Thread.sleep(20);
    }
  }

  /** Stops the server (an outage); connected clients see their connection drop. */
  public void stop() throws InterruptedException {
    Process p = process;
    if (p != null) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private boolean ping() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] b = new byte[7];
      int n = in.readNBytes(b, 0, 7);
      // "-NOAUTH ..." from a server with a password also means it is up
      return n == 7 && (new String(b, StandardCharsets.US_ASCII).equals("+PONG\r\n")
          || new String(b, StandardCharsets.US_ASCII).startsWith("-NOAUTH"));
    } catch (IOException e) {
      return false;
    }
  }

  private void stopQuietly() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws IOException {
    stopQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // shutting down already
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
