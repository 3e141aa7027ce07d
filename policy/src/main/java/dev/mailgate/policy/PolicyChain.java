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
  private final SyncPolicy[] sync;

  public PolicyChain(List<Policy> policies) {
    this.policies = List.copyOf(policies);
    boolean allSync = this.policies.stream().allMatch(p -> p instanceof SyncPolicy);
    this.sync = allSync ? this.policies.toArray(new SyncPolicy[0]) : null;
  }

  /** True when every policy decides in memory, so {@link #evaluateNow} may be used. */
  public boolean isSynchronous() {
    return sync != null;
  }

  /**
   * The decision computed on the calling thread, without reactive assembly; only for a
   * {@linkplain #isSynchronous() synchronous} chain (no policy does I/O, nothing blocks).
   */
  public Decision evaluateNow(PolicyFacts facts) {
    if (sync == null) {
      throw new IllegalStateException("the chain has asynchronous policies");
    }
    Decision result = Decision.ALLOW;
    for (SyncPolicy p : sync) {
      Decision d = p.decide(facts);
      if (d instanceof Decision.Deny) {
        return d;
      }
      result = longer(result, d);
    }
    return result;
  }

  private static Decision longer(Decision soFar, Decision d) {
    if (d instanceof Decision.Delay delay && (!(soFar instanceof Decision.Delay current)
        || delay.duration().compareTo(current.duration()) > 0)) {
      return delay;
    }
    return soFar;
  }

  public List<Policy> policies() {
    return policies;
  }

  public Mono<Decision> evaluate(PolicyFacts facts) {
    if (sync != null) {
      return Mono.fromSupplier(() -> evaluateNow(facts));
    }
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
      return evaluate(i + 1, facts, longer(soFar, d));
    });
  }
}
