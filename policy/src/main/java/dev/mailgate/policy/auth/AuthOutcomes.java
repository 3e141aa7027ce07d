package dev.mailgate.policy.auth;

import dev.mailgate.policy.PolicyFacts;

/**
 * Where a session reports how a login ended, for the failure delays and lockouts: this node's
 * {@link AuthThrottle}, or with shared counters also the cluster's ({@code policy.shared}).
 * Neither call waits for I/O.
 */
public interface AuthOutcomes {
  /** A failed login of {@code facts.user()} from {@code facts.clientIp()}; see {@link AuthThrottle}. */
  void recordFailure(PolicyFacts facts, long passwordFingerprint);

  /** A successful login: clears the address's and the (user, address) pair's failures. */
  void recordSuccess(PolicyFacts facts);
}
