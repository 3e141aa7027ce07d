package dev.mailgate.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailgate.config.model.ClusterConfig;
import dev.mailgate.gateway.app.FreePorts;
import dev.mailgate.policy.PolicySettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Connecting a node to Redis at startup: the configured password, and failing fast. */
class ClusterStartTest {
  private static final String SECRET = "s3cret-redis-pw";

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
