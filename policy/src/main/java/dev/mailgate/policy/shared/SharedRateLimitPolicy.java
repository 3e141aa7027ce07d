package dev.mailgate.policy.shared;

import dev.mailgate.policy.Decision;
import dev.mailgate.policy.DenyKind;
import dev.mailgate.policy.Policy;
import dev.mailgate.policy.PolicyFacts;
import dev.mailgate.policy.limit.RateLimitPolicy;
import reactor.core.publisher.Mono;

/**
 * A rate-limit rule counted across the cluster: the same charge as {@link RateLimitPolicy} (same
 * stage, key and cost) taken from {@link SharedCounters}, so N nodes together allow the rate once,
 * not N times. When the store does not answer within the timeout, the step is decided by this
 * node's own bucket ({@code failClosed} false: the limit holds per node meanwhile) or refused as
 * rate-limited (a temporary reply the client retries).
 */
public final class SharedRateLimitPolicy implements Policy {
  private final RateLimitPolicy local;
  private final SharedCounters counters;
  private final SharedOptions options;
  private final String keyPrefix;

  public SharedRateLimitPolicy(RateLimitPolicy local, SharedCounters counters,
      SharedOptions options) {
    this.local = local;
    this.counters = counters;
    this.options = options;
    this.keyPrefix = "rate:" + local.name() + ":";
  }

  @Override
  public String name() {
    return local.name();
  }

  @Override
  public Mono<Decision> check(PolicyFacts facts) {
    RateLimitPolicy.Charge charge = local.chargeFor(facts);
    if (charge == null) {
      return Mono.just(Decision.ALLOW);
    }
    return counters.acquire(keyPrefix + charge.key(), local.rule().rate(), charge.cost())
        .timeout(options.timeout())
        .map(local::decision)
        .onErrorResume(e -> Mono.fromSupplier(() -> fallback(facts)));
  }

  private Decision fallback(PolicyFacts facts) {
    options.onUnavailable().accept(name());
    if (options.failClosed()) {
      return new Decision.Deny("shared counters unavailable", name(), DenyKind.RATE_LIMIT);
    }
    return local.decide(facts);
  }
}
