package dev.mailgate.gateway.cluster;

import dev.mailgate.config.model.ClusterConfig;
import dev.mailgate.policy.MailProtocol;
import dev.mailgate.policy.PolicyEngine;
import dev.mailgate.policy.PolicyFacts;
import dev.mailgate.policy.PolicySettings;
import dev.mailgate.policy.Rate;
import dev.mailgate.policy.limit.Counter;
import dev.mailgate.policy.limit.KeyScope;
import dev.mailgate.policy.limit.RateLimitRule;
import dev.mailgate.policy.net.IpLiterals;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import reactor.core.publisher.Flux;

/**
 * Measures what a policy check costs with shared counters (docs/scale-out.md, "Measured cost"):
 * one rate-limit check at MAIL FROM and one login check at AUTH, on the node's own counters and
 * on Redis (a private {@code redis-server} on loopback), one at a time (latency percentiles) and
 * 64 in flight (checks per second). Not a test: run by hand, see docs/scale-out.md.
 */
public final class RedisPolicyCheckLatency {
  private static final int WARMUP = 5_000;
  private static final int SEQUENTIAL = 20_000;
  private static final int CONCURRENT = 100_000;
  private static final int IN_FLIGHT = 64;

  public static void main(String[] args) throws Exception {
    PolicySettings d = PolicySettings.defaults();
    PolicySettings settings = new PolicySettings(d.networks(), d.prefixes(), d.connectionLimits(),
        List.of(new RateLimitRule("msgs", Counter.MESSAGES, KeyScope.USER,
            new Rate(1_000_000_000L, Duration.ofHours(1)))), d.authFailures(), d.messages(),
        false, d.plaintextAuthByListener());
    try (RedisServer redis = RedisServer.start();
        Cluster cluster = Cluster.start(new ClusterConfig("bench", Optional.of(
            new ClusterConfig.Redis(redis.uri(), "", Duration.ofSeconds(1),
                ClusterConfig.WhenUnavailable.LOCAL, "bench:"))), new SimpleMeterRegistry())) {
      PolicyEngine local = PolicyEngine.create(settings);
      PolicyEngine shared = cluster.policyEngine(settings);
      for (String stage : List.of("MAIL FROM", "AUTH")) {
        for (PolicyEngine e : List.of(local, shared)) {
          String name = (e == local ? "local" : "redis") + ", " + stage;
          run(e, stage, WARMUP);
          long[] lat = new long[SEQUENTIAL];
          for (int i = 0; i < SEQUENTIAL; i++) {
            long t0 = System.nanoTime();
            e.chain().evaluate(facts(stage, i)).block();
            lat[i] = System.nanoTime() - t0;
          }
          Arrays.sort(lat);
          long t0 = System.nanoTime();
          Flux.range(0, CONCURRENT)
              .flatMap(i -> e.chain().evaluate(facts(stage, i)), IN_FLIGHT).blockLast();
          double secs = (System.nanoTime() - t0) / 1e9;
          System.out.printf("%-18s p50 %7.1f us  p99 %7.1f us  %8.0f checks/s at %d in flight%n",
              name, lat[SEQUENTIAL / 2] / 1e3, lat[SEQUENTIAL * 99 / 100] / 1e3,
              CONCURRENT / secs, IN_FLIGHT);
        }
      }
    }
  }

  private static void run(PolicyEngine e, String stage, int n) {
    for (int i = 0; i < n; i++) {
      e.chain().evaluate(facts(stage, i)).block();
    }
  }

  /** A thousand users from a thousand addresses, so keys repeat as in a busy site. */
  private static PolicyFacts facts(String stage, int i) {
    PolicyFacts f = PolicyFacts.connect(IpLiterals.parse("10.0." + (i % 1000 / 250) + "."
        + (i % 250)).orElseThrow(), "submission", MailProtocol.SUBMISSION, true);
    String user = "user" + (i % 1000) + "@example.test";
    return stage.equals("AUTH") ? f.withAuthAttempt(user, true)
        : f.withAuthenticated(user).withMailFrom(null, 0);
  }
}
