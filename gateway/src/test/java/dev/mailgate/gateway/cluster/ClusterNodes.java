package dev.mailgate.gateway.cluster;

import dev.mailgate.gateway.app.AppOptions;
import dev.mailgate.gateway.app.MailgateApp;
import dev.mailgate.gateway.app.ProtocolHandlers;
import dev.mailgate.gateway.net.RunningListener;
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
    String host = "127.0.0." + n;
    Path data = dir.resolve("node-" + n);
    String yaml = "server: { hostname: node-" + n + ".test, data_dir: \"" + data + "\" }\n"
        + "admin: { bind: \"" + host + ":0\" }\n"
        + "tls: { self_signed: false }\n"
        + "listeners:\n"
        + "  - { name: smtp, protocol: smtp, bind: \"" + host + ":0\", tls: none }\n"
        + "  - { name: submission, protocol: submission, bind: \"" + host + ":0\", tls: none }\n"
        + "  - { name: imap, protocol: imap, bind: \"" + host + ":0\", tls: none }\n"
        + "routes:\n  - { name: all-local, target: local }\n"
        + "store: { type: postgres, url: \"" + pgUrl + "\", user: postgres, connections: 4 }\n"
        + (redisUri == null ? "" : "cluster:\n  node_id: node-" + n + "\n  redis: { uri: \""
            + redisUri + "\", timeout: 2s }\n")
        + (policies.isEmpty() ? "" : "policies:\n" + policies);
    try {
      Files.createDirectories(data);
      Path file = dir.resolve("node-" + n + ".yaml");
      Files.writeString(file, yaml);
      MailgateApp app = MailgateApp.start(new AppOptions(Optional.of(file), Map.of(), 0,
          Duration.ofSeconds(5), false), ProtocolHandlers.standard());
      users.forEach((u, p) -> app.context().users().add(u, p.toCharArray())
          .block(Duration.ofSeconds(30)));
      return app;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static InetSocketAddress address(MailgateApp app, String listener) {
    return app.listeners().stream().filter(l -> l.spec().name().equals(listener))
        .map(RunningListener::address).findFirst().orElseThrow();
  }
}
