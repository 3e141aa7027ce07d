package dev.mailgate.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

class TerminationSignalsTest {

  @Test
  void terminationDrainsThenExitsZero() throws Exception {
    Sinks.One<DrainReport> drained = Sinks.one();
    AtomicInteger drainCalls = new AtomicInteger();
    CompletableFuture<Integer> exitCode = new CompletableFuture<>();
    TerminationSignals signals =
        new TerminationSignals(
            () -> {
              drainCalls.incrementAndGet();
              return drained.asMono();
            },
            () -> {},
            exitCode::complete,
            Duration.ofMinutes(1));

    signals.terminate("SIGTERM");
    assertThat(exitCode).isNotDone();

    drained.tryEmitValue(new DrainReport(3, 0));

    assertThat(exitCode.get(10, TimeUnit.SECONDS)).isZero();
    assertThat(drainCalls).hasValue(1);
  }

  @Test
  void aSecondSignalWhileDrainingExitsAtOnceWithOne() throws Exception {
    CompletableFuture<Integer> exitCode = new CompletableFuture<>();
    AtomicInteger drainCalls = new AtomicInteger();
    Sinks.One<DrainReport> slowDrain = Sinks.one();
    TerminationSignals signals =
        new TerminationSignals(
            () -> {
              drainCalls.incrementAndGet();
              return slowDrain.asMono();
            },
            () -> {},
            exitCode::complete,
            Duration.ofMinutes(10));

    signals.terminate("SIGINT");
    signals.terminate("SIGINT");

    assertThat(exitCode.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    // the first signal's drain starts on its own thread, which may not have run yet
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> drainCalls.get() == 1);
    slowDrain.tryEmitValue(new DrainReport(0, 0)); // lets the drain thread finish
  }

  @Test
  void aDrainThatOverrunsItsLimitStillExitsZero() throws Exception {
    CompletableFuture<Integer> exitCode = new CompletableFuture<>();
    TerminationSignals signals =
        new TerminationSignals(
            Mono::never, () -> {}, exitCode::complete, Duration.ofMillis(50));

    signals.terminate("SIGTERM");

    assertThat(exitCode.get(10, TimeUnit.SECONDS)).isZero();
  }
}
