package dev.mailgate.policy.limit;

import static dev.mailgate.policy.Facts.authenticated;
import static dev.mailgate.policy.Facts.connect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.policy.DenyKind;
import dev.mailgate.policy.PolicyFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConnectionLimiterTest {
  private final ConnectionLimiter limiter = new ConnectionLimiter(List.of(
      new ConnectionLimit("per-ip", KeyScope.IP, 2),
      new ConnectionLimit("per-ip-strict", KeyScope.IP, 3),
      new ConnectionLimit("per-user", KeyScope.USER, 1)), NetworkPrefixes.DEFAULT);

  private ConnectionLimiter.Lease lease(ConnectionLimiter.Result r) {
    assertThat(r).isInstanceOf(ConnectionLimiter.Acquired.class);
    return ((ConnectionLimiter.Acquired) r).lease();
  }

  @Test
  void theLimitPlusOneConnectionIsRefusedUntilOneCloses() {
    PolicyFacts f = connect("192.0.2.1");
    ConnectionLimiter.Lease a = lease(limiter.onConnect(f));
    lease(limiter.onConnect(f));
    ConnectionLimiter.Result third = limiter.onConnect(f);
    assertThat(third).isInstanceOfSatisfying(ConnectionLimiter.Refused.class, r -> {
      assertThat(r.deny().kind()).isEqualTo(DenyKind.TOO_MANY_CONNECTIONS);
      assertThat(r.deny().rule()).isEqualTo("per-ip");
    });
    assertThat(limiter.count("per-ip-strict", f)).as("a refusal gives back what it took")
        .isEqualTo(2);
    a.close();
    a.close();
    assertThat(limiter.count("per-ip", f)).as("closing twice releases once").isEqualTo(1);
    lease(limiter.onConnect(f));
  }

  @Test
  void userLimitsApplyAtLoginAcrossAddresses() {
    lease(limiter.onLogin(authenticated("192.0.2.1", "alice@example.org")));
    assertThat(limiter.onLogin(authenticated("198.51.100.1", "ALICE@example.org")))
        .isInstanceOf(ConnectionLimiter.Refused.class);
    lease(limiter.onLogin(authenticated("198.51.100.1", "bob@example.org")));
  }

  @Test
  void countsVanishWhenEverySessionHasClosed() {
    List<ConnectionLimiter.Lease> leases = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      leases.add(lease(limiter.onConnect(connect("10.0." + (i / 250) + "." + (i % 250)))));
    }
    assertThat(limiter.keys()).isEqualTo(2000);
    leases.forEach(ConnectionLimiter.Lease::close);
    assertThat(limiter.keys()).isZero();
  }

  @Test
  void sessionsRacingOnOneAddressNeverHoldMoreThanTheLimit() throws Exception {
    PolicyFacts f = connect("192.0.2.7");
    AtomicInteger holding = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger admitted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        runs.add(pool.submit(() -> {
          for (int i = 0; i < 20_000; i++) {
            if (limiter.onConnect(f) instanceof ConnectionLimiter.Acquired a) {
              admitted.incrementAndGet();
              most.accumulateAndGet(holding.incrementAndGet(), Math::max);
              holding.decrementAndGet();
              a.lease().close(); // the entry may go here while others take it again
            }
          }
        }));
      }
      for (Future<?> r : runs) {
        r.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(admitted.get()).isPositive();
    assertThat(most.get()).isLessThanOrEqualTo(2);
    assertThat(limiter.keys()).as("every entry went with its last permit").isZero();
  }
}
