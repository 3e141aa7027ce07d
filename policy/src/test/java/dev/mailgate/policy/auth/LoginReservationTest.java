package dev.mailgate.policy.auth;

import static dev.mailgate.policy.Facts.connect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.policy.DenyKind;
import dev.mailgate.policy.FakeClock;
import dev.mailgate.policy.PasswordFingerprint;
import dev.mailgate.policy.PolicyFacts;
import dev.mailgate.policy.limit.AuthThrottleSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The lockout's reservations ({@link AuthThrottle#reserve}): a password check in flight counts
 * against its (user, address) pair's {@code lockoutAfter} (4 here) as if it had failed, so
 * parallel guesses never get more passwords checked than the lockout allows.
 */
class LoginReservationTest {
  private static final int LOCKOUT_AFTER = 4;
  private final FakeClock clock = new FakeClock();
  private final AuthThrottle throttle = new AuthThrottle("auth-failures",
      new AuthThrottleSettings(Duration.ofSeconds(1), Duration.ofSeconds(8), LOCKOUT_AFTER,
          Duration.ofMinutes(15), Duration.ofMinutes(10)), 10_000, clock, Runnable::run);

  private static PolicyFacts attempt(String ip, String user) {
    return connect(ip).withAuthAttempt(user, true);
  }

  private static final PolicyFacts ATTACKER = attempt("203.0.113.66", "alice@x");

  private LoginReservation reserve(PolicyFacts f, String password) {
    return throttle.reserve(f, PasswordFingerprint.of(password));
  }

  private void fail(PolicyFacts f, String password, LoginReservation r) {
    throttle.recordFailure(f, PasswordFingerprint.of(password));
    r.release();
  }

  private List<LoginReservation> reserveDistinct(PolicyFacts f, String prefix, int n) {
    List<LoginReservation> held = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      LoginReservation r = reserve(f, prefix + i);
      assertThat(r.admitted()).as("guess %d of %d", i + 1, n).isTrue();
      held.add(r);
    }
    return held;
  }

  @Test
  void checksInFlightCountAsFailuresSoParallelGuessesStopAtLockoutAfter() {
    List<LoginReservation> held = reserveDistinct(ATTACKER, "guess", LOCKOUT_AFTER);
    LoginReservation fifth = reserve(ATTACKER, "guess-too-many");
    assertThat(fifth.admitted()).isFalse();
    assertThat(fifth.deny().kind()).isEqualTo(DenyKind.AUTH_THROTTLED);
    for (int i = 0; i < LOCKOUT_AFTER; i++) {
      fail(ATTACKER, "guess" + i, held.get(i));
    }
    assertThat(throttle.decide(ATTACKER).isDeny()).as("the four failures lock the pair").isTrue();
    assertThat(reserve(ATTACKER, "guess-after").admitted()).isFalse();
  }

  @Test
  void aFailureTakesTheSlotItHeldAndDoesNotFreeAnother() {
    List<LoginReservation> held = reserveDistinct(ATTACKER, "guess", LOCKOUT_AFTER);
    fail(ATTACKER, "guess0", held.get(0));
    held.get(0).release(); // idempotent
    assertThat(reserve(ATTACKER, "guess-next").admitted())
        .as("one failure and three in flight still fill the four").isFalse();
  }

  @Test
  void anAbandonedCheckGivesItsSlotBackWithoutCountingAFailure() {
    List<LoginReservation> held = reserveDistinct(ATTACKER, "guess", LOCKOUT_AFTER);
    held.get(3).release(); // the client left before the answer
    held.get(3).release();
    assertThat(reserve(ATTACKER, "guess-next").admitted()).isTrue();
    assertThat(reserve(ATTACKER, "guess-one-more").admitted()).isFalse();
    assertThat(throttle.decide(ATTACKER).isDeny()).isFalse();
  }

  @Test
  void aPasswordThatAlreadyFailedNeedsNoSlotAndStillCountsOnce() {
    PolicyFacts phone = attempt("192.0.2.7", "bob@x");
    fail(phone, "old-password", reserve(phone, "old-password"));
    List<LoginReservation> held = reserveDistinct(phone, "new", LOCKOUT_AFTER - 1);
    assertThat(reserve(phone, "new-too-many").admitted()).isFalse();
    for (int i = 0; i < 20; i++) {
      LoginReservation again = reserve(phone, "old-password");
      assertThat(again.admitted()).as("a known wrong password tells a guesser nothing new").isTrue();
      fail(phone, "old-password", again);
    }
    assertThat(throttle.decide(phone).isDeny()).as("the old password counted once").isFalse();
    held.forEach(LoginReservation::release);
  }

  @Test
  void parallelChecksOfOnePasswordShareOneSlot() {
    PolicyFacts devices = attempt("192.0.2.8", "carol@x");
    List<LoginReservation> same = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      LoginReservation r = reserve(devices, "stale");
      assertThat(r.admitted()).isTrue();
      same.add(r);
    }
    reserveDistinct(devices, "other", LOCKOUT_AFTER - 1);
    assertThat(reserve(devices, "other-too-many").admitted()).isFalse();
    same.get(0).release(); // one device gave up: the others still hold the shared slot
    assertThat(reserve(devices, "other-too-many").admitted()).isFalse();
    for (LoginReservation r : same.subList(1, 5)) {
      fail(devices, "stale", r);
    }
    assertThat(throttle.decide(devices).isDeny()).as("one failure for the five").isFalse();
  }

  @Test
  void aSuccessClearsTheFailuresButChecksInFlightKeepTheirSlots() {
    List<LoginReservation> held = reserveDistinct(ATTACKER, "guess", 2);
    fail(ATTACKER, "guess0", held.get(0));
    LoginReservation right = reserve(ATTACKER, "right");
    right.release();
    throttle.recordSuccess(ATTACKER);
    reserveDistinct(ATTACKER, "after", LOCKOUT_AFTER - 1);
    assertThat(reserve(ATTACKER, "after-too-many").admitted())
        .as("guess1 is still being checked").isFalse();
  }

  @Test
  void anExpiredLockoutOpensAWindowOfLockoutAfterGuesses() {
    List<LoginReservation> held = reserveDistinct(ATTACKER, "guess", LOCKOUT_AFTER);
    for (int i = 0; i < LOCKOUT_AFTER; i++) {
      fail(ATTACKER, "guess" + i, held.get(i));
    }
    clock.advance(Duration.ofMinutes(14));
    assertThat(reserve(ATTACKER, "later").admitted()).isFalse();
    clock.advance(Duration.ofMinutes(1));
    List<LoginReservation> window = reserveDistinct(ATTACKER, "window", LOCKOUT_AFTER);
    assertThat(reserve(ATTACKER, "window-too-many").admitted()).isFalse();
    for (int i = 0; i < LOCKOUT_AFTER; i++) {
      fail(ATTACKER, "window" + i, window.get(i));
    }
    assertThat(throttle.decide(ATTACKER).isDeny()).as("locked again").isTrue();
  }

  @Test
  void aCheckInFlightKeepsItsPairRecordFromBeingForgotten() {
    fail(ATTACKER, "guess0", reserve(ATTACKER, "guess0"));
    clock.advance(Duration.ofMinutes(9)); // forget_after is 10 minutes
    LoginReservation slow = reserve(ATTACKER, "slow");
    clock.advance(Duration.ofMinutes(2));
    reserveDistinct(ATTACKER, "later", LOCKOUT_AFTER - 2);
    assertThat(reserve(ATTACKER, "later-too-many").admitted())
        .as("guess0 and the slow check still count: the reservation kept the record").isFalse();
    slow.release();
  }

  @Test
  void slotsArePerUserAndAddressSoTheRealUserStillLogsInFromElsewhere() {
    reserveDistinct(ATTACKER, "guess", LOCKOUT_AFTER);
    assertThat(reserve(ATTACKER, "guess-too-many").admitted()).isFalse();
    assertThat(reserve(attempt("192.0.2.10", "alice@x"), "real").admitted()).isTrue();
    assertThat(reserve(attempt("203.0.113.66", "bob@x"), "real").admitted()).isTrue();
  }

  /**
   * Threads racing to reserve, fail and abandon distinct guesses: the passwords that get checked
   * (reservations admitted for a fingerprint not seen before) never pass lockoutAfter.
   */
  @Test
  void racingThreadsNeverGetMoreThanLockoutAfterPasswordsChecked() throws Exception {
    int threads = 8;
    AtomicInteger guess = new AtomicInteger();
    AtomicInteger checked = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> all = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        all.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < 500; i++) {
            String password = "race-" + guess.incrementAndGet();
            LoginReservation r = reserve(ATTACKER, password);
            if (r.admitted()) {
              checked.incrementAndGet();
              fail(ATTACKER, password, r);
            }
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : all) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(checked.get()).isEqualTo(LOCKOUT_AFTER);
  }
}
