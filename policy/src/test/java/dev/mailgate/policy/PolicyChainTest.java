package dev.mailgate.policy;

import static dev.mailgate.policy.Facts.authenticated;
import static dev.mailgate.policy.Facts.connect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.policy.limit.AuthThrottleSettings;
import dev.mailgate.policy.limit.ConnectionLimit;
import dev.mailgate.policy.limit.Counter;
import dev.mailgate.policy.limit.KeyScope;
import dev.mailgate.policy.limit.MessageLimits;
import dev.mailgate.policy.limit.NetworkPrefixes;
import dev.mailgate.policy.limit.NetworkRules;
import dev.mailgate.policy.limit.RateLimitRule;
import dev.mailgate.policy.net.Cidr;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class PolicyChainTest {
  private static Policy fixed(String name, Decision d, AtomicInteger calls) {
    return new Policy() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Mono<Decision> check(PolicyFacts facts) {
        calls.incrementAndGet();
        return Mono.just(d);
      }
    };
  }

  @Test
  void theFirstDenyWinsAndStopsTheChain() {
    AtomicInteger calls = new AtomicInteger();
    Decision.Deny deny = new Decision.Deny("no", "second", DenyKind.RATE_LIMIT);
    PolicyChain chain = new PolicyChain(List.of(
        fixed("first", new Decision.Delay(Duration.ofSeconds(1), "first"), calls),
        fixed("second", deny, calls),
        fixed("third", Decision.ALLOW, calls)));
    assertThat(chain.evaluate(connect("192.0.2.1")).block()).isEqualTo(deny);
    assertThat(calls).hasValue(2);
  }

  @Test
  void delaysCombineIntoTheLongest() {
    AtomicInteger calls = new AtomicInteger();
    PolicyChain chain = new PolicyChain(List.of(
        fixed("a", new Decision.Delay(Duration.ofSeconds(2), "a"), calls),
        fixed("b", new Decision.Delay(Duration.ofSeconds(5), "b"), calls),
        fixed("c", Decision.ALLOW, calls)));
    assertThat(chain.evaluate(connect("192.0.2.1")).block())
        .isEqualTo(new Decision.Delay(Duration.ofSeconds(5), "b"));
  }

  @Test
  void theEngineWiresEveryPolicyFromSettings() {
    FakeClock clock = new FakeClock();
    PolicySettings s = new PolicySettings(
        new NetworkRules(List.of(), List.of(Cidr.parse("203.0.113.0/24"))),
        NetworkPrefixes.DEFAULT,
        List.of(new ConnectionLimit("c", KeyScope.IP, 1)),
        List.of(new RateLimitRule("msgs", Counter.MESSAGES, KeyScope.USER,
            new Rate(1, Duration.ofHours(1)))),
        AuthThrottleSettings.DEFAULT,
        new MessageLimits(1000, 2, true, Map.of()),
        true, Map.of());
    PolicyEngine e = PolicyEngine.create(s, 1000, clock, Runnable::run);
    PolicyChain chain = e.chain();

    assertThat(chain.evaluate(connect("203.0.113.5")).block()).isInstanceOfSatisfying(
        Decision.Deny.class, d -> assertThat(d.rule()).isEqualTo(PolicyEngine.NETWORK_ACCESS));
    assertThat(chain.evaluate(connect("192.0.2.1").withAuthAttempt("a@x", false)).block())
        .isInstanceOfSatisfying(Decision.Deny.class,
            d -> assertThat(d.kind()).isEqualTo(DenyKind.TLS_REQUIRED));
    var alice = authenticated("192.0.2.1", "a@x");
    assertThat(chain.evaluate(alice.withMailFrom("b@x", 0)).block()).isInstanceOfSatisfying(
        Decision.Deny.class, d -> assertThat(d.kind()).isEqualTo(DenyKind.SENDER_MISMATCH));
    assertThat(chain.evaluate(alice.withMailFrom("a@x", 0)).block())
        .as("the refused MAIL FROM used no message permit").isEqualTo(Decision.ALLOW);
    assertThat(chain.evaluate(alice.withMailFrom("a@x", 0)).block()).isInstanceOfSatisfying(
        Decision.Deny.class, d -> assertThat(d.rule()).isEqualTo("msgs"));
    assertThat(e.maxMessageSize()).isEqualTo(1000);
    assertThat(e.describe()).contains("c: at most 1 sessions per ip",
        "max-recipients: 2 per message");
    assertThat(e.connections().onConnect(connect("192.0.2.1")))
        .isInstanceOf(dev.mailgate.policy.limit.ConnectionLimiter.Acquired.class);
  }
}
