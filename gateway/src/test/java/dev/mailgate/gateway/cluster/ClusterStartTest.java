package dev.mailgate.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailgate.config.model.ClusterConfig;
import dev.mailgate.gateway.app.FreePorts;
import dev.mailgate.policy.PolicySettings;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Connecting a node to Redis at startup: the configured password, and failing fast. */
class ClusterStartTest {
  private static final String SECRET = "s3cret-redis-pw";
  /** Starts per refused-start test: the handshake race showed only now and then. */
  private static final int STARTS = 5;

  private static ClusterConfig config(String uri, String password) {
    return new ClusterConfig("n", Optional.of(new ClusterConfig.Redis(uri, password,
        Duration.ofMillis(500), ClusterConfig.WhenUnavailable.LOCAL, "start:")));
  }

  @Test
  void aPasswordProtectedRedisIsUsedWithTheConfiguredPasswordAndRefusesAWrongOne()
      throws Exception {
    try (RedisServer redis = RedisServer.start(SECRET)) {
      try (Cluster node = Cluster.start(config(redis.uri(), SECRET), new SimpleMeterRegistry())) {
        assertThat(node.shared()).isTrue();
        var engine = node.policyEngine(PolicySettings.defaults());
        assertThat(engine.sharedSessions()).isNotNull();
      }
      assertThatThrownBy(() -> Cluster.start(config(redis.uri(), "wrong-" + SECRET),
          new SimpleMeterRegistry()))
          .satisfies(e -> assertThat(chain(e)).doesNotContain(SECRET));
      assertThatThrownBy(() -> Cluster.start(config(redis.uri(), ""), new SimpleMeterRegistry()))
          .satisfies(e -> assertThat(chain(e)).containsIgnoringCase("auth"));
    }
  }

  /**
   * The startup error an administrator reads (the first message, as MailgateApp prints it) names
   * the Redis and says the password was refused; lettuce's own error was "Unable to connect", or
   * under load "RedisHandshakeHandler not registered".
   */
  @Test
  void aWrongPasswordFailsTheStartSayingAuthenticationFailedAtThatRedis() throws Exception {
    try (RedisServer redis = RedisServer.start(SECRET)) {
      for (int i = 0; i < STARTS; i++) {
        assertThatThrownBy(() -> Cluster.start(config(redis.uri(), "wrong-" + SECRET),
            new SimpleMeterRegistry()))
            .hasMessageContaining("Redis at 127.0.0.1:" + redis.port())
            .hasMessageContaining("authentication failed")
            .hasMessageContaining("refused the password")
            .satisfies(e -> assertThat(chain(e)).doesNotContain(SECRET));
      }
    }
  }

  @Test
  void anEmptyPasswordForAProtectedRedisFailsTheStartSayingAPasswordIsRequired()
      throws Exception {
    try (RedisServer redis = RedisServer.start(SECRET)) {
      for (int i = 0; i < STARTS; i++) {
        assertThatThrownBy(() -> Cluster.start(config(redis.uri(), ""),
            new SimpleMeterRegistry()))
            .hasMessageContaining("Redis at 127.0.0.1:" + redis.port())
            .hasMessageContaining("authentication failed")
            .hasMessageContaining("requires a password");
      }
    }
  }

  @Test
  void aPasswordForARedisWithoutOneFailsTheStartSayingSo() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      assertThatThrownBy(() -> Cluster.start(config(redis.uri(), SECRET),
          new SimpleMeterRegistry()))
          .hasMessageContaining("Redis at 127.0.0.1:" + redis.port())
          .hasMessageContaining("has no password set")
          .satisfies(e -> assertThat(chain(e)).doesNotContain(SECRET));
    }
  }

  /** RESP2 has no HELLO handshake, whose failure raced lettuce's error reporting. */
  @Test
  void theNodesConnectionsSpeakResp2() throws Exception {
    try (RedisServer redis = RedisServer.start(SECRET);
        Cluster node = Cluster.start(config(redis.uri(), SECRET), new SimpleMeterRegistry())) {
      RedisURI uri = RedisURI.create(redis.uri());
      uri.setAuthentication(SECRET.toCharArray());
      RedisClient admin = RedisClient.create(uri);
      try (var c = admin.connect()) {
        // the node's command and pub/sub connections (and the closed login check's, if Redis
        // still lists it), besides this one
        List<String> clients = c.sync().clientList().lines()
            .filter(l -> !l.contains(" cmd=client|list")).toList();
        assertThat(clients).hasSizeGreaterThanOrEqualTo(2)
            .allSatisfy(l -> assertThat(l).containsPattern(" resp=2\\b"));
      } finally {
        admin.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
    }
  }

  @Test
  void anUnreachableRedisFailsTheStartWithItsAddress() {
    int closed = FreePorts.one();
    assertThatThrownBy(() -> Cluster.start(config("redis://127.0.0.1:" + closed, SECRET),
        new SimpleMeterRegistry()))
        .satisfies(e -> assertThat(chain(e)).contains(Integer.toString(closed))
            .doesNotContain(SECRET));
  }

  @Test
  void withoutRedisNothingIsSharedAndTheRoutingCacheStaysLocal() {
    try (Cluster node = Cluster.start(ClusterConfig.STANDALONE, new SimpleMeterRegistry())) {
      assertThat(node.shared()).isFalse();
      assertThat(node.policyEngine(PolicySettings.defaults()).sharedSessions()).isNull();
    }
  }

  /** Every message of the cause chain, as a log line or a startup error would show them. */
  private static String chain(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      b.append(t).append(" | ");
    }
    return b.toString();
  }
}
