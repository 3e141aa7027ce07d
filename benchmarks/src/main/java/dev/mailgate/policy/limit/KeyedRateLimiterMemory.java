package dev.mailgate.policy.limit;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.mailgate.policy.Rate;
import java.time.Duration;

/**
 * Heap used by one million rate-limit keys (IPv4 addresses as {@code i:a.b.c.d} keys in one
 * {@link KeyedRateLimiter}), measured as the used-heap difference after full GCs.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar
 * dev.mailgate.policy.limit.KeyedRateLimiterMemory}
 */
public final class KeyedRateLimiterMemory {
  private KeyedRateLimiterMemory() {}

  private static long used() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    long before = used();
    KeyedRateLimiter l = new KeyedRateLimiter(new Rate(100, Duration.ofMinutes(1)), 2_000_000,
        Ticker.systemTicker(), Runnable::run);
    for (int i = 0; i < n; i++) {
      l.tryAcquire("i:" + (10 + (i >>> 24)) + "." + (i >>> 16 & 255) + "." + (i >>> 8 & 255)
          + "." + (i & 255), 1);
    }
    long after = used();
    System.out.printf("%d keys held: %d; heap %.1f MB, %.0f bytes per key%n", n, l.keys(),
        (after - before) / 1048576.0, (after - before) / (double) n);
  }
}
