package dev.mailgate.policy;

import dev.mailgate.policy.limit.AuthThrottleSettings;
import dev.mailgate.policy.limit.ConnectionLimit;
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
 * The cost of one policy check through the default chain (network rules, TLS-before-auth, auth
 * throttle, message policies, the three default rate limits) plus a commands-per-ip rate, at
 * CONNECT, per command, at MAIL FROM, RCPT and the end of DATA, over 64K distinct client
 * addresses (1,024 users) so the rate-limit maps see realistic key churn.
 *
 * <p>{@code mvn -B -q -pl benchmarks -am package -DskipTests && java -jar
 * benchmarks/target/benchmarks.jar PolicyChainBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PolicyChainBenchmark {
  private PolicyEngine engine;
  private PolicyFacts[] rcpt;
  private PolicyFacts[] connect;
  private PolicyFacts[] command;
  private PolicyFacts[] mailFrom;
  private PolicyFacts[] data;
  private int i;

  @Setup
  public void setup() {
    PolicySettings s = new PolicySettings(
        new NetworkRules(List.of(), List.of(Cidr.parse("203.0.113.0/24"))),
        NetworkPrefixes.DEFAULT,
        List.of(new ConnectionLimit("connections-per-ip", KeyScope.IP, 100)),
        List.of(
            new RateLimitRule("new-connections-per-ip", Counter.CONNECTIONS, KeyScope.IP,
                new Rate(1_000_000_000L, Duration.ofMinutes(1))),
            new RateLimitRule("messages-per-user", Counter.MESSAGES, KeyScope.USER,
                new Rate(1_000_000_000L, Duration.ofHours(1))),
            new RateLimitRule("recipients-per-user", Counter.RECIPIENTS, KeyScope.USER,
                new Rate(1_000_000_000L, Duration.ofHours(1))),
            new RateLimitRule("commands-per-ip", Counter.COMMANDS, KeyScope.IP,
                new Rate(1_000_000_000L, Duration.ofMinutes(1)))),
        AuthThrottleSettings.DEFAULT, MessageLimits.DEFAULT, true, Map.of());
    engine = PolicyEngine.create(s);
    rcpt = new PolicyFacts[65536];
    connect = new PolicyFacts[65536];
    command = new PolicyFacts[65536];
    mailFrom = new PolicyFacts[65536];
    data = new PolicyFacts[65536];
    for (int k = 0; k < rcpt.length; k++) {
      InetAddress ip = IpLiterals.parse("10." + (k >> 8 & 255) + "." + (k & 255) + ".1")
          .orElseThrow();
      PolicyFacts c = PolicyFacts.connect(ip, "submission", MailProtocol.SUBMISSION, true);
      connect[k] = c;
      String user = "user" + (k & 1023) + "@example.org";
      rcpt[k] = c.withAuthenticated(user).withMailFrom(user, 1000).withRcpt("x@example.net", 1);
      command[k] = c.withCommand();
      // as SessionPolicies asks: sender ownership is settled before, so no sender here
      mailFrom[k] = c.withAuthenticated(user).withMailFrom(null, 1000);
      data[k] = c.withAuthenticated(user).withData(1000);
    }
  }

  /** RCPT through every policy on the calling thread ({@link PolicyChain#evaluateNow}). */
  @Benchmark
  public Decision rcptNow() {
    return engine.chain().evaluateNow(rcpt[i++ & 65535]);
  }

  /** CONNECT through every policy on the calling thread. */
  @Benchmark
  public Decision connectNow() {
    return engine.chain().evaluateNow(connect[i++ & 65535]);
  }

  /** One command before login (the commands-per-ip rate), as {@code SessionPolicies.command()}. */
  @Benchmark
  public Decision commandNow() {
    return engine.chain().evaluateNow(command[i++ & 65535]);
  }

  /** MAIL FROM with a declared SIZE: message size and messages per user. */
  @Benchmark
  public Decision mailFromNow() {
    return engine.chain().evaluateNow(mailFrom[i++ & 65535]);
  }

  /** The end of DATA: message size and bytes per user (no such rule by default). */
  @Benchmark
  public Decision dataNow() {
    return engine.chain().evaluateNow(data[i++ & 65535]);
  }

  /** RCPT through the reactive API, subscribed synchronously as a session would. */
  @Benchmark
  public Decision rcptMono() {
    Decision[] out = new Decision[1];
    engine.chain().evaluate(rcpt[i++ & 65535]).subscribe(d -> out[0] = d);
    return out[0];
  }
}
