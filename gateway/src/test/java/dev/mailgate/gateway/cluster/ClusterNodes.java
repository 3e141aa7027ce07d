package dev.mailgate.gateway.cluster;

import dev.mailgate.gateway.app.AppOptions;
import dev.mailgate.gateway.app.MailgateApp;
import dev.mailgate.gateway.app.ProtocolHandlers;
import dev.mailgate.gateway.net.RunningListener;
import dev.mailgate.mailbox.user.Argon2id;
import dev.mailgate.mailbox.user.UserStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Starts gateway nodes for the multi-node tests: each its own {@link MailgateApp} (own listeners
 * on its own loopback address {@code 127.0.0.N}, own data directory, own policy engine and
 * caches) from a configuration file, all on one shared PostgreSQL store and, when given, one
 * Redis. Every node has an MX listener ({@code smtp}), a {@code submission} listener and an
 * {@code imap} listener, plaintext login allowed from loopback (no TLS in these tests).
 */
final class ClusterNodes {
  private final Path dir;
  private final String pgUrl;
  private final String redisUri;
  private final String policies;

  /**
   * @param redisUri the shared Redis, or null for nodes that share only the store
   * @param policies the {@code policies:} section's body (indented by two spaces), may be empty
   */
  ClusterNodes(Path dir, String pgUrl, String redisUri, String policies) {
    this.dir = dir;
    this.pgUrl = pgUrl;
    this.redisUri = redisUri;
    this.policies = policies;
  }

  /** Starts node {@code n} on {@code 127.0.0.n}, with {@code users} (name, password) added. */
  MailgateApp start(int n, Map<String, String> users) {
    Path file = config(n, 0, 0, 0);
    MailgateApp app = MailgateApp.start(new AppOptions(Optional.of(file), Map.of(), 0,
        Duration.ofSeconds(5), false), ProtocolHandlers.standard());
    users.forEach((u, p) -> app.context().users().add(u, p.toCharArray())
        .block(Duration.ofSeconds(30)));
    return app;
  }

  /**
   * Starts node {@code n} as its own process ({@code mailgate run}, this JVM's class path) with
   * the given ports, after adding {@code users} to its data directory. The caller kills it.
   */
  Process startProcess(int n, Map<String, String> users, int smtp, int submission, int imap) {
    Path file = config(n, smtp, submission, imap);
    try (UserStore store = UserStore.open(data(n).resolve("local"), Argon2id.Params.defaults(), 2)) {
      users.forEach((u, p) -> store.add(u, p.toCharArray()).block(Duration.ofSeconds(30)));
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    try {
      return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
          "dev.mailgate.gateway.cli.MailgateCommand", "run", "--config", file.toString(),
          "--no-watch")
          .redirectErrorStream(true).redirectOutput(dir.resolve("node-" + n + ".log").toFile())
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path data(int n) {
    return dir.resolve("node-" + n);
  }

  /** Writes node {@code n}'s configuration; port 0 means any free port. */
  private Path config(int n, int smtp, int submission, int imap) {
    String host = "127.0.0." + n;
    Path data = data(n);
    String yaml = "server: { hostname: node-" + n + ".test, data_dir: \"" + data + "\" }\n"
        + "admin: { bind: \"" + host + ":0\" }\n"
        + "tls: { self_signed: false }\n"
        + "listeners:\n"
        + "  - { name: smtp, protocol: smtp, bind: \"" + host + ":" + smtp + "\", tls: none }\n"
        + "  - { name: submission, protocol: submission, bind: \"" + host + ":" + submission
        + "\", tls: none }\n"
        + "  - { name: imap, protocol: imap, bind: \"" + host + ":" + imap + "\", tls: none }\n"
        + "routes:\n  - { name: all-local, target: local }\n"
        + "store: { type: postgres, url: \"" + pgUrl + "\", user: postgres, connections: 4 }\n"
        + (redisUri == null ? "" : "cluster:\n  node_id: node-" + n + "\n  redis: { uri: \""
            + redisUri + "\", timeout: 2s }\n")
        + (policies.isEmpty() ? "" : "policies:\n" + policies);
    try {
      Files.createDirectories(data);
      Path file = dir.resolve("node-" + n + ".yaml");
      Files.writeString(file, yaml);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static InetSocketAddress address(MailgateApp app, String listener) {
    return app.listeners().stream().filter(l -> l.spec().name().equals(listener))
        .map(RunningListener::address).findFirst().orElseThrow();
  }
}
