package dev.mailgate.policy.limit;

import static dev.mailgate.policy.Facts.authenticated;
import static dev.mailgate.policy.Facts.connect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.policy.Decision;
import dev.mailgate.policy.DenyKind;
import dev.mailgate.policy.FakeClock;
import dev.mailgate.policy.Rate;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimitPolicyTest {
  private final FakeClock clock = new FakeClock();

  private RateLimitPolicy policy(Counter counter, KeyScope scope, Rate rate) {
    return new RateLimitPolicy(new RateLimitRule("r", counter, scope, rate),
        NetworkPrefixes.DEFAULT, 1_000_000, clock, Runnable::run);
  }

  @Test
  void thePermitsOfAPeriodThenRefusalUntilTheKeysNextWindowWhichTheRefusalNames() {
    RateLimitPolicy p = policy(Counter.CONNECTIONS, KeyScope.IP, new Rate(3, Duration.ofMinutes(1)));
    for (int i = 0; i < 3; i++) {
      assertThat(p.decide(connect("192.0.2.1"))).isEqualTo(Decision.ALLOW);
    }
    Decision d = p.decide(connect("192.0.2.1"));
    assertThat(d).isInstanceOfSatisfying(Decision.Deny.class, deny -> {
      assertThat(deny.kind()).isEqualTo(DenyKind.RATE_LIMIT);
      assertThat(deny.rule()).isEqualTo("r");
      assertThat(deny.reason()).contains("retry in 60s");
      assertThat(deny.retryAfter()).as("for a pacing caller").isEqualTo(Duration.ofMinutes(1));
    });
    clock.advance(Duration.ofSeconds(20));
    assertThat(p.decide(connect("192.0.2.2"))).as("other addresses are not affected")
        .isEqualTo(Decision.ALLOW);
    assertThat(p.decide(connect("192.0.2.1"))).isInstanceOfSatisfying(Decision.Deny.class,
        deny -> {
          assertThat(deny.reason()).contains("retry in 40s");
          assertThat(deny.retryAfter()).isEqualTo(Duration.ofSeconds(40));
        });
    clock.advance(Duration.ofSeconds(39));
    assertThat(p.decide(connect("192.0.2.1")).isDeny()).as("refusals take nothing").isTrue();
    clock.advance(Duration.ofSeconds(1));
    for (int i = 0; i < 3; i++) {
      assertThat(p.decide(connect("192.0.2.1"))).as("the next window").isEqualTo(Decision.ALLOW);
    }
    assertThat(p.decide(connect("192.0.2.1")).isDeny()).isTrue();
  }

  @Test
  void aCostLargerThanWhatIsLeftWaitsForTheNextWindow() {
    KeyedRateLimiter l = new KeyedRateLimiter(new Rate(1000, Duration.ofHours(1)), 10, clock,
        Runnable::run);
    assertThat(l.tryAcquire("d", 600)).isZero();
    clock.advance(Duration.ofMinutes(15));
    assertThat(l.tryAcquire("d", 600)).isEqualTo(Duration.ofMinutes(45));
    assertThat(l.tryAcquire("d", 400)).as("the refused 600 took nothing").isZero();
    clock.advance(Duration.ofMinutes(45));
    assertThat(l.tryAcquire("d", 1000)).isZero();
  }

  @Test
  void ratesBeyondAnIntCountInLargerUnits() {
    long tenGigabytes = 10L << 30;
    KeyedRateLimiter l = new KeyedRateLimiter(new Rate(tenGigabytes, Duration.ofDays(1)), 10,
        clock, Runnable::run);
    for (int i = 0; i < 10; i++) {
      assertThat(l.tryAcquire("u", 1L << 30)).as("gigabyte %d", i).isZero();
    }
    assertThat(l.tryAcquire("u", 1L << 30)).isEqualTo(Duration.ofDays(1));
  }

  @Test
  void networkKeysShareOneBucketPerSlash24AndSlash64() {
    RateLimitPolicy p = policy(Counter.CONNECTIONS, KeyScope.NETWORK,
        new Rate(2, Duration.ofMinutes(1)));
    assertThat(p.decide(connect("198.51.100.1"))).isEqualTo(Decision.ALLOW);
    assertThat(p.decide(connect("198.51.100.200"))).isEqualTo(Decision.ALLOW);
    assertThat(p.decide(connect("198.51.100.77")).isDeny()).isTrue();
    assertThat(p.decide(connect("198.51.101.1"))).isEqualTo(Decision.ALLOW);
    assertThat(p.decide(connect("2001:db8:0:1::1"))).isEqualTo(Decision.ALLOW);
    assertThat(p.decide(connect("2001:db8:0:1:ffff::2"))).isEqualTo(Decision.ALLOW);
    assertThat(p.decide(connect("2001:db8:0:1:abcd::3")).isDeny()).isTrue();
  }

  @Test
  void countersAreChargedOnlyAtTheirStage() {
    RateLimitPolicy p = policy(Counter.RECIPIENTS, KeyScope.USER, new Rate(2, Duration.ofHours(1)));
    var f = authenticated("192.0.2.1", "alice@example.org").withMailFrom("alice@example.org", 0);
    for (int i = 0; i < 10; i++) {
      assertThat(p.decide(f)).as("MAIL FROM does not count recipients").isEqualTo(Decision.ALLOW);
    }
    assertThat(p.decide(f.withRcpt("a@x", 1))).isEqualTo(Decision.ALLOW);
    assertThat(p.decide(f.withRcpt("b@x", 2))).isEqualTo(Decision.ALLOW);
    assertThat(p.decide(f.withRcpt("c@x", 3)).isDeny()).isTrue();
    assertThat(p.decide(connect("192.0.2.1"))).as("no user yet: not applicable")
        .isEqualTo(Decision.ALLOW);
  }

  @Test
  void bytesAreChargedByMessageSize() {
    RateLimitPolicy p = policy(Counter.BYTES, KeyScope.DOMAIN, new Rate(1000, Duration.ofHours(1)));
    var f = authenticated("192.0.2.1", "alice@example.org");
    assertThat(p.decide(f.withData(600))).isEqualTo(Decision.ALLOW);
    assertThat(p.decide(authenticated("192.0.2.9", "bob@EXAMPLE.org").withData(600)).isDeny())
        .as("the domain shares one budget").isTrue();
    assertThat(p.decide(f.withData(400))).isEqualTo(Decision.ALLOW);
    assertThat(p.decide(f.withData(5000)).isDeny()).as("bigger than the whole budget").isTrue();
  }

  @Test
  void aMillionDistinctAddressesKeepTheMapBounded() {
    KeyedRateLimiter l = new KeyedRateLimiter(new Rate(10, Duration.ofMinutes(1)), 50_000, clock,
        Runnable::run);
    for (int i = 0; i < 1_000_000; i++) {
      l.tryAcquire("i:" + i, 1);
    }
    assertThat(l.keys()).isLessThanOrEqualTo(50_000);
  }

  @Test
  void idleKeysExpireAfterOnePeriod() {
    KeyedRateLimiter l = new KeyedRateLimiter(new Rate(1, Duration.ofMinutes(1)), 1000, clock,
        Runnable::run);
    for (int i = 0; i < 100; i++) {
      l.tryAcquire("k" + i, 1);
    }
    assertThat(l.keys()).isEqualTo(100);
    clock.advance(Duration.ofMinutes(1));
    assertThat(l.keys()).isZero();
    assertThat(l.tryAcquire("k1", 1)).as("an expired key starts with a full bucket").isZero();
  }
}
