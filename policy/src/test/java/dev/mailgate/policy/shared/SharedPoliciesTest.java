package dev.mailgate.policy.shared;

import static dev.mailgate.policy.Facts.authenticated;
import static dev.mailgate.policy.Facts.connect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.policy.Decision;
import dev.mailgate.policy.DenyKind;
import dev.mailgate.policy.FakeClock;
import dev.mailgate.policy.PolicyEngine;
import dev.mailgate.policy.PolicySettings;
import dev.mailgate.policy.Rate;
import dev.mailgate.policy.limit.AuthThrottleSettings;
import dev.mailgate.policy.limit.Counter;
import dev.mailgate.policy.limit.KeyScope;
import dev.mailgate.policy.limit.NetworkPrefixes;
import dev.mailgate.policy.limit.RateLimitPolicy;
import dev.mailgate.policy.limit.RateLimitRule;
import dev.mailgate.policy.auth.AuthThrottle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The shared policies' own logic over a scripted {@link SharedCounters} (pure logic; the Redis
 * counters themselves are tested against a real server in the gateway module).
 */
class SharedPoliciesTest {
  private static final Duration T = Duration.ofSeconds(5);
  private final FakeClock clock = new FakeClock();
  private final List<String> unavailable = new ArrayList<>();

  /** Answers from a queue of waits / records, or fails every call when {@code down}. */
  private static final class Scripted implements SharedCounters {
    boolean down;
    Duration wait = Duration.ZERO;
    AuthRecord record = new AuthRecord(false, 0, 0);
    final List<String> charged = new ArrayList<>();
    final List<String> recorded = new ArrayList<>();

    @Override
    public Mono<Duration> acquire(String key, Rate rate, long cost) {
      charged.add(key + " " + cost);
      return down ? Mono.error(new IllegalStateException("down")) : Mono.just(wait);
    }

    @Override
    public Mono<AuthRecord> authRecord(String ip, String user) {
      return down ? Mono.error(new IllegalStateException("down")) : Mono.just(record);
    }

    @Override
    public void recordAuthFailure(String ip, String user, long ipFp, long userFp,
        AuthThrottleSettings s) {
      recorded.add("fail " + user + " " + ip);
    }

    @Override
    public void recordAuthSuccess(String ip, String user) {
      recorded.add("ok " + user + " " + ip);
    }

    /** Slots held per key, as the store would count them. */
    final java.util.Map<String, java.util.Set<String>> slots = new java.util.HashMap<>();
    final List<String> renewed = new ArrayList<>();

    @Override
    public Mono<Boolean> acquireSession(String key, String lease, int max, Duration ttl) {
      if (down) {
        return Mono.error(new IllegalStateException("down"));
      }
      var held = slots.computeIfAbsent(key, k -> new java.util.HashSet<>());
      return Mono.just(held.size() < max && held.add(lease));
    }

    @Override
    public void releaseSession(String key, String lease) {
      slots.getOrDefault(key, new java.util.HashSet<>()).remove(lease);
    }

    @Override
    public void renewSessions(String key, java.util.Collection<String> leases, Duration ttl) {
      renewed.add(key + " " + leases.size());
    }
  }

  private RateLimitPolicy local(int permits) {
    return new RateLimitPolicy(new RateLimitRule("msgs", Counter.MESSAGES, KeyScope.USER,
        new Rate(permits, Duration.ofHours(1))), NetworkPrefixes.DEFAULT, 1000, clock,
        Runnable::run);
  }

  private SharedOptions options(boolean failClosed) {
    return new SharedOptions(Duration.ofSeconds(1), failClosed, unavailable::add);
  }

  @Test
  void theSharedStoreDecidesWithTheLocalRulesKeyAndCost() {
    Scripted s = new Scripted();
    var p = new SharedRateLimitPolicy(local(1), s, options(false));
    var mail = authenticated("192.0.2.1", "u@example.test").withMailFrom("u@example.test", 0);
    assertThat(p.check(mail).block(T)).isEqualTo(Decision.ALLOW);
    assertThat(p.check(mail).block(T)).as("the local bucket (1/h) is not consulted")
        .isEqualTo(Decision.ALLOW);
    s.wait = Duration.ofSeconds(90);
    assertThat(p.check(mail).block(T)).isInstanceOfSatisfying(Decision.Deny.class,
        d -> assertThat(d.reason()).contains("retry in 90s"));
    assertThat(s.charged).containsOnly("rate:msgs:u:u@example.test 1");
    assertThat(p.check(connect("192.0.2.1")).block(T)).as("not this rule's stage")
        .isEqualTo(Decision.ALLOW);
    assertThat(s.charged).hasSize(3);
    assertThat(unavailable).isEmpty();
  }

  @Test
  void whenTheStoreIsDownTheNodesOwnBucketDecidesAndTheOutageIsCounted() {
    Scripted s = new Scripted();
    s.down = true;
    var p = new SharedRateLimitPolicy(local(2), s, options(false));
    var mail = authenticated("192.0.2.1", "u@example.test").withMailFrom("u@example.test", 0);
    assertThat(p.check(mail).block(T)).isEqualTo(Decision.ALLOW);
    assertThat(p.check(mail).block(T)).isEqualTo(Decision.ALLOW);
    assertThat(p.check(mail).block(T).isDeny()).isTrue();
    assertThat(unavailable).containsExactly("msgs", "msgs", "msgs");
  }

  @Test
  void failClosedRefusesTemporarilyWhenTheStoreIsDown() {
    Scripted s = new Scripted();
    s.down = true;
    var p = new SharedRateLimitPolicy(local(100), s, options(true));
    var mail = authenticated("192.0.2.1", "u@example.test").withMailFrom("u@example.test", 0);
    assertThat(p.check(mail).block(T)).isInstanceOfSatisfying(Decision.Deny.class,
        d -> assertThat(d.kind()).isEqualTo(DenyKind.RATE_LIMIT));
  }

  @Test
  void aSharedLockoutDeniesAndSharedFailuresDelay() {
    Scripted s = new Scripted();
    var settings = new AuthThrottleSettings(Duration.ofSeconds(1), Duration.ofSeconds(8), 3,
        Duration.ofMinutes(5), Duration.ofMinutes(5));
    var local = new AuthThrottle("auth", settings, 1000, clock, Runnable::run);
    var p = new SharedAuthThrottle(local, s, options(false));
    var attempt = connect("192.0.2.1").withAuthAttempt("v@example.test", true);
    assertThat(p.check(attempt).block(T)).isEqualTo(Decision.ALLOW);
    s.record = new SharedCounters.AuthRecord(false, 1, 3);
    assertThat(p.check(attempt).block(T)).isEqualTo(new Decision.Delay(Duration.ofSeconds(4), "auth"));
    s.record = new SharedCounters.AuthRecord(true, 3, 3);
    assertThat(p.check(attempt).block(T)).isInstanceOfSatisfying(Decision.Deny.class,
        d -> assertThat(d.kind()).isEqualTo(DenyKind.AUTH_THROTTLED));
  }

  @Test
  void outcomesGoToBothTheStoreAndTheLocalThrottleWhichDecidesDuringAnOutage() {
    Scripted s = new Scripted();
    var settings = new AuthThrottleSettings(Duration.ofSeconds(1), Duration.ofSeconds(8), 2,
        Duration.ofMinutes(5), Duration.ofMinutes(5));
    var local = new AuthThrottle("auth", settings, 1000, clock, Runnable::run);
    var p = new SharedAuthThrottle(local, s, options(false));
    var attempt = connect("192.0.2.1").withAuthAttempt("v@example.test", true);
    p.recordFailure(attempt, 1);
    p.recordFailure(attempt, 2);
    assertThat(s.recorded).containsExactly("fail v@example.test 192.0.2.1",
        "fail v@example.test 192.0.2.1");
    s.down = true;
    assertThat(p.check(attempt).block(T).isDeny()).as("locked out locally too").isTrue();
    assertThat(unavailable).containsExactly("auth");
    p.recordSuccess(connect("192.0.2.2").withAuthAttempt("v@example.test", true));
    assertThat(s.recorded).last().isEqualTo("ok v@example.test 192.0.2.2");
  }

  @Test
  void anEngineWithSharedPoliciesChargesTheStoreAndReportsOutcomesToIt() {
    Scripted s = new Scripted();
    PolicySettings d = PolicySettings.defaults();
    PolicySettings settings = new PolicySettings(d.networks(), d.prefixes(),
        d.connectionLimits(), List.of(new RateLimitRule("msgs", Counter.MESSAGES, KeyScope.USER,
            new Rate(1, Duration.ofHours(1)))), d.authFailures(), d.messages(),
        d.requireTlsForAuth(), d.plaintextAuthByListener());
    PolicyEngine engine = PolicyEngine.create(settings, new SharedPolicies(s, options(false)));
    var mail = authenticated("192.0.2.1", "u@example.test").withMailFrom(null, 0);
    assertThat(engine.chain().evaluate(mail).block(T)).isEqualTo(Decision.ALLOW);
    assertThat(engine.chain().evaluate(mail).block(T)).as("the store decides, not 1/h locally")
        .isEqualTo(Decision.ALLOW);
    assertThat(s.charged).containsExactly("rate:msgs:u:u@example.test 1",
        "rate:msgs:u:u@example.test 1");
    engine.authOutcomes().recordFailure(connect("192.0.2.1").withAuthAttempt("x", true), 7);
    assertThat(s.recorded).containsExactly("fail x 192.0.2.1");
  }

  private static final List<dev.mailgate.policy.limit.ConnectionLimit> PER_USER_AND_DOMAIN = List.of(
      new dev.mailgate.policy.limit.ConnectionLimit("per-user", KeyScope.USER, 2),
      new dev.mailgate.policy.limit.ConnectionLimit("per-domain", KeyScope.DOMAIN, 3),
      new dev.mailgate.policy.limit.ConnectionLimit("per-ip", KeyScope.IP, 1));

  @Test
  void sessionSlotsAreTakenPerUserAndDomainGivenBackOnCloseAndRenewedWhileHeld() {
    Scripted s = new Scripted();
    SharedSessionLimits limits = new SharedPolicies(s, options(false)).sessions();
    var u = authenticated("192.0.2.1", "u@example.test");
    var first = limits.onLogin(PER_USER_AND_DOMAIN, NetworkPrefixes.DEFAULT, u).block(T);
    var second = limits.onLogin(PER_USER_AND_DOMAIN, NetworkPrefixes.DEFAULT, u).block(T);
    var third = limits.onLogin(PER_USER_AND_DOMAIN, NetworkPrefixes.DEFAULT, u).block(T);
    assertThat(first.deny()).isNull();
    assertThat(second.deny()).isNull();
    assertThat(third.deny()).isNotNull();
    assertThat(third.deny().kind()).isEqualTo(DenyKind.TOO_MANY_CONNECTIONS);
    assertThat(third.deny().rule()).isEqualTo("per-user");
    assertThat(s.slots.get("sessions:per-domain:d:example.test"))
        .as("the refused login gave its domain slot back").hasSize(2);
    assertThat(s.slots).doesNotContainKey("sessions:per-ip:i:192.0.2.1");
    assertThat(limits.liveSlots()).isEqualTo(4);
    limits.renewAll();
    assertThat(s.renewed).containsExactlyInAnyOrder("sessions:per-user:u:u@example.test 2",
        "sessions:per-domain:d:example.test 2");
    first.slots().close();
    first.slots().close();
    assertThat(s.slots.get("sessions:per-user:u:u@example.test")).hasSize(1);
    assertThat(limits.onLogin(PER_USER_AND_DOMAIN, NetworkPrefixes.DEFAULT, u).block(T).deny())
        .isNull();
  }

  @Test
  void whenTheStoreIsDownALoginKeepsOnlyTheNodesLimitOrIsRefusedWhenFailClosed() {
    Scripted s = new Scripted();
    s.down = true;
    var u = authenticated("192.0.2.1", "u@example.test");
    var open = new SharedPolicies(s, options(false)).sessions()
        .onLogin(PER_USER_AND_DOMAIN, NetworkPrefixes.DEFAULT, u).block(T);
    assertThat(open.deny()).isNull();
    var closed = new SharedPolicies(s, options(true)).sessions()
        .onLogin(PER_USER_AND_DOMAIN, NetworkPrefixes.DEFAULT, u).block(T);
    assertThat(closed.deny()).isNotNull();
    assertThat(unavailable).containsExactly("per-user", "per-domain", "per-user");
  }
}
