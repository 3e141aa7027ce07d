package dev.mailgate.policy.shared;

import dev.mailgate.policy.Decision;
import dev.mailgate.policy.DenyKind;
import dev.mailgate.policy.Policy;
import dev.mailgate.policy.PolicyFacts;
import dev.mailgate.policy.Stage;
import dev.mailgate.policy.auth.AuthOutcomes;
import dev.mailgate.policy.auth.AuthThrottle;
import reactor.core.publisher.Mono;

/**
 * {@link AuthThrottle}'s delays and lockouts counted across the cluster, so an attacker spreading
 * guesses over N nodes gets no more than on one: the lockout of a (user, address) pair and the
 * failure counts of the address and the user come from {@link SharedCounters}. Failures and
 * successes are recorded in both the shared store and this node's throttle, so that when the store
 * does not answer the node's own record decides ({@code failClosed} false) or the attempt is
 * refused like a locked-out one.
 */
public final class SharedAuthThrottle implements Policy, AuthOutcomes {
  private final AuthThrottle local;
  private final SharedCounters counters;
  private final SharedOptions options;

  public SharedAuthThrottle(AuthThrottle local, SharedCounters counters, SharedOptions options) {
    this.local = local;
    this.counters = counters;
    this.options = options;
  }

  @Override
  public String name() {
    return local.name();
  }

  @Override
  public Mono<Decision> check(PolicyFacts facts) {
    if (facts.stage() != Stage.AUTH) {
      return Mono.just(Decision.ALLOW);
    }
    return counters.authRecord(AuthThrottle.ip(facts), AuthThrottle.user(facts))
        .timeout(options.timeout())
        .map(r -> decision(facts, r))
        .onErrorResume(e -> Mono.fromSupplier(() -> fallback(facts)));
  }

  private Decision decision(PolicyFacts facts, SharedCounters.AuthRecord r) {
    if (r.pairLocked()) {
      return new Decision.Deny("too many failed logins for this user from this address",
          name(), DenyKind.AUTH_THROTTLED);
    }
    var d = local.delayFor(local.failuresCounted(facts, r.ipFailures(), r.userFailures()));
    return d.isZero() ? Decision.ALLOW : new Decision.Delay(d, name());
  }

  private Decision fallback(PolicyFacts facts) {
    options.onUnavailable().accept(name());
    if (options.failClosed()) {
      return new Decision.Deny("shared counters unavailable", name(), DenyKind.AUTH_THROTTLED);
    }
    return local.decide(facts);
  }

  @Override
  public void recordFailure(PolicyFacts facts, long fp) {
    local.recordFailure(facts, fp);
    String user = AuthThrottle.user(facts);
    // the same notion of "the same failure" as the local throttle (see AuthThrottle)
    counters.recordAuthFailure(AuthThrottle.ip(facts), user, fp * 31 + user.hashCode(), fp,
        local.settings());
  }

  @Override
  public void recordSuccess(PolicyFacts facts) {
    local.recordSuccess(facts);
    counters.recordAuthSuccess(AuthThrottle.ip(facts), AuthThrottle.user(facts));
  }
}
