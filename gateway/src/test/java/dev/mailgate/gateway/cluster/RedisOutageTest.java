package dev.mailgate.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.config.model.ClusterConfig;
import dev.mailgate.policy.Decision;
import dev.mailgate.policy.MailProtocol;
import dev.mailgate.policy.PolicyEngine;
import dev.mailgate.policy.PolicyFacts;
import dev.mailgate.policy.PolicySettings;
import dev.mailgate.policy.Rate;
import dev.mailgate.policy.limit.Counter;
import dev.mailgate.policy.limit.KeyScope;
import dev.mailgate.policy.limit.RateLimitRule;
import dev.mailgate.policy.net.IpLiterals;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * What the shared policies do when Redis goes away and comes back (a real server stopped and
 * started on the same port): fall back to the node's own counters or refuse, as configured, count
 * each fallback in {@code mailgate.cluster.redis.unavailable}, and share again once the client
 * has reconnected by itself.
 */
class RedisOutageTest {
  private static final Duration T = Duration.ofSeconds(10);

  private static PolicySettings twoMessagesPerHour() {
    PolicySettings d = PolicySettings.defaults();
    return new PolicySettings(d.networks(), d.prefixes(), d.connectionLimits(),
        List.of(new RateLimitRule("msgs", Counter.MESSAGES, KeyScope.USER,
            new Rate(2, Duration.ofHours(1)))), d.authFailures(), d.messages(),
        d.requireTlsForAuth(), d.plaintextAuthByListener());
  }

  private static PolicyFacts mailFrom(String user) {
    return PolicyFacts.connect(IpLiterals.parse("192.0.2.1").orElseThrow(), "submission",
        MailProtocol.SUBMISSION, true).withAuthenticated(user).withMailFrom(null, 0);
  }

  private static double unavailable(SimpleMeterRegistry r) {
    var c = r.find(Cluster.UNAVAILABLE_METRIC).tag("rule", "msgs").counter();
    return c == null ? 0 : c.count();
  }

  private static Cluster node(RedisServer redis, ClusterConfig.WhenUnavailable when,
      SimpleMeterRegistry registry) {
    return Cluster.start(new ClusterConfig("n", Optional.of(new ClusterConfig.Redis(redis.uri(),
        "", Duration.ofMillis(300), when, "o:"))), registry);
  }

  @Test
  void failOpenFallsBackToTheNodesOwnCountersAndSharesAgainAfterReconnecting() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      try (Cluster node = node(redis, ClusterConfig.WhenUnavailable.LOCAL, registry);
          Cluster other = node(redis, ClusterConfig.WhenUnavailable.LOCAL, registry)) {
        PolicyEngine engine = node.policyEngine(twoMessagesPerHour());
        PolicyEngine otherEngine = other.policyEngine(twoMessagesPerHour());
        assertThat(otherEngine.chain().evaluate(mailFrom("a")).block(T)).isEqualTo(Decision.ALLOW);
        assertThat(otherEngine.chain().evaluate(mailFrom("a")).block(T)).isEqualTo(Decision.ALLOW);
        assertThat(engine.chain().evaluate(mailFrom("a")).block(T).isDeny())
            .as("shared: the other node used up a's two").isTrue();

        redis.stop();
        // this node's own bucket for b is fresh: two allowed, the third refused, all counted
        assertThat(engine.chain().evaluate(mailFrom("b")).block(T)).isEqualTo(Decision.ALLOW);
        assertThat(engine.chain().evaluate(mailFrom("b")).block(T)).isEqualTo(Decision.ALLOW);
        assertThat(engine.chain().evaluate(mailFrom("b")).block(T).isDeny()).isTrue();
        assertThat(unavailable(registry)).isEqualTo(3);

        redis.startProcess(); // empty: no persistence
        // both clients reconnect by themselves: poll until checks no longer fall back
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
          double fallbacks = unavailable(registry);
          engine.chain().evaluate(mailFrom("probe")).block(T);
          otherEngine.chain().evaluate(mailFrom("probe")).block(T);
          return unavailable(registry) == fallbacks;
        });
        double before = unavailable(registry);
        assertThat(otherEngine.chain().evaluate(mailFrom("c")).block(T)).isEqualTo(Decision.ALLOW);
        assertThat(otherEngine.chain().evaluate(mailFrom("c")).block(T)).isEqualTo(Decision.ALLOW);
        assertThat(engine.chain().evaluate(mailFrom("c")).block(T).isDeny())
            .as("shared again: c's two are used up across both nodes").isTrue();
        assertThat(unavailable(registry)).isEqualTo(before);
      }
    }
  }

  @Test
  void failClosedRefusesWhileRedisIsDown() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      try (Cluster node = node(redis, ClusterConfig.WhenUnavailable.DENY, registry)) {
        PolicyEngine engine = node.policyEngine(twoMessagesPerHour());
        assertThat(engine.chain().evaluate(mailFrom("a")).block(T)).isEqualTo(Decision.ALLOW);
        redis.stop();
        Decision d = engine.chain().evaluate(mailFrom("fresh")).block(T);
        assertThat(d).isInstanceOfSatisfying(Decision.Deny.class,
            deny -> assertThat(deny.reason()).contains("unavailable"));
        assertThat(unavailable(registry)).isEqualTo(1);
      }
    }
  }
}
