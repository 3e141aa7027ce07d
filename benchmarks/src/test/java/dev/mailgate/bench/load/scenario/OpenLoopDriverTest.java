package dev.mailgate.bench.load.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.bench.load.report.LatencyRecorder;
import dev.mailgate.bench.load.report.Sample;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OpenLoopDriverTest {

  @Test
  void everyArrivalOfTheWindowIsServedOnce() {
    AtomicInteger served = new AtomicInteger();
    Sample s = OpenLoopDriver.run(Duration.ofMillis(100), 200, List.of("a", "b"), new LatencyRecorder(), c -> {
      served.incrementAndGet();
      return CompletableFuture.completedFuture(c);
    });
    // arrivals at 0, 5, ..., 95 ms
    assertThat(served.get()).isEqualTo(20);
    assertThat(s.errors()).isZero();
    assertThat(s.latency().count()).isEqualTo(20);
    assertThat(s.value()).isEqualTo(200.0);
  }

  @Test
  void pairedLanesEachServeEveryArrivalAndKeepTheirOwnLatencies() {
    AtomicInteger fast = new AtomicInteger();
    AtomicInteger slow = new AtomicInteger();
    LatencyRecorder fastLatency = new LatencyRecorder();
    LatencyRecorder slowLatency = new LatencyRecorder();
    // the slow lane answers each request 3 ms after it was made, the fast one at once
    List<Sample> both = OpenLoopDriver.runTogether(Duration.ofMillis(100), 200, List.of(
        new OpenLoopDriver.Lane<>(List.of("f1", "f2"), fastLatency, c -> {
          fast.incrementAndGet();
          return CompletableFuture.completedFuture(c);
        }),
        new OpenLoopDriver.Lane<>(List.of("s1", "s2"), slowLatency, c -> {
          slow.incrementAndGet();
          return CompletableFuture.supplyAsync(() -> c,
              CompletableFuture.delayedExecutor(3, java.util.concurrent.TimeUnit.MILLISECONDS));
        })));
    assertThat(fast.get()).isEqualTo(20);
    assertThat(slow.get()).isEqualTo(20);
    assertThat(both).hasSize(2);
    assertThat(both.get(0).latency().count()).isEqualTo(20);
    assertThat(both.get(1).latency().count()).isEqualTo(20);
    assertThat(both.get(0).errors() + both.get(1).errors()).isZero();
    assertThat(both.get(1).latency().p50Millis()).isGreaterThanOrEqualTo(3.0);
    assertThat(both.get(0).latency().p50Millis()).isLessThan(both.get(1).latency().p50Millis());
  }

  @Test
  void aRequestQueuedBehindASlowOneCountsItsWaitFromItsArrival() {
    AtomicInteger calls = new AtomicInteger();
    // one connection; the first request (made at the first arrival) answers 60 ms later, after
    // every arrival (0, 5, ..., 45 ms) was made: request i waits at least 60 - 5 i ms
    Sample s = OpenLoopDriver.run(Duration.ofMillis(50), 200, List.of("only"), new LatencyRecorder(), c -> {
      if (calls.getAndIncrement() > 0) {
        return CompletableFuture.completedFuture(c);
      }
      long holdUntil = System.nanoTime() + Duration.ofMillis(60).toNanos();
      return CompletableFuture.supplyAsync(() -> {
        while (System.nanoTime() < holdUntil) {
          Thread.onSpinWait();
        }
        return c;
      });
    });
    assertThat(s.errors()).isZero();
    assertThat(s.latency().count()).isEqualTo(10);
    // the lower bounds 60, 55, ..., 15 ms: the fifth smallest latency (the nearest-rank median) is at least 35
    assertThat(s.latency().p50Millis()).isGreaterThanOrEqualTo(35.0);
  }

  @Test
  void aFailedRequestIsAnErrorAndTakesItsConnectionOutOfThePool() {
    AtomicInteger calls = new AtomicInteger();
    Sample s = OpenLoopDriver.run(Duration.ofMillis(50), 200, List.of("only"), new LatencyRecorder(), c -> {
      calls.incrementAndGet();
      return CompletableFuture.failedFuture(new IOException("connection closed by the server"));
    });
    assertThat(calls.get()).isEqualTo(1);
    assertThat(s.errors()).isEqualTo(10); // the failed one and the nine left without a connection
    assertThat(s.latency().count()).isZero();
  }
}
