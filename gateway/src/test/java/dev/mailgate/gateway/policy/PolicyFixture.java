package dev.mailgate.gateway.policy;

import static org.awaitility.Awaitility.await;

import dev.mailgate.gateway.metrics.GatewayMetrics;
import dev.mailgate.policy.PolicyEngine;
import dev.mailgate.policy.PolicySettings;
import dev.mailgate.policy.limit.AuthThrottleSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * A {@link PolicyGate} for tests over real sessions: the engine runs on a clock the test moves
 * ({@link #advance}), auth-throttling delays on a {@link VirtualTimeScheduler}, and refusals and
 * delays are counted in a simple registry the test reads. Nothing waits on the wall clock.
 */
public final class PolicyFixture {
  /** 2 s doubling to 15 s, lockout after 3 distinct failures for 15 minutes. */
  public static final AuthThrottleSettings AUTH = new AuthThrottleSettings(Duration.ofSeconds(2),
      Duration.ofSeconds(15), 3, Duration.ofMinutes(15), Duration.ofMinutes(15));

  public final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  public final VirtualTimeScheduler delays = VirtualTimeScheduler.create();
  public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  public final GatewayMetrics metrics = GatewayMetrics.on(registry);
  public final PolicyEngine engine;
  public final PolicyGate gate;

  public PolicyFixture(PolicySettings settings) {
    engine = PolicyEngine.create(settings, 10_000, nanos::get, Runnable::run);
    gate = new PolicyGate(() -> engine, metrics, delays);
  }

  /** Moves the engine's clock (rate buckets, lockouts); auth delays are {@link #releaseDelays}. */
  public void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  /** Refusals counted under the rule's name, on any protocol. */
  public double refusals(String rule) {
    return registry.find("mailgate.policy.refusals").tag("rule", rule).counters().stream()
        .mapToDouble(Counter::count).sum();
  }

  public double delayed() {
    return registry.find("mailgate.policy.delays").counters().stream()
        .mapToDouble(Counter::count).sum();
  }

  /** Delays counted under the rule's name (relayed commands paced by a commands rule). */
  public double delays(String rule) {
    return registry.find("mailgate.policy.delays").tag("rule", rule).counters().stream()
        .mapToDouble(Counter::count).sum();
  }

  /**
   * Waits until the {@code n}-th relayed command paced by {@code rule} is parked on its wait,
   * then moves both the engine's clock and the delay scheduler by {@code window}, the rule's
   * period: the key's next window opens and the command goes on.
   */
  public void releasePacedCommand(String rule, int n, Duration window) {
    await().atMost(Duration.ofSeconds(20)).until(() -> delays(rule) >= n);
    advance(window);
    delays.advanceTimeBy(window);
  }

  /**
   * Waits until the {@code n}-th login delay has been scheduled (the session is then parked on
   * it, its reply not yet possible), then lets virtual time pass beyond the longest delay.
   */
  public void releaseDelay(int n) {
    await().atMost(Duration.ofSeconds(20)).until(() -> delayed() >= n);
    delays.advanceTimeBy(AUTH.maxDelay());
  }
}
