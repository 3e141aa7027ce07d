package dev.mailgate.gateway.session;

import dev.mailgate.gateway.net.Protocol;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Pure coordination logic: fake sessions, a fake listener set and virtual time, no sleeps. */
class DrainCoordinatorTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final RecordingListener events = new RecordingListener();
  private final SessionRegistry registry =
      new SessionRegistry(
          new MutableClock(Instant.parse("2026-11-30T10:00:00Z")), new SessionIds(1), List.of(events));
  private final AtomicInteger stopCalls = new AtomicInteger();
  private final AcceptControl listeners =
      () -> Mono.fromRunnable(stopCalls::incrementAndGet);
  private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
  private final DrainCoordinator drain = new DrainCoordinator(registry, listeners, TIMEOUT, time);

  @Test
  void withNoSessionsTheDrainCompletesAtOnceAfterStoppingListeners() {
    StepVerifier.create(drain.drain()).expectNext(new DrainReport(0, 0)).verifyComplete();
    assertThat(stopCalls).hasValue(1);
  }

  @Test
  void idleSessionsSayGoodbyeAndTheDrainCompletesWithoutWaiting() {
    FakeSession a = FakeSession.open(registry, Protocol.IMAP, FakeSession.OnDrain.END_NOW);
    FakeSession b = FakeSession.open(registry, Protocol.IMAP, FakeSession.OnDrain.END_NOW);

    StepVerifier.create(drain.drain()).expectNext(new DrainReport(2, 0)).verifyComplete();

    assertThat(a.calls).containsExactly("drain");
    assertThat(b.calls).containsExactly("drain");
    assertThat(events.ended).extracting(SessionSnapshot::endReason).containsOnly(EndReason.DRAIN);
  }

  @Test
  void aTransactionThatFinishesWithinTheTimeoutIsNotCut() {
    FakeSession smtp = FakeSession.open(registry, Protocol.SMTP, FakeSession.OnDrain.WAIT);
    FakeSession idle = FakeSession.open(registry, Protocol.IMAP, FakeSession.OnDrain.END_NOW);

    StepVerifier.withVirtualTime(drain::drain, () -> time, Long.MAX_VALUE)
        .expectSubscription()
        .thenAwait(TIMEOUT.minusSeconds(1))
        .then(() -> assertThat(registry.all()).containsExactly(smtp.record))
        .then(smtp::finish)
        .expectNext(new DrainReport(2, 0))
        .verifyComplete();

    assertThat(smtp.calls).containsExactly("drain");
    assertThat(idle.calls).containsExactly("drain");
  }

  @Test
  void sessionsStillOpenAtTheTimeoutAreClosed() {
    FakeSession stuck = FakeSession.open(registry, Protocol.SMTP, FakeSession.OnDrain.WAIT);
    FakeSession idle = FakeSession.open(registry, Protocol.IMAP, FakeSession.OnDrain.END_NOW);

    StepVerifier.withVirtualTime(drain::drain, () -> time, Long.MAX_VALUE)
        .expectSubscription()
        .thenAwait(TIMEOUT.minusMillis(1))
        .then(() -> assertThat(stuck.calls).containsExactly("drain"))
        .thenAwait(Duration.ofMillis(1))
        .expectNext(new DrainReport(2, 1))
        .verifyComplete();

    assertThat(stuck.calls).containsExactly("drain", "close");
    assertThat(idle.calls).containsExactly("drain");
    assertThat(registry.size()).isZero();
    assertThat(events.ended).hasSize(2);
    assertThat(events.ended).extracting(SessionSnapshot::endReason).containsOnly(EndReason.DRAIN);
  }

  @Test
  void drainingTwiceRunsOnce() {
    FakeSession s = FakeSession.open(registry, Protocol.IMAP, FakeSession.OnDrain.END_NOW);

    DrainReport first = drain.drain().block(Duration.ZERO.plusSeconds(1));
    DrainReport second = drain.drain().block(Duration.ZERO.plusSeconds(1));

    assertThat(second).isEqualTo(first);
    assertThat(stopCalls).hasValue(1);
    assertThat(s.calls).containsExactly("drain");
  }

  @Test
  void aListenerThatFailsToStopDoesNotStopTheDrain() {
    DrainCoordinator d =
        new DrainCoordinator(
            registry, () -> Mono.error(new IllegalStateException("bind gone")), TIMEOUT, time);
    FakeSession s = FakeSession.open(registry, Protocol.POP3, FakeSession.OnDrain.END_NOW);

    StepVerifier.create(d.drain()).expectNext(new DrainReport(1, 0)).verifyComplete();
    assertThat(s.calls).containsExactly("drain");
  }

  @Test
  void sessionsAreAskedOnlyAfterTheListenersStopped() {
    FakeSession s = FakeSession.open(registry, Protocol.IMAP, FakeSession.OnDrain.END_NOW);
    AcceptControl slowListeners =
        () -> Mono.delay(Duration.ofSeconds(1), time).then(Mono.fromRunnable(() -> {
          assertThat(s.calls).isEmpty();
          stopCalls.incrementAndGet();
        }));
    DrainCoordinator d = new DrainCoordinator(registry, slowListeners, TIMEOUT, time);

    StepVerifier.withVirtualTime(d::drain, () -> time, Long.MAX_VALUE)
        .expectSubscription()
        .then(() -> assertThat(s.calls).isEmpty())
        .thenAwait(Duration.ofSeconds(1))
        .expectNext(new DrainReport(1, 0))
        .verifyComplete();
    assertThat(stopCalls).hasValue(1);
  }
}
