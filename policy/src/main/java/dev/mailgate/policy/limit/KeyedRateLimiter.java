package dev.mailgate.policy.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.mailgate.policy.Rate;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One rate per key, as a token bucket in GCRA form (the generic cell rate algorithm of ITU-T
 * I.371): each key holds a single "theoretical arrival time" in an {@link AtomicLong}, updated
 * with a compare-and-set, so a check is lock-free and a key costs one small object in a Caffeine
 * map. A key is allowed a burst of {@code rate.permits()} and then one permit per
 * {@code period / permits}.
 *
 * <p>Memory stays bounded when a million addresses knock: keys expire after one idle period
 * (after which their bucket would be full again anyway, so expiry forgets nothing that matters),
 * and the map holds at most {@code maxKeys} (least recently used evicted first; an evicted key
 * starts with a full bucket). The clock is Caffeine's {@link Ticker}, injectable for tests.
 *
 * <p>We do not use resilience4j's RateLimiter here: it reads the system clock (tests would need
 * sleeps) and costs a scheduler-aware object per key; the GCRA state is one long.
 */
public final class KeyedRateLimiter {
  private final Rate rate;
  private final long interval;
  private final long window;
  private final Ticker ticker;
  private final Cache<String, AtomicLong> buckets;

  public KeyedRateLimiter(Rate rate, long maxKeys, Ticker ticker, Executor maintenance) {
    this.rate = rate;
    this.interval = rate.nanosPerPermit();
    this.window = rate.period().toNanos();
    this.ticker = ticker;
    this.buckets = Caffeine.newBuilder()
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
   * Takes {@code cost} permits for {@code key} if the rate allows it now.
   *
   * @return {@link Duration#ZERO} when allowed, else how long until it would be
   */
  public Duration tryAcquire(String key, long cost) {
    long now = ticker.read();
    if (cost > rate.permits()) {
      return rate.period();
    }
    AtomicLong tat = buckets.get(key, k -> new AtomicLong(now));
    long increment = interval * cost;
    for (;;) {
      long current = tat.get();
      long base = current - now > 0 ? current : now;
      long next = base + increment;
      long ahead = next - now;
      if (ahead > window) {
        return Duration.ofNanos(ahead - window);
      }
      if (tat.compareAndSet(current, next)) {
        return Duration.ZERO;
      }
    }
  }

  /** Keys currently held (approximate; for metrics and the memory test). */
  public long keys() {
    buckets.cleanUp();
    return buckets.estimatedSize();
  }
}
