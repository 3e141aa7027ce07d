package dev.mailgate.gateway.session;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Graceful shutdown in three steps: stop accepting, ask every live session to finish ({@link
 * SessionControl#drain()}: IMAP says {@code * BYE [UNAVAILABLE]}, SMTP completes the transaction in
 * flight), wait until the registry is empty or {@code timeout} runs out, then close what is left.
 *
 * <p>Triggered by SIGTERM ({@link TerminationSignals}) or {@code POST /drain}; both may happen, so
 * {@link #drain()} is idempotent: every call returns the same single run. The timeout runs on the
 * given {@link Scheduler}, so tests drive it with a virtual-time scheduler and no sleeps.
 */
public final class DrainCoordinator {
  private static final Logger LOG = LoggerFactory.getLogger(DrainCoordinator.class);

  private final SessionRegistry registry;
  private final AcceptControl listeners;
  private final Duration timeout;
  private final Scheduler timer;
  private final Mono<DrainReport> run;

  /**
   * @param timeout how long sessions get to finish (an SMTP DATA transfer in flight included);
   *     must be positive
   * @param timer the scheduler the timeout runs on ({@code Schedulers.parallel()} in production)
   */
  public DrainCoordinator(
      SessionRegistry registry, AcceptControl listeners, Duration timeout, Scheduler timer) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.listeners = Objects.requireNonNull(listeners, "listeners");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.timer = Objects.requireNonNull(timer, "timer");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("drain timeout must be positive: " + timeout);
    }
    this.run = Mono.defer(this::runOnce).cache();
  }

  /**
   * Drains once; every call returns the same run, which completes with the report when no session
   * is left. Never fails: a listener that cannot stop is logged and the drain carries on.
   */
  public Mono<DrainReport> drain() {
    return run;
  }

  /**
   * Starts the drain without waiting for it (the admin API's {@code POST /drain}); the run goes on
   * in the background on the timer scheduler and the sessions' own threads.
   */
  public void start() {
    run.subscribe(
        report -> {},
        e -> LOG.error("drain failed", e));
  }

  /** Whether a drain has started. */
  public boolean isDraining() {
    return registry.isDraining();
  }

  private Mono<DrainReport> runOnce() {
    return listeners
        .stopAccepting()
        .onErrorResume(
            e -> {
              LOG.error("drain: a listener did not stop accepting", e);
              return Mono.empty();
            })
        .then(Mono.fromCallable(this::askSessions))
        .flatMap(this::awaitSessions);
  }

  private int askSessions() {
    int asked = registry.drainAll();
    LOG.info("drain: listeners stopped, {} sessions asked to finish within {}", asked, timeout);
    return asked;
  }

  private Mono<DrainReport> awaitSessions(int asked) {
    return registry
        .whenDrained()
        .timeout(timeout, timer)
        .then(Mono.fromCallable(() -> report(asked, 0)))
        .onErrorResume(
            TimeoutException.class,
            e -> Mono.fromCallable(() -> report(asked, registry.closeAll(EndReason.DRAIN))));
  }

  private static DrainReport report(int asked, int forced) {
    LOG.info("drain: done, {} sessions asked, {} closed at the timeout", asked, forced);
    return new DrainReport(asked, forced);
  }
}
