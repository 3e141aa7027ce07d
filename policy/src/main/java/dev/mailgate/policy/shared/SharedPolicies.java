package dev.mailgate.policy.shared;

import dev.mailgate.policy.auth.AuthThrottle;
import dev.mailgate.policy.limit.RateLimitPolicy;

/**
 * Hands {@link dev.mailgate.policy.PolicyEngine} the cluster-wide versions of its stateful rules:
 * an engine built with one counts rate limits and login failures in the {@link SharedCounters}
 * and keeps its own counters only as the fallback.
 */
public final class SharedPolicies {
  private final SharedCounters counters;
  private final SharedOptions options;

  private final SharedSessionLimits sessions;

  public SharedPolicies(SharedCounters counters, SharedOptions options) {
    this.counters = counters;
    this.options = options;
    this.sessions = new SharedSessionLimits(counters, options);
  }

  /**
   * The cluster-wide per-user and per-domain session limits. One per node, kept across reloads
   * (its slots belong to running sessions); renew its slots every
   * {@link SharedSessionLimits#RENEW_EVERY}.
   */
  public SharedSessionLimits sessions() {
    return sessions;
  }

  public SharedRateLimitPolicy rateLimit(RateLimitPolicy local) {
    return new SharedRateLimitPolicy(local, counters, options);
  }

  public SharedAuthThrottle authThrottle(AuthThrottle local) {
    return new SharedAuthThrottle(local, counters, options);
  }
}
