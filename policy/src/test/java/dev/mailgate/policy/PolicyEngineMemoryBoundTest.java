package dev.mailgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * What the gateway does for every accepted connection (and some failed logins), a million times
 * from a million distinct addresses, with loopback's exemption off: every map the engine keeps stays within its bound (the rate-limit
 * and auth-throttle maps at their maximum size, the concurrent-connection counts at the number
 * of open sessions).
 */
class PolicyEngineMemoryBoundTest {
  private static final long MAX_KEYS = 20_000;

  @Test
  void aMillionDistinctAddressesConnectingKeepEveryMapBounded() throws Exception {
    AtomicLong clock = new AtomicLong();
    Rate rate = new Rate(120, Duration.ofMinutes(1));
    PolicySettings s = new PolicySettings(NetworkRules.OPEN, NetworkPrefixes.DEFAULT,
        List.of(new ConnectionLimit("connections-per-ip", KeyScope.IP, 100),
            new ConnectionLimit("connections-per-network", KeyScope.NETWORK, 1000)),
        List.of(new RateLimitRule("new-per-ip", Counter.CONNECTIONS, KeyScope.IP, rate)),
        AuthThrottleSettings.DEFAULT, MessageLimits.DEFAULT, true, Map.of(), List.of());
    PolicyEngine engine = PolicyEngine.create(s, MAX_KEYS, clock::get, Runnable::run);
    byte[] a = new byte[4];
    for (int i = 0; i < 1_000_000; i++) {
      a[0] = (byte) (10 + (i >>> 24));
      a[1] = (byte) (i >>> 16);
      a[2] = (byte) (i >>> 8);
      a[3] = (byte) i;
      PolicyFacts f = PolicyFacts.connect(InetAddress.getByAddress(a), "imap", MailProtocol.IMAP,
          true);
      assertThat(engine.chain().evaluateNow(f).isDeny()).isFalse();
      ConnectionLimiter.Result r = engine.connections().onConnect(f);
      ((ConnectionLimiter.Acquired) r).lease().close();
      if ((i & 15) == 0) { // every 16th fails a login (AuthThrottleTest knocks a million times)
        engine.authThrottle().recordFailure(f.withAuthAttempt("user" + i, true), i);
      }
      clock.addAndGet(1_000); // a microsecond apart: nothing expires, only the size bound acts
    }
    for (var limit : engine.rateLimits()) {
      assertThat(limit.limiter().keys()).as(limit.name()).isLessThanOrEqualTo(MAX_KEYS);
    }
    assertThat(engine.authThrottle().trackedKeys()).isLessThanOrEqualTo(3 * MAX_KEYS);
    assertThat(engine.connections().keys()).as("no session is open any more").isZero();
  }

  @Test
  void theConfiguredKeyBoundIsWhatTheEngineKeepsPerRuleAndPerAuthMap() {
    long bound = 5_000;
    Rate rate = new Rate(120, Duration.ofMinutes(1));
    PolicySettings s = new PolicySettings(NetworkRules.OPEN, NetworkPrefixes.DEFAULT, List.of(),
        List.of(new RateLimitRule("new-per-ip", Counter.CONNECTIONS, KeyScope.IP, rate),
            new RateLimitRule("auth-per-user", Counter.AUTH_ATTEMPTS, KeyScope.USER, rate)),
        AuthThrottleSettings.DEFAULT, MessageLimits.DEFAULT, true, Map.of(), List.of())
        .withMaxTrackedKeys(bound);
    PolicyEngine engine = PolicyEngine.create(s); // the bound comes from the settings
    byte[] a = new byte[4];
    for (int i = 0; i < 10 * bound; i++) {
      a[0] = 10;
      a[1] = (byte) (i >>> 16);
      a[2] = (byte) (i >>> 8);
      a[3] = (byte) i;
      PolicyFacts f = PolicyFacts.connect(addr(a), "imap", MailProtocol.IMAP, true);
      engine.chain().evaluateNow(f);
      PolicyFacts login = f.withAuthAttempt("user" + i, true);
      engine.chain().evaluateNow(login);
      engine.authThrottle().recordFailure(login, i);
    }
    for (var limit : engine.rateLimits()) {
      assertThat(limit.limiter().keys()).as(limit.name()).isBetween(bound / 2, bound);
    }
    assertThat(engine.authThrottle().trackedKeys()).isLessThanOrEqualTo(3 * bound);
  }

  @Test
  void theDefaultBoundIsAHundredThousandKeys() {
    assertThat(PolicySettings.defaults().maxTrackedKeys()).isEqualTo(100_000);
  }

  private static InetAddress addr(byte[] a) {
    try {
      return InetAddress.getByAddress(a);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
