package dev.mailgate.bench.load.scenario;

import dev.mailgate.bench.load.report.LatencyRecorder;
import dev.mailgate.bench.load.report.Sample;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Closed-loop load: {@code concurrency} workers each run one session after another until the
 * duration is over. A session yields how many units (operations, messages, bytes) it completed; a
 * failed session counts as an error and its units are not counted. The figure is units per second
 * of wall time, from the first start to the last session's end.
 */
public final class LoadDriver {

  private static final Logger LOG = LoggerFactory.getLogger(LoadDriver.class);

  private LoadDriver() {}

  /**
   * Runs the load; blocks the calling (main) thread, never an event loop.
   *
   * @param perUnit divides units before the rate (1 for ops/s, 1e6 for MB/s)
   */
  public static Sample run(Duration duration, int concurrency, double perUnit, LatencyRecorder latency,
      Supplier<CompletableFuture<Long>> session) {
    LongAdder units = new LongAdder();
    LongAdder errors = new LongAdder();
    AtomicReference<Throwable> firstError = new AtomicReference<>();
    long start = System.nanoTime();
    long deadline = start + duration.toNanos();
    Flux.range(0, concurrency)
        .flatMap(worker -> Mono.defer(() -> Mono.fromFuture(session.get()))
            .doOnNext(units::add)
            .onErrorResume(e -> {
              errors.increment();
              firstError.compareAndSet(null, e);
              return Mono.empty();
            })
            .repeat(() -> System.nanoTime() < deadline), concurrency)
        .then()
        .block(duration.plusMinutes(2));
    double seconds = (System.nanoTime() - start) / 1e9;
    if (firstError.get() != null) {
      LOG.warn("{} failed sessions; the first: {}", errors.sum(), firstError.get().toString());
    }
    return new Sample(units.sum() / perUnit / seconds, errors.sum(), latency.percentiles());
  }
}
