package dev.mailgate.policy;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.mailgate.policy.limit.AuthThrottleSettings;
import dev.mailgate.policy.limit.ConnectionLimit;
import dev.mailgate.policy.limit.ConnectionLimiter;
import dev.mailgate.policy.limit.Counter;
import dev.mailgate.policy.limit.KeyScope;
import dev.mailgate.policy.limit.MessageLimits;
import dev.mailgate.policy.limit.NetworkPrefixes;
import dev.mailgate.policy.limit.NetworkRules;
import dev.mailgate.policy.limit.RateLimitRule;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Heap held by a policy engine after N distinct IPv4 clients each connected once (per-IP and
 * per-/24 connection rates, per-IP concurrent slots taken and released) and, with {@code
 * --fail-logins}, each failed one login (auth-throttle records per address, user and pair). Used
 * heap difference after full GCs, printed with the keys each map holds.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.mailgate.policy.PolicyEngineMemory
 * 1000000 [--fail-logins]}
 */
public final class PolicyEngineMemory {
  private PolicyEngineMemory() {}

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
    boolean failLogins = List.of(args).contains("--fail-logins");
    long before = used();
    Rate rate = new Rate(120, Duration.ofMinutes(1));
    PolicySettings s = new PolicySettings(NetworkRules.OPEN, NetworkPrefixes.DEFAULT,
        List.of(new ConnectionLimit("connections-per-ip", KeyScope.IP, 100)),
        List.of(new RateLimitRule("new-connections-per-ip", Counter.CONNECTIONS, KeyScope.IP, rate),
            new RateLimitRule("new-connections-per-network", Counter.CONNECTIONS, KeyScope.NETWORK,
                rate)),
        AuthThrottleSettings.DEFAULT, MessageLimits.DEFAULT, true, Map.of());
    PolicyEngine engine = PolicyEngine.create(s, 2_000_000, Ticker.systemTicker(), Runnable::run);
    byte[] a = new byte[4];
    for (int i = 0; i < n; i++) {
      a[0] = (byte) (10 + (i >>> 24));
      a[1] = (byte) (i >>> 16);
      a[2] = (byte) (i >>> 8);
      a[3] = (byte) i;
      PolicyFacts f = PolicyFacts.connect(InetAddress.getByAddress(a), "imap", MailProtocol.IMAP,
          true);
      engine.chain().evaluateNow(f);
      if (engine.connections().onConnect(f) instanceof ConnectionLimiter.Acquired acquired) {
        acquired.lease().close();
      }
      if (failLogins) {
        engine.authThrottle().recordFailure(f.withAuthAttempt("u" + (i & 4095), true), "guess");
      }
    }
    long after = used();
    long rateKeys = engine.rateLimits().stream().mapToLong(r -> r.limiter().keys()).sum();
    System.out.printf("%d clients: rate-limit keys %d, auth-throttle keys %d, open connection"
            + " keys %d; heap %.1f MB, %.0f bytes per client%n", n, rateKeys,
        engine.authThrottle().trackedKeys(), engine.connections().keys(),
        (after - before) / 1048576.0, (after - before) / (double) n);
  }
}
