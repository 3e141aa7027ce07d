package dev.mailgate.mailbox.postgres;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A private PostgreSQL cluster for tests, from Debian's server binaries ({@code
 * /usr/lib/postgresql/<version>/bin}): {@code initdb} into {@code target/pg-*}, trust
 * authentication, listening on 127.0.0.1 only on a free port, its socket in its own directory.
 * PostgreSQL refuses to run as root, so under root every command runs as {@code postgres} via
 * {@code runuser} and the directory is owned by that user. {@link #close} stops the server
 * ({@code pg_ctl stop -m fast}) and removes the directory; a JVM shutdown hook stops it too if the
 * run is cut short.
 */
public final class PostgresServer implements AutoCloseable {
  private static final String OS_USER = "postgres";
  private static final long COMMAND_TIMEOUT_SECONDS = 120;

  private final Path bin;
  private final Path dir;
  private final int port;
  private final boolean root;
  private final AtomicInteger databases = new AtomicInteger();
  private final Thread hook;
  private volatile boolean stopped;

  private PostgresServer(Path bin, Path dir, int port, boolean root) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.root = root;
    this.hook = new Thread(this::stopQuietly, "postgres-test-server-stop");
  }

  public static PostgresServer start() throws IOException, InterruptedException {
    Path bin = serverBinaries();
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createDirectories(Path.of("target").toAbsolutePath())
        .resolve("pg-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
    Files.createDirectories(dir);
    if (root) {
      chownToPostgres(dir);
    }
    PostgresServer s = new PostgresServer(bin, dir, freePort(), root);
    s.run("initdb", "-D", s.data().toString(), "-U", "postgres", "--auth=trust", "-E", "UTF8",
        "--locale=C", "--no-sync");
    s.startServer();
    Runtime.getRuntime().addShutdownHook(s.hook);
    return s;
  }

  private void startServer() throws IOException, InterruptedException {
    run("pg_ctl", "-D", data().toString(), "-l", dir.resolve("server.log").toString(), "-w",
        "-t", "60", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1"
            + " -c max_connections=200", "start");
  }

  /**
   * Simulates a crash of the database server: {@code pg_ctl stop -m immediate} kills it without a
   * checkpoint, so what was committed survives only through WAL replay at the next start.
   */
  public void crash() throws IOException, InterruptedException {
    run("pg_ctl", "-D", data().toString(), "-m", "immediate", "-w", "-t", "60", "stop");
  }

  /** Starts the server again after {@link #crash} (recovery runs first). */
  public void restart() throws IOException, InterruptedException {
    startServer();
  }

  private static Path serverBinaries() throws IOException {
    Path base = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(base)) {
      try (Stream<Path> versions = Files.list(base)) {
        var found = versions.map(v -> v.resolve("bin"))
            .filter(b -> Files.isExecutable(b.resolve("initdb")))
            .max(Comparator.comparingInt(b -> Integer.parseInt(b.getParent().getFileName().toString())));
        if (found.isPresent()) {
          return found.get();
        }
      }
    }
    throw new IllegalStateException("PostgreSQL server binaries not found under " + base
        + ": install Debian's postgresql package (./run-tests does)");
  }

  private Path data() {
    return dir.resolve("data");
  }

  public int port() {
    return port;
  }

  /** A new, empty database; returns its JDBC URL (user {@code postgres}, no password). */
  public String newDatabase() throws SQLException {
    String name = "mail" + databases.incrementAndGet();
    try (Connection c = DriverManager.getConnection(url("postgres"), "postgres", "");
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    }
    return url(name);
  }

  public String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  private void run(String command, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if (root) {
      cmd.addAll(List.of("runuser", "-u", OS_USER, "--"));
    }
    cmd.add(bin.resolve(command).toString());
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("pg-" + command, ".out");
    try {
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(out.toFile()).start();
      if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(command + " did not finish: " + Files.readString(out));
      }
      if (p.exitValue() != 0) {
        throw new IOException(command + " failed (" + p.exitValue() + "): " + Files.readString(out)
            + logTail());
      }
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private String logTail() throws IOException {
    Path log = dir.resolve("server.log");
    return Files.exists(log) ? "\nserver.log:\n" + Files.readString(log) : "";
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void chownToPostgres(Path p) throws IOException {
    UserPrincipalLookupService lookup = p.getFileSystem().getUserPrincipalLookupService();
    PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
    view.setOwner(lookup.lookupPrincipalByName(OS_USER));
    view.setGroup(lookup.lookupPrincipalByGroupName(OS_USER));
  }

  private void stopQuietly() {
    if (stopped) {
      return;
    }
    stopped = true;
    try {
      run("pg_ctl", "-D", data().toString(), "-m", "fast", "-w", "-t", "60", "stop");
    } catch (IOException | InterruptedException e) {
      // the directory is removed next; an unstoppable server shows in the test output anyway
    }
  }

  @Override
  public void close() throws IOException {
    stopQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
