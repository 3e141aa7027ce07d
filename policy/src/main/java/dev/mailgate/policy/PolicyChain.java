package dev.mailgate.policy;

import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Policies applied in order: the first {@link Decision.Deny} wins and stops the chain; delays
 * combine into the longest one; otherwise {@link Decision#ALLOW}.
 *
 * <p>Usage in a session: {@code chain.evaluate(facts.withRcpt(rcpt, n)).flatMap(d -> ...)}.
 */
public final class PolicyChain {
  private final List<Policy> policies;

  public PolicyChain(List<Policy> policies) {
    this.policies = List.copyOf(policies);
  }

  public List<Policy> policies() {
    return policies;
  }

  public Mono<Decision> evaluate(PolicyFacts facts) {
    return evaluate(0, facts, Decision.ALLOW);
  }

  private Mono<Decision> evaluate(int i, PolicyFacts facts, Decision soFar) {
    if (i == policies.size()) {
      return Mono.just(soFar);
    }
    return policies.get(i).check(facts).flatMap(d -> {
      if (d instanceof Decision.Deny) {
        return Mono.just(d);
      }
      Decision next = soFar;
      if (d instanceof Decision.Delay delay && (!(soFar instanceof Decision.Delay current)
          || delay.duration().compareTo(current.duration()) > 0)) {
        next = delay;
      }
      return evaluate(i + 1, facts, next);
    });
  }
}
