package dev.mailgate.policy.auth;

import static dev.mailgate.policy.Facts.connect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.policy.Decision;
import dev.mailgate.policy.DenyKind;
import dev.mailgate.policy.FakeClock;
import dev.mailgate.policy.PolicyFacts;
import dev.mailgate.policy.limit.AuthThrottleSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AuthThrottleTest {
  private final FakeClock clock = new FakeClock();
  private final AuthThrottle throttle = new AuthThrottle("auth-failures",
      new AuthThrottleSettings(Duration.ofSeconds(1), Duration.ofSeconds(8), 4,
          Duration.ofMinutes(15), Duration.ofMinutes(10)), 10_000, clock, Runnable::run);

  private static PolicyFacts attempt(String ip, String user) {
    return connect(ip).withAuthAttempt(user, true);
  }

  private Decision check(String ip, String user) {
    return throttle.decide(attempt(ip, user));
  }

  @Test
  void delaysDoublePerDistinctFailureUpToTheCap() {
    assertThat(check("192.0.2.1", "a@x")).isEqualTo(Decision.ALLOW);
    Duration[] expected = {Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
        Duration.ofSeconds(8), Duration.ofSeconds(8)};
    for (int i = 0; i < expected.length; i++) {
      throttle.recordFailure(attempt("192.0.2.1", "user" + i + "@x"), "guess" + i);
      assertThat(check("192.0.2.1", "someone@x"))
          .isEqualTo(new Decision.Delay(expected[i], "auth-failures"));
    }
  }

  @Test
  void identicalRepeatedFailuresCountOnce() {
    for (int i = 0; i < 50; i++) {
      throttle.recordFailure(attempt("192.0.2.1", "alice@x"), "old-password");
    }
    assertThat(check("192.0.2.1", "alice@x"))
        .as("a phone retrying an old password is one failure, not a lockout")
        .isEqualTo(new Decision.Delay(Duration.ofSeconds(1), "auth-failures"));
  }

  @Test
  void lockoutIsPerUserAndAddressSoTheRealUserIsOnlySlowedElsewhere() {
    for (int i = 0; i < 4; i++) {
      throttle.recordFailure(attempt("203.0.113.66", "alice@x"), "guess" + i);
    }
    assertThat(check("203.0.113.66", "alice@x")).isInstanceOfSatisfying(Decision.Deny.class,
        d -> assertThat(d.kind()).isEqualTo(DenyKind.AUTH_THROTTLED));
    Decision home = check("192.0.2.10", "alice@x");
    assertThat(home).as("alice from home is slowed, not locked out")
        .isInstanceOf(Decision.Delay.class);
    assertThat(check("192.0.2.10", "bob@x")).isEqualTo(Decision.ALLOW);
  }

  @Test
  void theLockoutEndsAfterItsDuration() {
    for (int i = 0; i < 4; i++) {
      throttle.recordFailure(attempt("203.0.113.66", "alice@x"), "guess" + i);
    }
    clock.advance(Duration.ofMinutes(14));
    assertThat(check("203.0.113.66", "alice@x").isDeny()).isTrue();
    clock.advance(Duration.ofMinutes(1));
    assertThat(check("203.0.113.66", "alice@x").isDeny()).isFalse();
  }

  @Test
  void successClearsTheAddressAndFailuresAreForgottenAfterAQuietWindow() {
    throttle.recordFailure(attempt("192.0.2.1", "alice@x"), "typo");
    throttle.recordSuccess(attempt("192.0.2.1", "alice@x"));
    assertThat(check("192.0.2.1", "carol@x")).isEqualTo(Decision.ALLOW);

    throttle.recordFailure(attempt("192.0.2.2", "dave@x"), "typo");
    clock.advance(Duration.ofMinutes(9));
    throttle.recordFailure(attempt("192.0.2.2", "dave@x"), "typo2");
    clock.advance(Duration.ofMinutes(9));
    assertThat(check("192.0.2.2", "erin@x")).as("forgetting counts from the last failure")
        .isInstanceOf(Decision.Delay.class);
    clock.advance(Duration.ofMinutes(1));
    assertThat(check("192.0.2.2", "erin@x")).isEqualTo(Decision.ALLOW);
  }

  @Test
  void aUserWhoLoggedInAfterTyposIsNotDelayedOnTheNextLoginsFromThatAddress() {
    // three typos then the right password (a client retrying): before, every later login of
    // alice was delayed 4 s for the whole forget_after window, by her own per-user count
    for (int i = 0; i < 3; i++) {
      throttle.recordFailure(attempt("192.0.2.1", "alice@x"), "typo" + i);
    }
    throttle.recordSuccess(attempt("192.0.2.1", "alice@x"));
    assertThat(check("192.0.2.1", "alice@x")).isEqualTo(Decision.ALLOW);
    assertThat(check("192.0.2.77", "alice@x")).as("elsewhere the user's failures still slow")
        .isEqualTo(new Decision.Delay(Duration.ofSeconds(4), "auth-failures"));

    throttle.recordFailure(attempt("192.0.2.1", "alice@x"), "new-guess");
    assertThat(check("192.0.2.1", "alice@x")).as("new failures from the address still count")
        .isEqualTo(new Decision.Delay(Duration.ofSeconds(1), "auth-failures"));
  }

  @Test
  void aLoginExemptsItsAddressFromTheUsersFailuresForForgetAfterSinceTheLastLogin() {
    for (int i = 0; i < 3; i++) {
      throttle.recordFailure(attempt("192.0.2.77", "alice@x"), "guess" + i);
    }
    throttle.recordSuccess(attempt("192.0.2.1", "alice@x"));
    clock.advance(Duration.ofMinutes(5));
    throttle.recordSuccess(attempt("192.0.2.1", "alice@x"));
    clock.advance(Duration.ofMinutes(4));
    throttle.recordFailure(attempt("192.0.2.77", "alice@x"), "guess3"); // the user's count goes on
    clock.advance(Duration.ofMinutes(5));
    assertThat(check("192.0.2.1", "alice@x")).as("9 minutes after the last login")
        .isEqualTo(Decision.ALLOW);
    clock.advance(Duration.ofMinutes(1));
    assertThat(check("192.0.2.1", "alice@x")).as("10 minutes after it: slowed like anyone")
        .isEqualTo(new Decision.Delay(Duration.ofSeconds(8), "auth-failures"));
  }

  @Test
  void onlyTheAuthStageIsThrottled() {
    throttle.recordFailure(attempt("192.0.2.1", "a@x"), "p");
    assertThat(throttle.decide(connect("192.0.2.1"))).isEqualTo(Decision.ALLOW);
  }

  @Test
  void failuresFromAMillionAddressesKeepMemoryBounded() {
    AuthThrottle small = new AuthThrottle("a", AuthThrottleSettings.DEFAULT, 10_000, clock,
        Runnable::run);
    for (int i = 0; i < 1_000_000; i++) {
      small.recordFailure(attempt("10." + (i >>> 16 & 255) + "." + (i >>> 8 & 255) + "."
          + (i & 255), "victim@x"), "guess" + (i & 7));
    }
    assertThat(small.trackedKeys()).isLessThanOrEqualTo(3 * 10_000);
  }
}
