package dev.mailgate.policy.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.mailgate.policy.Rate;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * One rate per key, as one resilience4j {@link AtomicRateLimiter} per key (issue 4): a key may
 * take {@code rate.permits()} in each period, the periods of a key starting at its first request.
 * Like Postfix's anvil counters these are fixed windows, so a client that waits for the end of one
 * window can spend two windows' permits close together; it never gets more than that.
 *
 * <p>Never blocks: every limiter shares one {@link RateLimiterConfig} whose timeout is zero, so
 * {@link AtomicRateLimiter#acquirePermission(int)} answers at once and a refusal takes nothing.
 * The retry-after of a refused key is the time to its next window (its whole allowance comes back
 * then, since no cost exceeds the allowance).
 *
 * <p>Memory stays bounded when a million addresses knock: the limiters live in a Caffeine map, not
 * in a resilience4j {@code RateLimiterRegistry} (which never forgets a name); keys expire after one
 * idle period (their window would be full again anyway, so expiry forgets nothing that matters),
 * and the map holds at most {@code maxKeys} (least recently used evicted first; an evicted key
 * starts with a full window). All limiters of a rule share one name string and one config. The
 * clock is Caffeine's {@link Ticker}, handed to resilience4j as its nano-time supplier, so tests
 * inject it.
 */
public final class KeyedRateLimiter {
  /**
   * resilience4j counts permits in an int: larger rates (bytes) count in units of this many, a
   * power of two so that binary and decimal sizes divide evenly.
   */
  private final long unit;
  private final Rate rate;
  private final String name;
  private final RateLimiterConfig config;
  private final Supplier<Long> nanoTime;
  private final long window;
  private final Cache<String, KeyWindow> limiters;

  public KeyedRateLimiter(Rate rate, long maxKeys, Ticker ticker, Executor maintenance) {
    this.rate = rate;
    long u = 1;
    while (rate.permits() / u > Integer.MAX_VALUE) {
      u <<= 1;
    }
    this.unit = u;
    this.window = rate.period().toNanos();
    this.name = "rate " + rate;
    this.nanoTime = ticker::read;
    this.config = RateLimiterConfig.custom()
        .limitForPeriod((int) (rate.permits() / unit))
        .limitRefreshPeriod(rate.period())
        .timeoutDuration(Duration.ZERO)
        .writableStackTraceEnabled(false)
        .build();
    this.limiters = Caffeine.newBuilder()
        .ticker(ticker)
        .executor(maintenance)
        .maximumSize(maxKeys)
        .expireAfterAccess(rate.period())
        .build();
  }

  public Rate rate() {
    return rate;
  }

  /**
   * Takes {@code cost} permits for {@code key} if the rate allows it now; never waits.
   *
   * @return {@link Duration#ZERO} when allowed, else how long until it would be
   */
  public Duration tryAcquire(String key, long cost) {
    if (cost > rate.permits()) {
      return rate.period();
    }
    KeyWindow limiter = limiters.get(key, k -> new KeyWindow(name, config, nanoTime));
    int permits = (int) ((cost + unit - 1) / unit);
    if (limiter.acquirePermission(permits)) {
      return Duration.ZERO;
    }
    long intoWindow = Math.floorMod(nanoTime.get() - limiter.born, window);
    return Duration.ofNanos(window - intoWindow);
  }

  /** Keys currently held (approximate; for metrics and the memory test). */
  public long keys() {
    limiters.cleanUp();
    return limiters.estimatedSize();
  }

  /**
   * A key's limiter and when its windows start. resilience4j keeps its own start privately; ours
   * is read just after it, so a retry-after computed from it is never early.
   */
  private static final class KeyWindow extends AtomicRateLimiter {
    private final long born;

    KeyWindow(String name, RateLimiterConfig config, Supplier<Long> nanoTime) {
      super(name, config, Map.of(), nanoTime);
      this.born = nanoTime.get();
    }
  }
}
