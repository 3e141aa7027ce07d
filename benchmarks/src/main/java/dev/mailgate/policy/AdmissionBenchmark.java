package dev.mailgate.policy;

import dev.mailgate.policy.auth.LoginReservation;
import dev.mailgate.policy.limit.AuthThrottleSettings;
import dev.mailgate.policy.limit.ConnectionLimit;
import dev.mailgate.policy.limit.ConnectionLimiter;
import dev.mailgate.policy.limit.Counter;
import dev.mailgate.policy.limit.KeyScope;
import dev.mailgate.policy.limit.MessageLimits;
import dev.mailgate.policy.limit.NetworkPrefixes;
import dev.mailgate.policy.limit.NetworkRules;
import dev.mailgate.policy.limit.RateLimitRule;
import dev.mailgate.policy.net.Cidr;
import dev.mailgate.policy.net.IpLiterals;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the gateway's session glue ({@code dev.mailgate.gateway.policy.SessionPolicies}) costs per
 * connection and per login, without the network: admission (the chain at CONNECT with per-IP and
 * per-/24 connection rates, then the concurrent per-IP and per-network slots taken and given back)
 * and a login check (the chain at AUTH: TLS rule, throttle lookups in three maps, an auth-attempt
 * rate), over 64K client addresses.
 *
 * <p>{@code mvn -o -q -pl benchmarks -am package -DskipTests && java -jar
 * benchmarks/target/benchmarks.jar AdmissionBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AdmissionBenchmark {
  private PolicyEngine engine;
  private PolicyFacts[] connect;
  private PolicyFacts[] auth;
  private int i;

  @Setup
  public void setup() {
    Rate plenty = new Rate(1_000_000_000L, Duration.ofMinutes(1));
    PolicySettings s = new PolicySettings(
        new NetworkRules(List.of(), List.of(Cidr.parse("203.0.113.0/24"))),
        NetworkPrefixes.DEFAULT,
        List.of(new ConnectionLimit("connections-per-ip", KeyScope.IP, 100),
            new ConnectionLimit("connections-per-network", KeyScope.NETWORK, 1000)),
        List.of(new RateLimitRule("new-connections-per-ip", Counter.CONNECTIONS, KeyScope.IP, plenty),
            new RateLimitRule("new-connections-per-network", Counter.CONNECTIONS, KeyScope.NETWORK,
                plenty),
            new RateLimitRule("logins-per-ip", Counter.AUTH_ATTEMPTS, KeyScope.IP, plenty)),
        AuthThrottleSettings.DEFAULT, MessageLimits.DEFAULT, true, Map.of());
    engine = PolicyEngine.create(s);
    connect = new PolicyFacts[65536];
    auth = new PolicyFacts[65536];
    for (int k = 0; k < connect.length; k++) {
      InetAddress ip = IpLiterals.parse("10." + (k >> 8 & 255) + "." + (k & 255) + ".1")
          .orElseThrow();
      connect[k] = PolicyFacts.connect(ip, "imaps", MailProtocol.IMAP, true);
      auth[k] = connect[k].withAuthAttempt("user" + (k & 1023) + "@example.org", true);
    }
  }

  /** Admission of one connection and the release of its slots when it ends. */
  @Benchmark
  public boolean admitAndRelease() {
    PolicyFacts f = connect[i++ & 65535];
    if (engine.chain().evaluateNow(f).isDeny()) {
      return false;
    }
    ConnectionLimiter.Result r = engine.connections().onConnect(f);
    if (r instanceof ConnectionLimiter.Acquired a) {
      a.lease().close();
      return true;
    }
    return false;
  }

  /** The check before a login is verified (no earlier failures: no delay). */
  @Benchmark
  public Decision beforeAuth() {
    return engine.chain().evaluateNow(auth[i++ & 65535]);
  }

  /**
   * The whole check before a password is verified: the chain at AUTH, then the (user, address)
   * pair's lockout slot reserved and given back (what {@code SessionPolicies.authenticate} adds
   * per login, the fingerprint aside).
   */
  @Benchmark
  public boolean beforeAuthAndReserve() {
    int k = i++ & 65535;
    if (engine.chain().evaluateNow(auth[k]).isDeny()) {
      return false;
    }
    LoginReservation r = engine.authThrottle().reserve(auth[k], k);
    r.release();
    return r.admitted();
  }

  /** Recording a failed login (fingerprint included): what a wrong password costs the gateway. */
  @Benchmark
  public int authFailure() {
    int k = i++ & 65535;
    engine.authThrottle().recordFailure(auth[k], "guess" + k);
    return k;
  }
}
