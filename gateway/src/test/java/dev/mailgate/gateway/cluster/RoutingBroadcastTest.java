package dev.mailgate.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.config.model.ClusterConfig;
import dev.mailgate.gateway.admin.RoutingCache;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Routing-cache invalidation over a real Redis: what the admin API drops on one node is dropped
 * on every node. Three {@link Cluster}s stand for three nodes; each node's local cache records
 * what it was told to drop.
 */
class RoutingBroadcastTest {
  private static RedisServer redis;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    redis.close();
  }

  /** A node's local routing cache: records each invalidation. */
  private static final class Recorder implements RoutingCache {
    final List<String> dropped = new CopyOnWriteArrayList<>();

    @Override
    public Mono<Void> invalidateAll() {
      return Mono.fromRunnable(() -> dropped.add("*"));
    }

    @Override
    public Mono<Void> invalidateUser(String user) {
      return Mono.fromRunnable(() -> dropped.add(user));
    }
  }

  private static Cluster node(String id, String prefix) {
    return Cluster.start(new ClusterConfig(id, Optional.of(new ClusterConfig.Redis(redis.uri(),
        "", Duration.ofSeconds(2), ClusterConfig.WhenUnavailable.LOCAL, prefix))),
        new SimpleMeterRegistry());
  }

  @Test
  void anInvalidationOnOneNodeReachesEveryNode() {
    Recorder a = new Recorder();
    Recorder b = new Recorder();
    Recorder c = new Recorder();
    try (Cluster na = node("a", "p1:"); Cluster nb = node("b", "p1:"); Cluster nc = node("c", "p1:")) {
      RoutingCache viaA = na.routingCache(a);
      nb.routingCache(b);
      nc.routingCache(c);
      viaA.invalidateUser("moved@example.test").block(Duration.ofSeconds(10));
      assertThat(a.dropped).as("the node that was asked drops at once")
          .contains("moved@example.test");
      Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        assertThat(b.dropped).containsExactly("moved@example.test");
        assertThat(c.dropped).containsExactly("moved@example.test");
      });
      viaA.invalidateAll().block(Duration.ofSeconds(10));
      Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        assertThat(b.dropped).containsExactly("moved@example.test", "*");
        assertThat(c.dropped).containsExactly("moved@example.test", "*");
      });
    }
  }

  @Test
  void deploymentsWithAnotherKeyPrefixDoNotHearEachOther() {
    Recorder a = new Recorder();
    Recorder other = new Recorder();
    Recorder same = new Recorder();
    try (Cluster na = node("a", "site1:"); Cluster nOther = node("x", "site2:");
        Cluster nSame = node("b", "site1:")) {
      RoutingCache viaA = na.routingCache(a);
      nOther.routingCache(other);
      nSame.routingCache(same);
      viaA.invalidateUser("u@example.test").block(Duration.ofSeconds(10));
      // once the same deployment's node has it, the other deployment's would have too
      Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(same.dropped).containsExactly("u@example.test"));
      assertThat(other.dropped).isEmpty();
    }
  }
}
