package dev.mailgate.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.policy.Rate;
import dev.mailgate.policy.limit.AuthThrottleSettings;
import dev.mailgate.policy.shared.SharedCounters.AuthRecord;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * The Redis counters against a real {@code redis-server}: two {@link RedisCounters} on two
 * connections stand for two nodes.
 */
class RedisCountersTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final AuthThrottleSettings AUTH = new AuthThrottleSettings(Duration.ofMillis(1),
      Duration.ofMillis(8), 3, Duration.ofMinutes(15), Duration.ofMinutes(15));
  private static final AtomicInteger PREFIXES = new AtomicInteger();

  private static RedisServer redis;
  private static RedisClient client;
  private static StatefulRedisConnection<String, String> a;
  private static StatefulRedisConnection<String, String> b;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServer.start();
    client = RedisClient.create(redis.uri());
    a = client.connect();
    b = client.connect();
  }

  @AfterAll
  static void stop() throws Exception {
    a.close();
    b.close();
    client.shutdown();
    redis.close();
  }

  private static String prefix() {
    return "t" + PREFIXES.incrementAndGet() + ":";
  }

  @Test
  void aRateHoldsInTotalOverTwoNodesChargingConcurrently() {
    String p = prefix();
    RedisCounters nodeA = new RedisCounters(a, p);
    RedisCounters nodeB = new RedisCounters(b, p);
    Rate rate = new Rate(50, Duration.ofHours(1));
    List<RedisCounters> nodes = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      nodes.add(i % 2 == 0 ? nodeA : nodeB);
    }
    List<Duration> waits = Flux.fromIterable(nodes)
        .flatMap(n -> n.acquire("messages:u@example.test", rate, 1), 32)
        .collectList().block(WAIT);
    assertThat(waits.stream().filter(Duration::isZero).count()).isEqualTo(50);
    // the 51st permit is one interval (72 s) away, give or take the time the test took
    assertThat(waits.stream().filter(d -> !d.isZero()).allMatch(
        d -> d.compareTo(Duration.ofSeconds(60)) > 0 && d.compareTo(Duration.ofSeconds(73)) < 0))
        .isTrue();
  }

  @Test
  void aChargeLargerThanTheBurstIsRefusedAndKeysAreSeparate() {
    String p = prefix();
    RedisCounters node = new RedisCounters(a, p);
    Rate rate = new Rate(1000, Duration.ofMinutes(1));
    assertThat(node.acquire("bytes:x", rate, 1001).block(WAIT)).isPositive();
    assertThat(node.acquire("bytes:x", rate, 1000).block(WAIT)).isZero();
    assertThat(node.acquire("bytes:x", rate, 1).block(WAIT)).isPositive();
    assertThat(node.acquire("bytes:y", rate, 1).block(WAIT)).isZero();
  }

  @Test
  void distinctFailuresOnTwoNodesLockThePairOutAndRepeatsCountOnce() {
    String p = prefix();
    RedisCounters nodeA = new RedisCounters(a, p);
    RedisCounters nodeB = new RedisCounters(b, p);
    String ip = "192.0.2.7";
    String user = "victim@example.test";
    nodeA.recordAuthFailure(ip, user, 11, 1, AUTH);
    nodeA.recordAuthFailure(ip, user, 11, 1, AUTH); // the same password again: counted once
    nodeB.recordAuthFailure(ip, user, 22, 2, AUTH);
    // commands of one connection run in order: node B's record now includes its own failure
    AuthRecord afterTwo = nodeB.authRecord(ip, user).block(WAIT);
    assertThat(afterTwo.pairLocked()).isFalse();
    assertThat(nodeA.authRecord(ip, user).block(WAIT))
        .isEqualTo(new AuthRecord(false, 2, 2));

    nodeB.recordAuthFailure(ip, user, 33, 3, AUTH);
    assertThat(nodeB.authRecord(ip, user).block(WAIT).pairLocked()).isTrue();
    assertThat(nodeA.authRecord(ip, user).block(WAIT).pairLocked()).isTrue();
    // another address is not locked out, but the user's failures still slow it down
    assertThat(nodeA.authRecord("198.51.100.1", user).block(WAIT))
        .isEqualTo(new AuthRecord(false, 0, 3));
  }

  @Test
  void aSuccessClearsTheAddressAndThePairButNotTheUsersFailures() {
    String p = prefix();
    RedisCounters node = new RedisCounters(a, p);
    node.recordAuthFailure("192.0.2.8", "u@example.test", 1, 1, AUTH);
    node.recordAuthFailure("192.0.2.8", "u@example.test", 2, 2, AUTH);
    node.recordAuthSuccess("192.0.2.8", "u@example.test");
    assertThat(node.authRecord("192.0.2.8", "u@example.test").block(WAIT))
        .isEqualTo(new AuthRecord(false, 0, 2));
  }

  @Test
  void everyKeyExpiresByItself() {
    String p = prefix();
    RedisCounters node = new RedisCounters(a, p);
    node.acquire("messages:u", new Rate(10, Duration.ofMinutes(1)), 1).block(WAIT);
    node.recordAuthFailure("192.0.2.9", "w@example.test", 1, 1, AUTH);
    node.authRecord("192.0.2.9", "w@example.test").block(WAIT);
    List<String> keys = a.sync().keys(p + "*");
    assertThat(keys).hasSize(7); // bucket; ip, user, pair counts and fingerprints
    for (String k : keys) {
      assertThat(a.sync().pttl(k)).as(k).isPositive();
    }
  }

  @Test
  void sessionSlotsHoldInTotalOverTwoNodesAndComeBackWhenReleased() {
    String p = prefix();
    RedisCounters nodeA = new RedisCounters(a, p);
    RedisCounters nodeB = new RedisCounters(b, p);
    Duration ttl = Duration.ofMinutes(1);
    assertThat(nodeA.acquireSession("s:u", "l1", 2, ttl).block(WAIT)).isTrue();
    assertThat(nodeB.acquireSession("s:u", "l2", 2, ttl).block(WAIT)).isTrue();
    assertThat(nodeA.acquireSession("s:u", "l3", 2, ttl).block(WAIT)).isFalse();
    assertThat(nodeB.acquireSession("s:u", "l3", 2, ttl).block(WAIT)).isFalse();
    nodeB.releaseSession("s:u", "l2");
    assertThat(nodeB.acquireSession("s:u", "l3", 2, ttl).block(WAIT)).isTrue();
  }

  @Test
  void aSlotThatIsNotRenewedLapsesAndARenewedOneLives() {
    String p = prefix();
    RedisCounters dead = new RedisCounters(a, p);
    RedisCounters alive = new RedisCounters(b, p);
    // a node that took a slot and died: nothing renews it, and after its ttl it is free again
    assertThat(dead.acquireSession("s:v", "crashed", 1, Duration.ofMillis(300)).block(WAIT))
        .isTrue();
    assertThat(alive.acquireSession("s:v", "mine", 1, Duration.ofMinutes(1)).block(WAIT)).isFalse();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        alive.acquireSession("s:v", "mine", 1, Duration.ofMinutes(1)).block(WAIT));
    // a renewal pushes the slot's end out by the ttl from now (scores are ms of the server clock)
    alive.renewSessions("s:v", List.of("mine"), Duration.ofMinutes(10));
    long now = Long.parseLong(b.sync().time().get(0)) * 1000;
    assertThat(b.sync().zscore(p + "s:v", "mine")).isGreaterThan(now + 9 * 60_000);
    assertThat(b.sync().pttl(p + "s:v")).isGreaterThan(9 * 60_000);
  }
}
