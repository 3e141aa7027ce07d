package dev.mailgate.bench.load.scenario;

import dev.mailgate.bench.load.report.LatencyRecorder;
import dev.mailgate.bench.load.report.Percentiles;
import dev.mailgate.bench.load.report.Sample;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Open-loop load: requests arrive at a fixed rate, evenly spaced, whether or not the target keeps
 * up, and each waits in a FIFO for a free connection of a pool opened beforehand. A request's
 * latency runs from its scheduled arrival to its response, so time spent queued behind a slow
 * response counts (no coordinated omission, unlike the closed loop of {@link LoadDriver}, whose
 * workers wait politely and so never see the queue a real arrival rate would build).
 *
 * <p>The figure is requests completed per second of the arrival window. A request that fails counts
 * as an error and takes its connection out of the pool; requests still queued {@link #DRAIN} after
 * the last arrival count as errors too. Limits: at most {@link #MAX_QUEUED} requests wait; further
 * arrivals are counted as errors (the target is far past saturation, the figure means nothing).
 */
public final class OpenLoopDriver<C> {

  private static final Logger LOG = LoggerFactory.getLogger(OpenLoopDriver.class);

  /** How long requests still in flight after the last arrival may take. */
  static final Duration DRAIN = Duration.ofSeconds(30);

  /** Bound on queued requests (arrival times). */
  static final int MAX_QUEUED = 100_000;

  private final Function<C, CompletableFuture<?>> request;
  private final LatencyRecorder latency;
  private final ArrayDeque<Long> arrivals = new ArrayDeque<>();
  private final ArrayDeque<C> idle = new ArrayDeque<>();
  private final AtomicReference<Throwable> firstError = new AtomicReference<>();
  private long completed;
  private long errors;
  private int inFlight;

  private OpenLoopDriver(List<C> pool, Function<C, CompletableFuture<?>> request, LatencyRecorder latency) {
    this.request = request;
    this.latency = latency;
    this.idle.addAll(pool);
  }

  /**
   * Runs the arrivals on the calling (main) thread, never an event loop, and blocks until every
   * request ended or {@link #DRAIN} passed.
   *
   * @param pool open connections, each serving one request at a time
   * @param request one request on a connection; its completion is the response
   */
  public static <C> Sample run(Duration duration, double perSecond, List<C> pool, LatencyRecorder latency,
      Function<C, CompletableFuture<?>> request) {
    return runTogether(duration, perSecond, List.of(new Lane<>(pool, latency, request))).get(0);
  }

  /**
   * One target's part of a paired run: its own connections and latencies, the arrivals shared.
   *
   * @param pool open connections, each serving one request at a time
   * @param request one request on a connection; its completion is the response
   */
  public record Lane<C>(List<C> pool, LatencyRecorder latency, Function<C, CompletableFuture<?>> request) {}

  /**
   * Every arrival goes to every lane at the same scheduled time (the lane started first alternates),
   * so the lanes' latencies are taken in the same window, under the same stalls of the machine and
   * of this generator: what one lane adds over another is then the lanes' difference, not the
   * difference between two windows. Returns each lane's figures, in order.
   */
  public static List<Sample> runTogether(Duration duration, double perSecond, List<Lane<?>> lanes) {
    List<OpenLoopDriver<?>> drivers = new ArrayList<>();
    for (Lane<?> lane : lanes) {
      drivers.add(driver(lane));
    }
    LatencyRecorder lateness = new LatencyRecorder();
    long interval = (long) (1e9 / perSecond);
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    int turn = 0;
    for (long at = start; at < end; at += interval) {
      long wait = at - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      lateness.record(System.nanoTime() - at);
      for (int i = 0; i < drivers.size(); i++) {
        drivers.get((turn + i) % drivers.size()).arrive(at);
      }
      turn++;
    }
    Percentiles late = lateness.percentiles();
    LOG.info("open loop: arrivals started late by p50 {} ms, p99 {} ms, max {} ms (the generator's own lateness)",
        String.format("%.2f", late.p50Millis()), String.format("%.2f", late.p99Millis()),
        String.format("%.2f", late.maxMillis()));
    long drainUntil = System.nanoTime() + DRAIN.toNanos();
    List<Sample> samples = new ArrayList<>();
    for (OpenLoopDriver<?> d : drivers) {
      samples.add(d.finish(drainUntil, duration));
    }
    return samples;
  }

  private static <C> OpenLoopDriver<C> driver(Lane<C> lane) {
    return new OpenLoopDriver<>(lane.pool(), lane.request(), lane.latency());
  }

  private void arrive(long at) {
    synchronized (this) {
      if (arrivals.size() >= MAX_QUEUED) {
        errors++;
        return;
      }
      arrivals.add(at);
    }
    dispatch();
  }

  /** Waits until every request ended or {@code drainUntil}; the figures of the run. */
  private synchronized Sample finish(long drainUntil, Duration duration) {
    while ((inFlight > 0 || !arrivals.isEmpty() && !idle.isEmpty()) && System.nanoTime() < drainUntil) {
      try {
        wait(TimeUnit.NANOSECONDS.toMillis(Math.max(1, drainUntil - System.nanoTime())) + 1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    errors += arrivals.size() + inFlight; // never answered
    arrivals.clear();
    if (firstError.get() != null) {
      LOG.warn("{} failed requests; the first: {}", errors, firstError.get().toString());
    }
    return new Sample(completed / (duration.toNanos() / 1e9), errors, latency.percentiles());
  }

  /** Starts queued requests on idle connections, oldest arrival first. */
  private void dispatch() {
    while (true) {
      C c;
      long arrival;
      synchronized (this) {
        if (arrivals.isEmpty() || idle.isEmpty()) {
          return;
        }
        c = idle.poll();
        arrival = arrivals.poll();
        inFlight++;
      }
      CompletableFuture<?> f;
      try {
        f = request.apply(c);
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      f.whenComplete((r, e) -> {
        synchronized (this) {
          inFlight--;
          if (e == null) {
            latency.record(System.nanoTime() - arrival);
            completed++;
            idle.add(c);
          } else {
            errors++;
            firstError.compareAndSet(null, e);
          }
          notifyAll();
        }
        dispatch();
      });
    }
  }
}
